/**
 * The insight queries against the domain's pure functions, on a demo data set: the SQL must select exactly what the
 * rules select, and the figures must be the domain's.
 */
import {
  COMPANY_SIZES,
  DEFAULT_CUSTOMER_DEFINITION,
  expectationOutcomes,
  LIFECYCLE_PHASES,
  replayCustomerProfile,
  replayOpportunities,
  summariseComplaints,
  summariseFunnel,
  summariseNps,
  viewCustomerProfile,
  type CustomerProfileState,
  type StoredCustomerEvent,
} from '@klantcentraal/domain';
import { generateDemoData } from '@klantcentraal/demo-data';
import type { TestDatabase } from '@klantcentraal/testing';
import { complaintsInsight } from './complaints/complaints.query';
import { experienceInsight } from './experience/experience.query';
import { funnelInsight } from './funnel/funnel.query';
import { lifecyclePhaseCounts } from './lifecycle/lifecycle.query';
import { npsInsight } from './nps/nps.query';
import { createProjections } from './projections';
import { END_OF_TIME } from './read-model-schema';
import { createReadModelDatabase, EventLog, project, storedEvents } from './testing/read-model-fixtures';

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const DEFINITION = DEFAULT_CUSTOMER_DEFINITION;

describe('insight queries', () => {
  let db: TestDatabase;
  let events: StoredCustomerEvent[];
  let states: CustomerProfileState[];

  beforeAll(async () => {
    db = await createReadModelDatabase();
    const log = EventLog.fromDemoData(generateDemoData({ customers: 120, seed: 11 }), { interleave: true });
    await project(db.pool, createProjections(), log.events, { cuts: [2500, 7000] });
    events = storedEvents(log.events);
    const byCustomer = new Map<string, StoredCustomerEvent[]>();
    for (const event of events) byCustomer.set(event.customerId, [...(byCustomer.get(event.customerId) ?? []), event]);
    states = [...byCustomer.values()].map((stream) => replayCustomerProfile(stream, DEFINITION)!);
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** The customer's size and account manager as the profile row has them (as of its latest event). */
  const current = (customerId: string) => {
    const state = states.find((s) => s.customerId === customerId)!;
    const view = viewCustomerProfile(state, state.lastTouchpointAt!, DEFINITION)!;
    return { size: view.size, accountManager: view.accountManager?.employeeId };
  };

  it('count the customers per phase as of any moment, as the profile view does — also where a phase tips over', async () => {
    const moments = ['2024-12-01T00:00:00.000Z', '2025-06-15T08:30:00.000Z', '2026-11-01T00:00:00.000Z', '2027-09-01T00:00:00.000Z'];
    for (const state of states.slice(0, 25)) {
      const purchase = state.purchases.at(-1);
      if (purchase) moments.push(iso(Date.parse(purchase.occurredAt) + 365 * DAY_MS), iso(Date.parse(purchase.occurredAt) + 365 * DAY_MS + 1));
      moments.push(state.registrations[0].occurredAt, iso(Date.parse(state.registrations[0].occurredAt) - 1));
      if (state.relationshipEnds[0]) moments.push(state.relationshipEnds[0].occurredAt);
    }
    for (const asOf of moments) {
      const expected = Object.fromEntries(LIFECYCLE_PHASES.map((phase) => [phase, 0]));
      for (const state of states) {
        const view = viewCustomerProfile(state, asOf, DEFINITION);
        if (view) expected[view.lifecyclePhase] += 1;
      }
      expect(await lifecyclePhaseCounts(db.pool, asOf)).toEqual({ asOf, phases: expected });
    }
  });

  it('compute the NPS of a period, each response once, filtered by size and account manager', async () => {
    const responses = events.filter((event) => event.type === 'NpsResponded');
    expect(responses.length).toBeGreaterThan(30);
    const managers = [...new Set(states.map((s) => current(s.customerId).accountManager).filter(Boolean))] as string[];
    const periods = [
      { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      { from: '2025-07-01T00:00:00Z', to: '2025-10-01T00:00:00Z' },
      { from: null, to: null },
    ];
    const filters = [{}, ...COMPANY_SIZES.map((size) => ({ size })), ...managers.slice(0, 3).map((accountManager) => ({ accountManager }))];
    for (const period of periods) {
      for (const filter of filters) {
        const scores = responses
          .filter((event) => (period.from === null || event.occurredAt >= period.from) && (period.to === null || event.occurredAt < period.to))
          .filter((event) => Object.entries(filter).every(([key, value]) => current(event.customerId)[key as 'size'] === value))
          .map((event) => (event.data as { score: number }).score);
        expect({ period, filter, nps: await npsInsight(db.pool, { ...period, ...filter }, DEFINITION) }).toEqual({
          period,
          filter,
          nps: summariseNps(scores, DEFINITION),
        });
      }
    }
  });

  it('compute complaint figures for the complaints filed in a period, resolved or open at the moment asked', async () => {
    const complaints = states.flatMap((state) => state.complaints.filter((c) => c.filedAt !== null)) as { filedAt: string; resolvedAt: string | null }[];
    expect(complaints.length).toBeGreaterThan(10);
    for (const [from, to, asOf] of [
      ['2025-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'],
      ['2025-01-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', '2025-09-01T00:00:00.000Z'],
      ['2024-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'],
    ]) {
      const filed = complaints.filter((c) => c.filedAt >= from && c.filedAt < to);
      expect(await complaintsInsight(db.pool, { from, to }, asOf, DEFINITION)).toEqual(summariseComplaints(filed, asOf, DEFINITION));
    }
  });

  it('compute the funnel of a period as summariseFunnel does', async () => {
    const opportunities = replayOpportunities(events);
    expect(opportunities.length).toBeGreaterThan(10);
    for (const [from, to] of [
      ['2025-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
      ['2025-05-01T00:00:00.000Z', '2025-08-01T00:00:00.000Z'],
      ['2024-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'],
    ]) {
      expect(await funnelInsight(db.pool, { from, to })).toEqual({ from, to, ...summariseFunnel(opportunities, from, to) });
    }
  });

  it('count delivered quotes and promises of a period by experience', async () => {
    const outcomes = states.flatMap((state) => expectationOutcomes(state, END_OF_TIME));
    const from = '2025-03-01T00:00:00.000Z';
    const to = '2026-03-01T00:00:00.000Z';
    const delivered = outcomes.filter((o) => o.deliveredAt !== null && o.deliveredAt >= from && o.deliveredAt < to);
    const count = (experience: string) => delivered.filter((o) => o.experience === experience).length;
    expect(delivered.length).toBeGreaterThan(10);
    expect(await experienceInsight(db.pool, { from, to })).toEqual({
      delivered: delivered.length,
      positive: count('positive'),
      asExpected: count('as-expected'),
      negative: count('negative'),
    });
  });
});
