import { randomUUID } from 'node:crypto';
import { runMigrations } from '@klantcentraal/postgres';
import { createTestDatabase, TestDatabase } from '@klantcentraal/testing';
import { IdempotencyConflictError, RevisionConflictError } from '../errors';
import type { EventToAppend, MultiAppendResult } from '../event-store.port';
import { verifyChainAsync } from '../hash-chain';
import { prepare } from './postgres-append-plan';
import { takeGroup, type PendingAppend } from './postgres-append-group';
import { EVENT_STORE_MIGRATIONS } from './postgres-event-store.migrations';
import { PostgresEventStore } from './postgres-event-store';

const event = (n: number, eventId: string = randomUUID()): EventToAppend => ({
  eventId,
  type: 'Noted',
  data: { n, text: `note ${n}` },
  metadata: { schemaVersion: 1 },
  idempotencyPayload: { n },
});
const events = (count: number) => Array.from({ length: count }, (_, i) => event(i));

describe('group commit: choosing groups', () => {
  const pending = (stream: string, ids: string[]): PendingAppend => ({
    appends: [],
    batch: prepare([{ stream, expectedRevision: 'any', events: ids.map((id, i) => event(i, id)) }]),
    resolve: () => undefined,
    reject: () => undefined,
  });
  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];

  it('takes the first, then later appends with other streams and other ids; the rest stays queued in order', () => {
    const queue = [pending('s1', [a]), pending('s1', [b]), pending('s2', [a]), pending('s3', [c]), pending('s4', [c])];
    const streamsOf = (ps: PendingAppend[]) => ps.map((p) => p.batch.appends[0].stream);
    expect(streamsOf(takeGroup(queue))).toEqual(['s1', 's3']); // s1 again: same stream; s2: id a taken; s4: id c taken
    expect(streamsOf(queue)).toEqual(['s1', 's2', 's4']);
    expect(streamsOf(takeGroup(queue))).toEqual(['s1', 's2', 's4']); // nothing shared among these three
    expect(streamsOf(queue)).toEqual([]);
  });

  it('stops at the event limit but always takes the first', () => {
    const queue = [pending('s1', [a, b]), pending('s2', [c])];
    expect(takeGroup(queue, 1)).toHaveLength(1);
    expect(takeGroup(queue, 1)).toHaveLength(1);
    expect(queue).toHaveLength(0);
  });
});

describe('group commit: PostgresEventStore', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase('kc_es_group');
    await runMigrations(db.url, EVENT_STORE_MIGRATIONS);
    store = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const transactionsOf = async (streams: string[]) =>
    Number((await db.pool.query(`SELECT count(DISTINCT xmin::text) AS n FROM event_store.events WHERE stream = ANY($1)`, [streams])).rows[0].n);

  it('concurrent appends share transactions; each gets its own consecutive positions; every chain verifies', async () => {
    const streams = Array.from({ length: 40 }, (_, i) => `group-${i}-${randomUUID()}`);
    const results = await Promise.all(streams.map((stream) => store.appendToStream(stream, 'no-stream', events(10))));
    expect(await transactionsOf(streams)).toBeLessThan(streams.length);
    const ranges = results.map((r) => [r.firstPosition, r.lastPosition]).sort((x, y) => x[0] - y[0]);
    for (const [first, last] of ranges) expect(last - first).toBe(9);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBeGreaterThan(ranges[i - 1][1]);
    for (const [i, stream] of streams.entries()) {
      expect(results[i]).toMatchObject({ written: true, firstRevision: 0, lastRevision: 9 });
      const read = [];
      for await (const e of store.readStream(stream)) read.push(e);
      expect(read.map((e) => e.globalPosition)).toEqual(Array.from({ length: 10 }, (_, k) => results[i].firstPosition + k));
      expect((await verifyChainAsync(store.readStream(stream), () => store.streamHead(stream))).valid).toBe(true);
    }
  });

  it('a failing member fails alone: stale expectation, idempotent retry and changed payload each get their own answer', async () => {
    const [stale, retried, changed, ok1, ok2] = Array.from({ length: 5 }, (_, i) => `member-${i}-${randomUUID()}`);
    await store.appendToStream(stale, 'no-stream', events(2));
    const original = events(3);
    const first = await store.appendToStream(retried, 'no-stream', original);
    const storedId = randomUUID();
    await store.appendToStream(changed, 'no-stream', [event(1, storedId)]);

    const outcomes = await Promise.allSettled<MultiAppendResult | unknown>([
      store.appendToStream(`${ok1}-warm`, 'any', events(1)), // keep the two slots busy so the rest queue up and group
      store.appendToStream(`${ok2}-warm`, 'any', events(1)),
      store.appendToStream(stale, 0, events(2)),
      store.appendToStream(retried, 'no-stream', original),
      store.appendToStream(changed, 'any', [{ ...event(2, storedId) }]),
      store.appendToStream(ok1, 'no-stream', events(4)),
      store.appendToStream(ok2, 'no-stream', events(5)),
    ]);
    expect(outcomes[2]).toMatchObject({ status: 'rejected', reason: expect.any(RevisionConflictError) });
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ actualRevision: 1 });
    expect(outcomes[3]).toEqual({ status: 'fulfilled', value: { ...first, written: false } });
    expect(outcomes[4]).toMatchObject({ status: 'rejected', reason: expect.any(IdempotencyConflictError) });
    expect(outcomes[5]).toMatchObject({ status: 'fulfilled', value: { written: true, firstRevision: 0, lastRevision: 3 } });
    expect(outcomes[6]).toMatchObject({ status: 'fulfilled', value: { written: true, firstRevision: 0, lastRevision: 4 } });
    expect(await store.streamRevision(stale)).toBe(1);
    expect(await store.streamRevision(changed)).toBe(0);
    for (const stream of [stale, retried, changed, ok1, ok2]) {
      expect((await verifyChainAsync(store.readStream(stream), () => store.streamHead(stream))).valid).toBe(true);
    }
  });

  it('maxConcurrentAppends 0: every append is its own transaction', async () => {
    const alone = new PostgresEventStore(db.pool, { maxConcurrentAppends: 0 });
    const streams = Array.from({ length: 6 }, (_, i) => `alone-${i}-${randomUUID()}`);
    await Promise.all(streams.map((stream) => alone.appendToStream(stream, 'no-stream', events(3))));
    expect(await transactionsOf(streams)).toBe(streams.length);
    await alone.close();
  });
});
