import { randomUUID } from 'node:crypto';
import { runMigrations } from '@klantcentraal/postgres';
import { createTestDatabase, TestDatabase, waitFor } from '@klantcentraal/testing';
import { describeEventStoreContract } from '../testing';
import { contractEvent } from '../testing/event-store.contract';
import { EVENT_STORE_MIGRATIONS } from './postgres-event-store.migrations';
import { NotificationListener } from './notification-listener';
import { EVENT_STORE_NOTIFY_CHANNEL, PostgresEventStore } from './postgres-event-store';
import type { RecordedEvent } from '../event-store.port';

describeEventStoreContract('PostgresEventStore', async () => {
  const db = await createTestDatabase('kc_es_contract');
  await runMigrations(db.url, EVENT_STORE_MIGRATIONS);
  // A small read page so the contract's long-stream test crosses page boundaries.
  const store = new PostgresEventStore(db.pool, { readPageSize: 1000, pollIntervalMs: 200 });
  return {
    store,
    teardown: async () => {
      await store.close();
      await db.drop();
    },
  };
});

describe('PostgresEventStore (PostgreSQL specifics)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('kc_es_pg');
    await runMigrations(db.url, EVENT_STORE_MIGRATIONS);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('creates the schema: tables, constraints, the nullable last_hash column and the indexes', async () => {
    const { rows: columns } = await db.pool.query(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = 'event_store' ORDER BY table_name, ordinal_position`,
    );
    const cols = columns.map((c) => `${c.table_name}.${c.column_name}:${c.data_type}:${c.is_nullable}`);
    expect(cols).toEqual(
      expect.arrayContaining([
        'events.global_position:bigint:NO',
        'events.stream:text:NO',
        'events.stream_revision:integer:NO',
        'events.event_id:uuid:NO',
        'events.type:text:NO',
        'events.data:jsonb:NO',
        'events.metadata:jsonb:NO',
        'events.payload_hash:text:NO',
        'events.recorded_at:timestamp with time zone:NO',
        'streams.stream:text:NO',
        'streams.revision:integer:NO',
        'streams.last_hash:text:YES',
      ]),
    );
    const { rows: indexes } = await db.pool.query(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'event_store' AND tablename = 'events'`);
    const defs = indexes.map((i) => i.indexdef as string).join('\n');
    expect(defs).toContain('(global_position)');
    expect(defs).toContain('(stream, stream_revision)');
    expect(defs).toContain('(event_id)');
    // Migrations are idempotent: a second run applies nothing.
    expect(await runMigrations(db.url, EVENT_STORE_MIGRATIONS)).toEqual([]);
  });

  it('close() leaves a pool it was given open, and ends one it created', async () => {
    const given = new PostgresEventStore(db.pool);
    await given.appendToStream(`pool-${randomUUID()}`, 'any', [contractEvent()]);
    await given.close();
    await expect(db.pool.query('SELECT 1')).resolves.toBeDefined();

    const owning = PostgresEventStore.connect(db.url, { max: 2 });
    const sub = owning.subscribeToAll({ fromPosition: 0, onEvents: async () => undefined });
    expect(await owning.headPosition()).toBeGreaterThan(0);
    await owning.close();
    await expect(sub.done).resolves.toBeUndefined();
    await expect(owning.headPosition()).rejects.toThrow();
  });

  it('stores recordedAt non-decreasing with the position and answers the metadata as stored', async () => {
    const store = new PostgresEventStore(db.pool);
    const stream = `ts-${randomUUID()}`;
    const metadata = { occurredAt: '2026-03-01T10:00:00Z', recordedBy: { userId: 'u-1', department: 'hrm' }, nested: { list: [1, 'two', null] } };
    await store.appendToStream(stream, 'no-stream', [{ ...contractEvent(), metadata }]);
    await store.appendToStream(stream, 0, [contractEvent(), contractEvent()]);
    const events = [];
    for await (const e of store.readStream(stream)) events.push(e);
    expect(events[0].metadata).toEqual(metadata);
    const times = events.map((e) => Date.parse(e.recordedAt));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
    await store.close();
  });

  it('readAll with hashes: false leaves out exactly the hash chain (what projections read)', async () => {
    const store = new PostgresEventStore(db.pool);
    const result = await store.appendToStream(`unhashed-${randomUUID()}`, 'no-stream', [contractEvent(), contractEvent()]);
    const hashed = await store.readAll(result.firstPosition - 1, 2);
    const unhashed = await store.readAll(result.firstPosition - 1, 2, { hashes: false });
    expect(hashed.every((e) => /^[0-9a-f]{64}$/.test(e.hash ?? ''))).toBe(true);
    expect(unhashed).toEqual(hashed.map(({ hash: _hash, previousHash: _previous, ...event }) => event));
    expect(unhashed.every((e) => !('hash' in e) && !('previousHash' in e))).toBe(true);
    await store.close();
  });

  it('a beforeCommit hook that throws rolls the append back completely: no event, no stream, no position used', async () => {
    const head = await new PostgresEventStore(db.pool).headPosition();
    const failing = new PostgresEventStore(db.pool, {
      beforeCommit: async () => {
        throw new Error('forced rollback');
      },
    });
    const stream = `rollback-${randomUUID()}`;
    await expect(failing.appendToStream(stream, 'no-stream', [contractEvent(), contractEvent()])).rejects.toThrow('forced rollback');
    const store = new PostgresEventStore(db.pool);
    expect(await store.streamRevision(stream)).toBeNull();
    expect(await store.headPosition()).toBe(head);
    const next = await store.appendToStream(stream, 'no-stream', [contractEvent()]);
    expect(next.firstPosition).toBe(head + 1); // no gap left by the rollback
  });

  it('rejects an eventId that is not a UUID before touching the database', async () => {
    const store = new PostgresEventStore(db.pool);
    await expect(store.appendToStream('s', 'any', [{ ...contractEvent(), eventId: 'not-a-uuid' }])).rejects.toThrow(/not a UUID/);
  });

  it('matches eventIds case-insensitively (UUIDs are stored in lower case)', async () => {
    const store = new PostgresEventStore(db.pool);
    const event = contractEvent();
    const stream = `case-${randomUUID()}`;
    const original = await store.appendToStream(stream, 'no-stream', [{ ...event, eventId: event.eventId.toUpperCase() }]);
    expect(await store.appendToStream(stream, 'no-stream', [event])).toEqual({ ...original, written: false });
    expect(await store.findByEventIds([event.eventId.toUpperCase()])).toHaveLength(1);
  });

  it('concurrent bulk appends over overlapping streams in different orders do not deadlock', async () => {
    const store = new PostgresEventStore(db.pool);
    const streams = Array.from({ length: 6 }, (_, i) => `bulk-${i}-${randomUUID()}`);
    const jobs = Array.from({ length: 12 }, (_, j) => {
      const order = j % 2 === 0 ? streams : [...streams].reverse();
      return store.appendMany(order.map((stream) => ({ stream, expectedRevision: 'any' as const, events: [contractEvent()] })));
    });
    const results = await Promise.all(jobs);
    expect(results.every((r) => r.written && r.count === 6)).toBe(true);
    for (const s of streams) expect(await store.streamRevision(s)).toBe(11);
  });

  it('the same stream twice in one appendMany continues its revisions within the request', async () => {
    const store = new PostgresEventStore(db.pool);
    const stream = `twice-${randomUUID()}`;
    const result = await store.appendMany([
      { stream, expectedRevision: 'no-stream', events: [contractEvent(), contractEvent()] },
      { stream: `other-${randomUUID()}`, expectedRevision: 'any', events: [contractEvent()] },
      { stream, expectedRevision: 1, events: [contractEvent()] },
    ]);
    expect(result.streams.map((s) => [s.firstRevision, s.lastRevision])).toEqual([[0, 1], [0, 0], [2, 2]]);
    expect(await store.streamRevision(stream)).toBe(2);
    await expect(
      store.appendMany([
        { stream, expectedRevision: 2, events: [contractEvent()] },
        { stream, expectedRevision: 2, events: [contractEvent()] }, // stale within the request: 3 by then
      ]),
    ).rejects.toMatchObject({ code: 'revision-conflict', expectedRevision: 2, actualRevision: 3 });
    expect(await store.streamRevision(stream)).toBe(2);
  });

  it('wakes live subscribers by NOTIFY, well before the poll interval', async () => {
    const store = new PostgresEventStore(db.pool, { pollIntervalMs: 60_000 });
    const received: RecordedEvent[] = [];
    let caughtUp = false;
    const sub = store.subscribeToAll({
      fromPosition: await store.headPosition(),
      onEvents: async (events) => void received.push(...events),
      onCaughtUp: () => (caughtUp = true),
    });
    await waitFor('the subscription to catch up', () => caughtUp, 5_000); // the listener connects before the first read
    const stream = `notify-${randomUUID()}`;
    await new PostgresEventStore(db.pool).appendToStream(stream, 'no-stream', [contractEvent()]);
    // With a 60 s poll interval only the notification can deliver this within the 5 s.
    await waitFor('the notified event', () => received.some((e) => e.stream === stream), 5_000);
    await sub.stop();
    await expect(sub.done).resolves.toBeUndefined();
    await store.close();
  });

  it('still delivers by polling when notifications cannot be received', async () => {
    const store = new PostgresEventStore(db.pool, { pollIntervalMs: 100 });
    // A listener that can never connect (nothing listens on port 1): only the poll fallback is left.
    (store as unknown as { listener: NotificationListener }).listener = new NotificationListener(
      { host: '127.0.0.1', port: 1, connectionTimeoutMillis: 200 },
      EVENT_STORE_NOTIFY_CHANNEL,
      100,
    );
    const received: RecordedEvent[] = [];
    const sub = store.subscribeToAll({ fromPosition: await store.headPosition(), onEvents: async (events) => void received.push(...events) });
    const stream = `poll-${randomUUID()}`;
    await store.appendToStream(stream, 'no-stream', [contractEvent(), contractEvent()]);
    await waitFor('both events by polling', () => received.filter((e) => e.stream === stream).length === 2, 5_000);
    await sub.stop();
    await store.close();
  });
});
