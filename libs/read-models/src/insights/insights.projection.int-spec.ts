import { randomUUID } from 'node:crypto';
import {
  customerStreamName,
  DEFAULT_CUSTOMER_DEFINITION,
  deriveInsights,
  evolveCustomerProfile,
  type CustomerEvent,
  type CustomerProfileState,
  type StoredCustomerEvent,
} from '@klantcentraal/domain';
import { generateDemoData, loadDemoData, toEventToAppend } from '@klantcentraal/demo-data';
import type { EventStore } from '@klantcentraal/event-store';
import { ProjectionRunner, type Projection } from '@klantcentraal/projections';
import { waitFor } from '@klantcentraal/testing';
import { createProjections } from '../projections';
import { toStoredCustomerEvent } from '../recorded-event';
import { EventLog, project, storedEvents } from '../testing/read-model-fixtures';
import { InsightTimer, startInsightTimer } from './insight-timer';
import { InsightsProjection } from './insights.projection';
import {
  comparable,
  createInsightsDatabase,
  outboxInsights,
  personalTexts,
  referenceInsights,
  type InsightsDatabase,
  type StoredInsight,
} from './testing/insight-fixtures';

const quiet = { log: () => undefined, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
const definition = DEFAULT_CUSTOMER_DEFINITION;

type Envelope = CustomerEvent & { occurredAt: string };
const ev = <T extends CustomerEvent['type']>(type: T, data: Extract<CustomerEvent, { type: T }>['data'], occurredAt: string) =>
  ({ type, data, occurredAt }) as Envelope;

async function append(store: EventStore, customerId: string, events: readonly Envelope[]): Promise<number> {
  const result = await store.appendToStream(
    customerStreamName(customerId),
    'any',
    events.map((event) => toEventToAppend(customerId, { ...event, eventId: randomUUID() })),
  );
  return result.lastPosition;
}

const byCustomer = (insights: ReturnType<typeof comparable>) => {
  const grouped = new Map<string, ReturnType<typeof comparable>>();
  for (const insight of insights) grouped.set(insight.customerId, [...(grouped.get(insight.customerId) ?? []), insight]);
  return new Map([...grouped].sort(([a], [b]) => (a < b ? -1 : 1)));
};

const hoursAfter = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3_600_000).toISOString();

