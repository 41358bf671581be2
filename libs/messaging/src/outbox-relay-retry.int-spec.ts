import { waitFor, type TestDatabase } from '@klantcentraal/testing';
import type { InsightPublisher, PublishMessage } from './insight-publisher';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import { writeInsights } from './outbox';
import { createOutboxDatabase, insightFor, newRun } from './testing/outbox-fixtures';

// The relay's own behaviour against real PostgreSQL, with a scripted broker: order, wake-up, failure bookkeeping,
// backoff, redelivery, two relays at once, stopping. (outbox-relay.int-spec.ts does the same path on real Kafka.)

/** A broker stand-in: records what it acknowledged; can fail before writing, or after writing (ack lost). */
class ScriptedPublisher implements InsightPublisher {
  acknowledged: PublishMessage[] = [];
  attempts: number[] = [];
  mode: 'ok' | 'down' | 'ack-lost-once' = 'ok';
  delayMs = 0;
  stops = 0;

  constructor(private readonly log: PublishMessage[] = []) {}

  async start(): Promise<void> {
    // connecting lazily, like the Kafka adapter: failures show up in publish
  }

  async publish(messages: readonly PublishMessage[]): Promise<void> {
    this.attempts.push(Date.now());
    if (this.delayMs) await sleep(this.delayMs * (0.2 + Math.random())); // uneven, so concurrent batches would overtake
    if (this.mode === 'down') throw new Error('broker unreachable (scripted)');
    this.acknowledged.push(...messages);
    this.log.push(...messages);
    if (this.mode === 'ack-lost-once') {
      this.mode = 'ok';
      throw new Error('connection closed before the ack (scripted)');
    }
  }

