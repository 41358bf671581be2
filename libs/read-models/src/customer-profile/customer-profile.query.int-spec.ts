import {
  AT_RISK_REASONS,
  COMPANY_SIZES,
  DEFAULT_CUSTOMER_DEFINITION,
  LIFECYCLE_PHASES,
  LOYALTY_STATUSES,
  parseCustomerDefinition,
  replayCustomerProfile,
  viewCustomerProfile,
  type CustomerDefinition,
  type CustomerProfileState,
  type CustomerProfileView,
} from '@klantcentraal/domain';
import { generateDemoData } from '@klantcentraal/demo-data';
import type { TestDatabase } from '@klantcentraal/testing';
import { createProjections } from '../projections';
import { createReadModelDatabase, EventLog, project, storedEvents } from '../testing/read-model-fixtures';
import {
  decodeSegmentCursor,
  encodeSegmentCursor,
  findCustomerProfile,
  findCustomerSegment,
  InvalidCursorError,
  matchesSegment,
  selectSegmentCandidates,
  type SegmentFilter,
} from './customer-profile.query';

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** The demo history ends here (exclusive): every event occurred before it. */
const DEMO_END = '2026-11-01T00:00:00.000Z';

describe('customer profile queries', () => {
  let db: TestDatabase;
  let states: CustomerProfileState[];

  beforeAll(async () => {
    db = await createReadModelDatabase();
    const log = EventLog.fromDemoData(generateDemoData({ customers: 150, seed: 3 }), { interleave: true });
    await project(db.pool, createProjections(), log.events, { cuts: [1000, 5000, 9000] });
    const byCustomer = new Map<string, ReturnType<typeof storedEvents>>();
    for (const event of storedEvents(log.events)) byCustomer.set(event.customerId, [...(byCustomer.get(event.customerId) ?? []), event]);
    states = [...byCustomer.values()].map((events) => replayCustomerProfile(events, DEFAULT_CUSTOMER_DEFINITION)!);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const views = new Map<string, (CustomerProfileView | null)[]>();
  /** What the pure view says: the ids of the customers in the segment at `now`, in id order. */
  const expectedIds = (filter: SegmentFilter, now: string, definition: CustomerDefinition = DEFAULT_CUSTOMER_DEFINITION) => {
    const key = `${now} ${definition.version}`;
    if (!views.has(key)) views.set(key, states.map((state) => viewCustomerProfile(state, now, definition)));
    return views
      .get(key)!
      .filter((view) => view !== null && matchesSegment(view, filter))
      .map((view) => view!.customerId)
      .sort();
  };

  const accountManagers = () => [...new Set(states.map((s) => s.accountManagers.at(-1)?.employeeId).filter(Boolean))] as string[];

  const filters = (): SegmentFilter[] => [
    {},
    ...LIFECYCLE_PHASES.map((phase) => ({ phase })),
    ...LOYALTY_STATUSES.map((loyalty) => ({ loyalty })),
    ...COMPANY_SIZES.map((size) => ({ size })),
    ...accountManagers().slice(0, 3).map((accountManager) => ({ accountManager })),
    { phase: 'loyal-customer', size: 'medium' },
    { loyalty: 'at-risk', accountManager: accountManagers()[0] },
    { phase: 'departed', loyalty: 'lapsed' },
    { phase: 'prospect', loyalty: 'at-risk' },
  ];

  /**
   * Moments where the rules tip over: exactly when a purchase gap opens, a customer departs by inactivity and a
   * complaint becomes overdue, and a millisecond later.
   */
  const boundaryMoments = (): string[] => {
    const moments: string[] = [];
    for (const state of states.slice(0, 40)) {
      const lastPurchase = state.purchases.at(-1);
      if (lastPurchase) {
        const ms = Date.parse(lastPurchase.occurredAt);
        moments.push(iso(ms + 365 * DAY_MS), iso(ms + 365 * DAY_MS + 1), iso(ms + 182.5 * DAY_MS), iso(ms + 182.5 * DAY_MS + 1));
      }
      const complaint = state.complaints.find((c) => c.filedAt !== null);
      if (complaint) moments.push(iso(Date.parse(complaint.filedAt!) + 24 * 3_600_000), iso(Date.parse(complaint.filedAt!) + 24 * 3_600_000 + 1));
    }
    return moments.filter((moment) => moment >= DEMO_END).slice(0, 24);
  };

  it('the demo set covers every phase and loyalty status and every at-risk reason at the fixed now', () => {
    const views = states.map((state) => viewCustomerProfile(state, DEMO_END, DEFAULT_CUSTOMER_DEFINITION)!);
    expect(new Set(views.map((v) => v.lifecyclePhase))).toEqual(new Set(LIFECYCLE_PHASES));
    expect(new Set(views.map((v) => v.loyalty.status))).toEqual(new Set(LOYALTY_STATUSES));
    expect(new Set(views.flatMap((v) => v.loyalty.reasons))).toEqual(new Set(AT_RISK_REASONS));
  });

  it('decide every segment in SQL exactly as viewCustomerProfile does, at now and as time passes', async () => {
    const moments = [DEMO_END, '2026-12-24T13:00:00.000Z', '2027-06-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z', ...boundaryMoments()];
    expect(moments.length).toBeGreaterThan(10);
    for (const now of moments) {
      for (const filter of filters()) {
        const candidates = await selectSegmentCandidates(db.pool, { filter, now, definition: DEFAULT_CUSTOMER_DEFINITION, after: null, limit: 10_000 });
        // Every event occurred before these moments, so SQL decides every customer by itself.
        expect(candidates.every((candidate) => candidate.decided)).toBe(true);
        expect({ now, filter, ids: candidates.map((c) => c.customerId) }).toEqual({ now, filter, ids: expectedIds(filter, now) });
      }
    }
  });

  it('leave customers with events after now to the view, and still answer like it', async () => {
    const now = '2025-09-15T12:00:00.000Z';
    const undecidable = states.filter((s) => s.registrations[0].occurredAt <= now && s.lastTouchpointAt! > now).length;
    expect(undecidable).toBeGreaterThan(10);
    for (const filter of filters()) {
      const candidates = await selectSegmentCandidates(db.pool, { filter, now, definition: DEFAULT_CUSTOMER_DEFINITION, after: null, limit: 10_000 });
      expect(candidates.filter((c) => !c.decided)).toHaveLength(undecidable);
      const decidedIds = candidates.filter((c) => c.decided).map((c) => c.customerId);
      const decidable = new Set(states.filter((s) => s.lastTouchpointAt! <= now).map((s) => s.customerId));
      expect(decidedIds).toEqual(expectedIds(filter, now).filter((id) => decidable.has(id)));

      const page = await findCustomerSegment(db.pool, { filter, now, definition: DEFAULT_CUSTOMER_DEFINITION, limit: 500 });
      expect(page.items.map((item) => item.customerId)).toEqual(expectedIds(filter, now));
    }
  });

  it('page through a segment with an opaque cursor: no duplicates, nothing missed, null at the end', async () => {
    for (const filter of [{}, { loyalty: 'at-risk' }, { phase: 'departed' }] as SegmentFilter[]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await findCustomerSegment(db.pool, { filter, now: DEMO_END, definition: DEFAULT_CUSTOMER_DEFINITION, limit: 7, cursor });
        expect(page.items.length).toBeLessThanOrEqual(7);
        if (page.nextCursor !== null) expect(page.items).toHaveLength(7);
        seen.push(...page.items.map((item) => item.customerId));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== null && pages < 100);
      expect(seen).toEqual(expectedIds(filter, DEMO_END));
      expect(pages).toBe(Math.max(1, Math.ceil(seen.length / 7)));
    }
  });

  it('apply a new definition to segments at once, before any rebuild', async () => {
    const strict = parseCustomerDefinition({ version: 2, departAfterDays: 120, purchaseGapFraction: 0.25 });
    for (const filter of [{ phase: 'departed' }, { loyalty: 'at-risk' }, { phase: 'loyal-customer' }] as SegmentFilter[]) {
      const candidates = await selectSegmentCandidates(db.pool, { filter, now: DEMO_END, definition: strict, after: null, limit: 10_000 });
      expect(candidates.every((c) => !c.decided)).toBe(true); // rows were derived under version 1
      const page = await findCustomerSegment(db.pool, { filter, now: DEMO_END, definition: strict, limit: 500 });
      expect(page.items.map((item) => item.customerId)).toEqual(expectedIds(filter, DEMO_END, strict));
      expect(page.items.every((item) => item.definitionVersion === 2)).toBe(true);
    }
    expect(expectedIds({ phase: 'departed' }, DEMO_END, strict)).not.toEqual(expectedIds({ phase: 'departed' }, DEMO_END));
  });

  it('find a profile as of now or any moment in the past; null before its registration and for unknown ids', async () => {
    const state = states.find((s) => s.purchases.length > 2)!;
    for (const asOf of [DEMO_END, state.purchases[1].occurredAt, state.registrations[0].occurredAt]) {
      expect(await findCustomerProfile(db.pool, state.customerId, asOf, DEFAULT_CUSTOMER_DEFINITION)).toEqual(
        viewCustomerProfile(state, asOf, DEFAULT_CUSTOMER_DEFINITION),
      );
    }
    expect(await findCustomerProfile(db.pool, state.customerId, iso(Date.parse(state.registrations[0].occurredAt) - 1), DEFAULT_CUSTOMER_DEFINITION)).toBeNull();
    expect(await findCustomerProfile(db.pool, 'no-such-customer', DEMO_END, DEFAULT_CUSTOMER_DEFINITION)).toBeNull();
  });

  it('round-trip cursors and reject ones it did not make', () => {
    expect(decodeSegmentCursor(encodeSegmentCursor('c-00042'))).toBe('c-00042');
    for (const bad of ['', 'not a cursor', 'YQ=', '!!', 'YW_']) expect(() => decodeSegmentCursor(bad)).toThrow(InvalidCursorError);
  });
});