describe('insights projection (PostgreSQL)', () => {
  let db: InsightsDatabase;

  beforeEach(async () => {
    db = await createInsightsDatabase();
  });
  afterEach(async () => {
    await db?.drop();
  });

  it('writes what the domain recipe derives, per customer in order, whatever the batches; redelivery adds nothing', async () => {
    const set = generateDemoData({ seed: 5, customers: 20 });
    const log = EventLog.fromDemoData(set, { interleave: true });
    const reference = comparable(referenceInsights(storedEvents(log.events), definition));
    expect(new Set(reference.map((i) => i.type)).size).toBeGreaterThanOrEqual(5);

    const projection = new InsightsProjection();
    await project(db.pool, [projection], log.events, { cuts: [1, 7, 500, 501, 1800, 2500] });
    const first = comparable(await outboxInsights(db.pool));
    expect(byCustomer(first)).toEqual(byCustomer(reference));

    // The same events in other batches, into empty tables: the same insights.
    await db.pool.query('TRUNCATE feed.insight_outbox, read_models.insight_watch');
    await project(db.pool, [projection], log.events, { cuts: Array.from({ length: 40 }, (_, i) => 37 + i * 113) });
    expect(byCustomer(comparable(await outboxInsights(db.pool)))).toEqual(byCustomer(reference));

    // A redelivered batch (the runner's at-least-once) is ignored by the fold: nothing new.
    const before = await db.pool.query('SELECT count(*)::int AS n FROM feed.insight_outbox');
    await project(db.pool, [projection], log.events.slice(100, 900));
    expect((await db.pool.query('SELECT count(*)::int AS n FROM feed.insight_outbox')).rows[0].n).toBe(before.rows[0].n);

    // Payloads: ids, codes, numbers and timestamps only.
    const stored = JSON.stringify(await outboxInsights(db.pool));
    for (const text of personalTexts(storedEvents(log.events))) expect(stored).not.toContain(text);
    const { rows } = await db.pool.query(`SELECT state::text AS state FROM read_models.insight_watch`);
    for (const text of personalTexts(storedEvents(log.events))) expect(rows.map((r) => r.state).join('')).not.toContain(text);
  });

  it('the timer reports a breached complaint when no event arrives; a later event reveals the same insight (same id), stored once', async () => {
    const filedAt = '2026-03-02T10:00:00.000Z';
    await append(db.store, 'acme', [
      ev('ProspectRegistered', { name: 'Acme BV', size: 'medium' }, '2026-02-20T09:00:00Z'),
      ev('AccountManagerAssigned', { employeeId: 'am-7', salesRole: 'account-manager' }, '2026-02-20T10:00:00Z'),
      ev('ComplaintFiled', { complaintId: 'CP-1', category: 'delivery', severity: 'high' }, filedAt),
    ]);
    const runner = new ProjectionRunner({ pool: db.pool, store: db.store, projections: createProjections({ insights: true }), logger: quiet });
    await runner.catchUp();
    const { rows: watch } = await db.pool.query(`SELECT checked_until, wake_at FROM read_models.insight_watch WHERE customer_id = 'acme'`);
    expect(watch[0].checked_until.toISOString()).toBe(filedAt);
    expect(watch[0].wake_at.toISOString()).toBe('2026-03-03T10:00:00.001Z'); // one millisecond past the 24 h target

    let now = new Date(hoursAfter(filedAt, 23));
    const timer = new InsightTimer({ pool: db.pool, clock: () => now });
    expect(await timer.tick()).toEqual({ horizon: now.toISOString(), customers: 0, insights: 0 });

    now = new Date(hoursAfter(filedAt, 25));
    expect(await timer.tick()).toMatchObject({ customers: 1, insights: 1 });
    const breaches = (await outboxInsights(db.pool)).filter((i) => i.type === 'complaint-sla-breached');
    expect(comparable(breaches)).toEqual([
      {
        id: expect.any(String),
        type: 'complaint-sla-breached',
        customerId: 'acme',
        time: '2026-03-03T10:00:00.000Z',
        globalPosition: 3,
        accountManager: 'am-7',
        data: { complaintId: 'CP-1', filedAt, targetHours: 24 },
      },
    ]);
    const { rows: advanced } = await db.pool.query(`SELECT checked_until, wake_at FROM read_models.insight_watch WHERE customer_id = 'acme'`);
    expect(advanced[0]).toEqual({ checked_until: now, wake_at: null });
    expect(await timer.tick()).toMatchObject({ customers: 0, insights: 0 });

    // The resolution arrives late: the projection knows the breach was reported (checked_until) and adds nothing …
    await append(db.store, 'acme', [ev('ComplaintResolved', { complaintId: 'CP-1' }, hoursAfter(filedAt, 26))]);
    await runner.catchUp();
    expect((await outboxInsights(db.pool)).filter((i) => i.type === 'complaint-sla-breached')).toHaveLength(1);

    // … and a projector that never ran a timer finds the same insight, by the same id, from that event.
    const events = await readStream(db.store, 'acme');
    let before: CustomerProfileState | null = null;
    for (const event of events.slice(0, -1)) before = evolveCustomerProfile(before, event, definition);
    const resolved = events[events.length - 1];
    const revealed = deriveInsights(before, evolveCustomerProfile(before, resolved, definition), resolved, definition);
    expect(revealed.filter((i) => i.type === 'complaint-sla-breached').map((i) => i.id)).toEqual([breaches[0].id]);
  });

  it('a tick waits for the batch in progress (the runner schema lock) and then sees what it committed', async () => {
    await append(db.store, 'bakker', [
      ev('ProspectRegistered', { name: 'Bakkerij', size: 'small' }, '2026-01-01T09:00:00Z'),
      ev('ComplaintFiled', { complaintId: 'CP-9', category: 'invoice' }, '2026-01-05T09:00:00Z'),
    ]);
    await new ProjectionRunner({ pool: db.pool, store: db.store, projections: [new InsightsProjection()], logger: quiet }).catchUp();
    // The complaint's target has passed: due for the timer. Meanwhile a batch applies its (late) resolution.
    await append(db.store, 'bakker', [ev('ComplaintResolved', { complaintId: 'CP-9' }, '2026-01-07T09:00:00Z')]);
    const inner = new InsightsProjection();
    let entered!: () => void;
    const inApply = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const blocking: Projection = {
      name: inner.name,
      tables: inner.tables,
      sharedTables: inner.sharedTables,
      eventTypes: inner.eventTypes,
      async apply(events, context) {
        entered();
        await released;
        await inner.apply(events, context);
      },
    };
    const runner = new ProjectionRunner({ pool: db.pool, store: db.store, projections: [blocking], logger: quiet });
    const batch = runner.catchUp();
    await inApply;

    const timer = new InsightTimer({ pool: db.pool, clock: () => new Date('2026-02-01T00:00:00Z') });
    const tick = timer.tick();
    const early = await Promise.race([tick.then(() => 'done'), new Promise((r) => setTimeout(() => r('waiting'), 400))]);
    expect(early).toBe('waiting');
    release();
    await batch;
    // The batch reported the breach (revealed by the resolution) and left nothing due: the tick saw that.
    expect(await tick).toMatchObject({ customers: 0, insights: 0 });
    expect((await outboxInsights(db.pool)).filter((i) => i.type === 'complaint-sla-breached')).toHaveLength(1);
  });

  it('while the projection is behind the log, the timer evaluates only up to the first unapplied event (no false breach)', async () => {
    const now = Date.now();
    const filedAt = new Date(now - 23 * 3_600_000).toISOString(); // target ends an hour from now
    await append(db.store, 'cafe', [
      ev('ProspectRegistered', { name: 'Café', size: 'small' }, new Date(now - 48 * 3_600_000).toISOString()),
      ev('ComplaintFiled', { complaintId: 'CP-2', category: 'service' }, filedAt),
    ]);
    const runner = new ProjectionRunner({ pool: db.pool, store: db.store, projections: createProjections({ insights: true }), logger: quiet });
    await runner.catchUp();
    // Resolved in time and recorded now, but the projector has not applied it yet.
    await append(db.store, 'cafe', [ev('ComplaintResolved', { complaintId: 'CP-2' }, new Date(now - 22 * 3_600_000).toISOString())]);

    const later = new Date(now + 2 * 3_600_000); // past the target
    const timer = new InsightTimer({ pool: db.pool, store: db.store, clock: () => later });
    const tick = await timer.tick();
    expect(tick.insights).toBe(0);
    expect(Date.parse(tick.horizon)).toBeLessThan(Date.parse(filedAt) + 24 * 3_600_000);

    await runner.catchUp();
    expect(await timer.tick()).toMatchObject({ horizon: later.toISOString(), insights: 0 });
    expect((await outboxInsights(db.pool)).filter((i) => i.type === 'complaint-sla-breached')).toEqual([]);
  });

  it('while catching up, a customer whose history is only partly applied is left alone by the timer', async () => {
    // One append, so one recording moment for the whole history; the projection has applied only its first two events.
    await append(db.store, 'echo', [
      ev('ProspectRegistered', { name: 'Echo', size: 'small' }, '2024-01-01T09:00:00Z'),
      ev('PurchaseMade', { orderId: 'E-1', lines: [{ sku: 'X', quantity: 1, unitPrice: 5 }], total: 5, currency: 'EUR' }, '2024-01-05T09:00:00Z'),
      ev('PurchaseMade', { orderId: 'E-2', lines: [{ sku: 'X', quantity: 1, unitPrice: 5 }], total: 5, currency: 'EUR' }, '2024-06-01T09:00:00Z'),
    ]);
    const events = await db.store.readAll(0, 10);
    await project(db.pool, [new InsightsProjection()], events.slice(0, 2));
    await db.pool.query(`INSERT INTO read_models.checkpoints (projection, position, updated_at) VALUES ('insights', 2, now())`);

    const timer = new InsightTimer({ pool: db.pool, store: db.store });
    expect(await timer.tick()).toMatchObject({ customers: 0, insights: 0 }); // not "departed 2025-01-05": E-2 is coming
    const runner = new ProjectionRunner({ pool: db.pool, store: db.store, projections: [new InsightsProjection()], logger: quiet });
    await runner.catchUp();
    await timer.tick();
    const departures = (await outboxInsights(db.pool)).filter((i) => i.type === 'lifecycle-phase-changed' && i.data.to === 'departed');
    expect(departures.map((i) => i.time)).toEqual(['2025-06-01T09:00:00.000Z']);
  });

  it('a rebuild does not emit history again (not even insights gone from the outbox); the tail is emitted once, live', async () => {
    await loadDemoData(db.store, generateDemoData({ seed: 3, customers: 25 }));
    const runner = new ProjectionRunner({ pool: db.pool, store: db.store, projections: createProjections({ insights: true }), logger: quiet });
    await runner.catchUp();
    const timer = new InsightTimer({ pool: db.pool, store: db.store, clock: () => new Date('2027-06-01T00:00:00Z') });
    expect((await timer.tick()).insights).toBeGreaterThan(0);
    // An outbox that pruned published rows: a replay that emitted history would bring these back.
    await db.pool.query(`DELETE FROM feed.insight_outbox WHERE seq % 3 = 0`);
    const kept = await outboxInsights(db.pool);
    const watchBefore = await watchRows(db);

    const [customer] = Object.keys(watchBefore);
    const tailPosition = await append(db.store, customer, [ev('NpsResponded', { surveyId: 'S-late', score: 2, improvement: 'call back' }, '2027-05-31T12:00:00Z')]);
    const result = await runner.rebuild();
    expect(result.swapped).toBe(true);

    const after = await outboxInsights(db.pool);
    expect(after.slice(0, kept.length)).toEqual(kept);
    const added = after.slice(kept.length);
    expect(added.map((i) => [i.type, i.customerId, i.globalPosition])).toContainEqual(['detractor-responded', customer, tailPosition]);
    expect(added.every((i) => i.globalPosition === tailPosition)).toBe(true);
    expect(new Set(after.map((i) => i.id)).size).toBe(after.length);

    // The rebuilt watch table: the same states; checked_until carried over from the live table (the timer's).
    const watchAfter = await watchRows(db);
    expect(Object.keys(watchAfter).sort()).toEqual(Object.keys(watchBefore).sort());
    for (const [id, row] of Object.entries(watchBefore)) {
      if (id === customer) continue;
      expect(watchAfter[id]).toEqual(row);
    }
    expect(await timer.tick()).toMatchObject({ insights: 0 });
  });

  it('startInsightTimer ticks in the background until stopped', async () => {
    await append(db.store, 'dekker', [
      ev('ProspectRegistered', { name: 'Dekker', size: 'large' }, '2026-01-01T09:00:00Z'),
      ev('QuoteRequested', { quoteId: 'Q-1', expectedWithinDays: 2 }, '2026-01-05T09:00:00Z'),
    ]);
    const runner = new ProjectionRunner({ pool: db.pool, store: db.store, projections: createProjections({ insights: true }), logger: quiet });
    await runner.catchUp();
    let now = new Date('2026-01-06T00:00:00Z');
    const running = startInsightTimer({ pool: db.pool, store: db.store, clock: () => now, intervalMs: 20, logger: quiet });
    try {
      await sleep(100);
      expect(await missed(db)).toEqual([]);
      now = new Date('2026-01-08T00:00:01Z'); // the quote was expected on 2026-01-07 and did not come
      await waitFor('the expectation-missed insight', async () => (await missed(db)).length === 1, 5_000);
      expect((await missed(db))[0]).toMatchObject({
        customerId: 'dekker',
        time: '2026-01-08T00:00:00.000Z',
        data: { kind: 'quote', subjectId: 'Q-1', expectedDate: '2026-01-07', deliveredAt: null },
      });
    } finally {
      await running.stop();
    }
    const rowsAtStop = (await outboxInsights(db.pool)).length;
    now = new Date('2027-06-01T00:00:00Z');
    await sleep(100);
    expect((await outboxInsights(db.pool)).length).toBe(rowsAtStop);
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const missed = async (db: InsightsDatabase): Promise<StoredInsight[]> =>
  (await outboxInsights(db.pool)).filter((i) => i.type === 'expectation-missed');

async function readStream(store: EventStore, customerId: string): Promise<StoredCustomerEvent[]> {
  const events: StoredCustomerEvent[] = [];
  for await (const event of store.readStream(customerStreamName(customerId))) events.push(toStoredCustomerEvent(event)!);
  return events;
}

async function watchRows(db: InsightsDatabase): Promise<Record<string, unknown>> {
  const { rows } = await db.pool.query(`SELECT customer_id, state, checked_until, wake_at, last_position FROM read_models.insight_watch ORDER BY customer_id`);
  return Object.fromEntries(rows.map((row) => [row.customer_id, row]));
}