  async stop(): Promise<void> {
    this.stops++;
  }
}

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('OutboxRelay (PostgreSQL, scripted broker)', () => {
  let db: TestDatabase;
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    db = await createOutboxDatabase();
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    // Each test starts from an empty outbox so that "unsent" means this test's rows.
    await db.pool.query('TRUNCATE feed.insight_outbox');
  });

  afterAll(async () => {
    await db.drop();
  });

  const relay = (publisher: InsightPublisher, options: Partial<OutboxRelayOptions> = {}) => {
    const r = new OutboxRelay({ pool: db.pool, publisher, logger: quiet, ...options });
    relays.push(r);
    return r;
  };
  const ids = (messages: readonly PublishMessage[]) => messages.map((m) => JSON.parse(m.value).id as string);

  it('publishes every insight once, in outbox order, in batches, and marks them sent', async () => {
    const run = newRun();
    const insights = Array.from({ length: 23 }, (_, n) => insightFor(run, n));
    await writeInsights(db.pool, insights);
    const publisher = new ScriptedPublisher();
    const r = relay(publisher, { batchSize: 5 });

    await r.start();
    await waitFor('the outbox to drain', async () => (await r.status()).unsent === 0);

    expect(ids(publisher.acknowledged)).toEqual(insights.map((i) => i.id));
    expect(publisher.attempts).toHaveLength(5); // 5 + 5 + 5 + 5 + 3
    const { rows } = await db.pool.query(`SELECT sent_at, attempts FROM feed.insight_outbox`);
    expect(rows.every((row) => row.sent_at instanceof Date && row.attempts === 1)).toBe(true);
    expect(await r.status()).toMatchObject({ running: true, unsent: 0, oldestUnsentAgeMs: null, lastError: null, sent: 23 });
  });

  it('wakes on the commit notification instead of waiting for the poll', async () => {
    const publisher = new ScriptedPublisher();
    const r = relay(publisher, { pollIntervalMs: 60_000 });
    await r.start();
    await sleep(200); // idle now, next poll a minute away

    const started = Date.now();
    await writeInsights(db.pool, [insightFor(newRun(), 1)]);
    await waitFor('the insight to be published', () => publisher.acknowledged.length === 1, 5_000);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('while the broker fails: keeps the rows, records attempts and the error, backs off exponentially; then sends them all', async () => {
    const run = newRun();
    const insights = Array.from({ length: 5 }, (_, n) => insightFor(run, n));
    await writeInsights(db.pool, insights);
    const publisher = new ScriptedPublisher();
    publisher.mode = 'down';
    const r = relay(publisher, { backoff: { initialMs: 40, maxMs: 400 } });

    await r.start();
    await waitFor('five failed publishes', () => publisher.attempts.length >= 5);

    const failing = await r.status();
    expect(failing.unsent).toBe(5);
    expect(failing.oldestUnsentAgeMs).toBeGreaterThan(0);
    expect(failing.lastError).toMatchObject({ message: 'broker unreachable (scripted)' });
    expect(failing.lastError!.consecutiveFailures).toBeGreaterThanOrEqual(4); // the 5th may still be in flight
    const { rows } = await db.pool.query(`SELECT attempts, last_error, sent_at FROM feed.insight_outbox ORDER BY seq`);
    expect(rows.every((row) => row.sent_at === null && row.attempts >= 4 && row.last_error === 'broker unreachable (scripted)')).toBe(true);
    const gaps = publisher.attempts.slice(1).map((t, i) => t - publisher.attempts[i]);
    expect(gaps[3]).toBeGreaterThan(gaps[0]); // 4th wait ≥ 160 ms, 1st ≤ 80 ms (+ jitter below the step)

    publisher.mode = 'ok';
    await waitFor('the outbox to drain', async () => (await r.status()).unsent === 0, 5_000);
    expect(ids(publisher.acknowledged)).toEqual(insights.map((i) => i.id));
    expect((await r.status()).lastError).toBeNull();
  });

  it('sends a batch again, identically, when the broker wrote it but the ack was lost (at-least-once)', async () => {
    const run = newRun();
    const insights = Array.from({ length: 4 }, (_, n) => insightFor(run, n));
    await writeInsights(db.pool, insights);
    const publisher = new ScriptedPublisher();
    publisher.mode = 'ack-lost-once';
    const r = relay(publisher, { backoff: { initialMs: 20, maxMs: 50 } });

    await r.start();
    await waitFor('the outbox to drain', async () => (await r.status()).unsent === 0);

    expect(ids(publisher.acknowledged)).toEqual([...insights, ...insights].map((i) => i.id));
    expect(publisher.acknowledged.slice(4)).toEqual(publisher.acknowledged.slice(0, 4)); // same keys, values, headers
  });

  it('two relays on one outbox: each insight is published once, and in outbox order', async () => {
    const run = newRun();
    const insights = Array.from({ length: 120 }, (_, n) => insightFor(run, n, 7));
    const log: PublishMessage[] = [];
    const a = new ScriptedPublisher(log);
    const b = new ScriptedPublisher(log);
    a.delayMs = b.delayMs = 25;
    const ra = relay(a, { batchSize: 9, pollIntervalMs: 20 });
    const rb = relay(b, { batchSize: 9, pollIntervalMs: 20 });
    await Promise.all([ra.start(), rb.start()]);

    for (let i = 0; i < insights.length; i += 10) await writeInsights(db.pool, insights.slice(i, i + 10));
    await waitFor('the outbox to drain', async () => (await ra.status()).unsent === 0);

    expect(ids(log)).toEqual(insights.map((i) => i.id));
    expect(a.acknowledged.length + b.acknowledged.length).toBe(120);
  });

  it('stop() interrupts a backoff and stops the publisher', async () => {
    await writeInsights(db.pool, [insightFor(newRun(), 1)]);
    const publisher = new ScriptedPublisher();
    publisher.mode = 'down';
    const r = relay(publisher, { backoff: { initialMs: 10_000, maxMs: 10_000 } });
    await r.start();
    await waitFor('a failure', async () => (await r.status()).lastError !== null);

    const started = Date.now();
    await r.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(publisher.stops).toBe(1);
    expect((await r.status()).running).toBe(false);
  });
});
