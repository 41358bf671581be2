/**
 * The hash chain as the PostgreSQL adapter writes it: the hashes computed in SQL inside the append statement equal
 * the JS reference (hash-chain.ts) recomputed from what is read back — for awkward payloads, multi-stream appends,
 * rollbacks and retries — and the migration hashes events stored before the chain existed.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { runMigrations } from '@klantcentraal/postgres';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import type { EventToAppend, RecordedEvent } from '../event-store.port';
import { computeEventHash, GENESIS_HASH, verifyChain } from '../hash-chain';
import { idempotencyHash } from '../idempotency';
import { contractEvent } from '../testing/event-store.contract';
import { verifyPostgresEventStore } from './postgres-chain-verification';
import { PostgresEventStore } from './postgres-event-store';
import { EVENT_STORE_MIGRATIONS, EventStoreHashChain1767571200000, EventStoreSchema1767225600000 } from './postgres-event-store.migrations';

async function readStream(store: PostgresEventStore, stream: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(stream)) events.push(event);
  return events;
}

const withData = (data: Record<string, unknown>, type = 'Awkward'): EventToAppend => ({ ...contractEvent(type, data) });

describe('PostgresEventStore hash chain', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('kc_es_chain');
    await runMigrations(db.url, EVENT_STORE_MIGRATIONS);
    store = new PostgresEventStore(db.pool, { readPageSize: 7 });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  async function expectValid(stream: string): Promise<RecordedEvent[]> {
    const events = await readStream(store, stream);
    const head = await store.streamHead(stream);
    expect(verifyChain(events, head)).toMatchObject({ valid: true, events: events.length });
    let previous = GENESIS_HASH;
    for (const event of events) {
      expect(event.previousHash).toBe(previous);
      expect(event.hash).toBe(computeEventHash(previous, event));
      expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
      previous = event.hash!;
    }
    expect(head).toEqual({ revision: events.length - 1, lastHash: previous });
    return events;
  }

  it('chains every event of a stream across appends, starting from 64 zeros', async () => {
    const stream = `chain-${randomUUID()}`;
    await store.appendToStream(stream, 'no-stream', [contractEvent(), contractEvent(), contractEvent()]);
    await store.appendToStream(stream, 2, [contractEvent()]);
    await store.appendToStream(stream, 'any', Array.from({ length: 20 }, () => contractEvent()));
    const events = await expectValid(stream);
    expect(events).toHaveLength(24);
    expect(events[0].previousHash).toBe(GENESIS_HASH);
  });

  it('hashes in SQL exactly what JS recomputes from the stored envelope, for awkward payloads', async () => {
    const stream = `awkward-${randomUUID()}`;
    const payloads: Record<string, unknown>[] = [
      { s: 'Zoë ☕ 𝄞 "quoted" \\ back\nslash\ttab \u0001 \u001f \u007f \u2028 ', ['z']: 1, a: [1, 'x', null, { z: 1, y: 2 }] },
      { int: 42, neg: -7, float: 0.1 + 0.2, big: 1e21, bigger: 123456789012345680000, small: 5e-324, tiny: 1e-7, zero: -0, money: 1234.5 },
      { empty: {}, list: [], deep: { b: { d: [{ f: true, e: false }], c: null } } },
      { é: 1, e: 2, E: 3, '\u{1F600}': 4, '\uFB33': 5, aa: 6, a: 7, '': 8 },
      { when: new Date('2026-03-01T10:00:00.000Z'), skipped: undefined, list: [undefined, 1] },
    ];
    await store.appendToStream(stream, 'no-stream', payloads.map((p) => withData(p)));
    await store.appendToStream(stream, 'any', [{ ...withData({ x: 1 }, 'Type "with" \\ quotes ☕'), metadata: { occurredAt: '2026-03-01T10:00:00Z', n: [1.5, 'ü'] } }]);
    const events = await expectValid(stream);
    expect(events[4].data).toEqual({ when: '2026-03-01T10:00:00.000Z', list: [null, 1] }); // stored as JSON, hashed as stored
    expect(events[5].type).toBe('Type "with" \\ quotes ☕');
  });

  it('chains each stream of a multi-stream append on its own, also a stream that occurs twice in the request', async () => {
    const [a, b, c] = [`multi-a-${randomUUID()}`, `multi-b-${randomUUID()}`, `multi-c-${randomUUID()}`];
    await store.appendToStream(b, 'no-stream', [contractEvent()]);
    await store.appendMany([
      { stream: c, expectedRevision: 'no-stream', events: [contractEvent(), contractEvent()] },
      { stream: a, expectedRevision: 'no-stream', events: [contractEvent()] },
      { stream: b, expectedRevision: 0, events: [contractEvent(), contractEvent()] },
      { stream: a, expectedRevision: 0, events: [contractEvent(), contractEvent()] },
    ]);
    for (const stream of [a, b, c]) await expectValid(stream);
    expect((await readStream(store, a)).map((e) => e.streamRevision)).toEqual([0, 1, 2]);
  });

  it('a rolled back append leaves the chain and the stream head as they were; an identical retry changes nothing', async () => {
    const stream = `rollback-${randomUUID()}`;
    await store.appendToStream(stream, 'no-stream', [contractEvent()]);
    const before = await store.streamHead(stream);
    const failing = new PostgresEventStore(db.pool, {
      beforeCommit: async () => {
        throw new Error('forced rollback');
      },
    });
    await expect(failing.appendToStream(stream, 0, [contractEvent(), contractEvent()])).rejects.toThrow('forced rollback');
    expect(await store.streamHead(stream)).toEqual(before);
    const batch = [contractEvent(), contractEvent()];
    await store.appendToStream(stream, 0, batch);
    const head = await store.streamHead(stream);
    expect(await store.appendToStream(stream, 0, batch)).toMatchObject({ written: false });
    expect(await store.streamHead(stream)).toEqual(head);
    await expectValid(stream);
  });

  it('exposes hash and previousHash on every read: readAll, findByEventIds and readStream alike', async () => {
    const stream = `reads-${randomUUID()}`;
    const event = contractEvent();
    const { firstPosition } = await store.appendToStream(stream, 'no-stream', [event]);
    const [fromAll] = await store.readAll(firstPosition - 1, 1);
    const [byId] = await store.findByEventIds([event.eventId]);
    const [fromStream] = await readStream(store, stream);
    expect(fromAll).toEqual(fromStream);
    expect({ hash: byId.hash, previousHash: byId.previousHash }).toEqual({ hash: fromStream.hash, previousHash: GENESIS_HASH });
  });

  it('verifies the whole store, through a pool (one snapshot) or one client', async () => {
    const viaPool = await verifyPostgresEventStore(db.pool, { pageSize: 5 });
    expect(viaPool).toMatchObject({ valid: true, broken: [] });
    const { rows } = await db.pool.query('SELECT count(*)::int AS events, (SELECT count(*)::int FROM event_store.streams) AS streams FROM event_store.events');
    expect({ events: viaPool.events, streams: viaPool.streams }).toEqual(rows[0]);
    const client = await db.pool.connect();
    try {
      expect(await verifyPostgresEventStore(client, { pageSize: 3 })).toMatchObject({ valid: true, events: rows[0].events });
    } finally {
      client.release();
    }
  });
});

describe('PostgresEventStore chain verification of odd stored values', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('kc_es_chain_odd');
    await runMigrations(db.url, EVENT_STORE_MIGRATIONS);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('names a recorded_at no Date can hold (infinity) as the changed revision instead of failing the read', async () => {
    const store = new PostgresEventStore(db.pool);
    const stream = `odd-${randomUUID()}`;
    await store.appendToStream(stream, 'no-stream', [contractEvent(), contractEvent(), contractEvent()]);
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`UPDATE event_store.events SET recorded_at = 'infinity' WHERE stream = $1 AND stream_revision = 1`, [stream]);
      expect((await verifyPostgresEventStore(client)).broken).toEqual([{ stream, firstInvalidRevision: 1, reason: 'hash-mismatch', events: 3 }]);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(await verifyPostgresEventStore(db.pool)).toMatchObject({ valid: true, events: 3 });
    await store.close();
  });
});

describe('EventStoreHashChain migration', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('kc_es_chain_migration');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('hashes the events stored before the chain existed, stream by stream, idempotently; appends continue the chains', async () => {
    await runMigrations(db.url, [EventStoreSchema1767225600000]);
    // Events as the adapter stored them before the hash chain: several streams, pages of 5000 crossed.
    const streams = Array.from({ length: 7 }, (_, i) => `legacy-${i}-${randomUUID()}`);
    let position = 0;
    const counts = streams.map((_, i) => (i === 3 ? 5200 : 40 + i));
    for (const [i, stream] of streams.entries()) {
      const rows = Array.from({ length: counts[i] }, (_, revision) => {
        const e = contractEvent('MailOpened', { mailId: `M-${revision}`, amount: revision / 7 });
        position += 1;
        return [position, stream, revision, e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), idempotencyHash(e.idempotencyPayload)];
      });
      await db.pool.query(
        `INSERT INTO event_store.events (global_position, stream, stream_revision, event_id, type, data, metadata, payload_hash, recorded_at)
         SELECT p, s, r, id, t, d::jsonb, m::jsonb, h, date_trunc('milliseconds', clock_timestamp()) - (random() * interval '300 days')
         FROM unnest($1::bigint[], $2::text[], $3::int[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u(p, s, r, id, t, d, m, h)`,
        [0, 1, 2, 3, 4, 5, 6, 7].map((k) => rows.map((row) => row[k])),
      );
      await db.pool.query('INSERT INTO event_store.streams (stream, revision) VALUES ($1, $2)', [stream, counts[i] - 1]);
    }
    await db.pool.query('UPDATE event_store.global_position SET value = $1', [position]);

    expect(await runMigrations(db.url, EVENT_STORE_MIGRATIONS)).toEqual(['EventStoreHashChain1767571200000', 'EventStoreAppendFunction1767916800000']);
    const verified = await verifyPostgresEventStore(db.pool);
    expect(verified).toMatchObject({ valid: true, events: position, streams: 7 });
    const { rows: nullable } = await db.pool.query(
      `SELECT column_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'event_store' AND table_name = 'events' AND column_name IN ('hash', 'previous_hash') ORDER BY 1`,
    );
    expect(nullable).toEqual([
      { column_name: 'hash', is_nullable: 'NO' },
      { column_name: 'previous_hash', is_nullable: 'NO' },
    ]);

    // Running the migration's up() again changes no hash.
    const snapshot = await db.pool.query('SELECT global_position, hash, previous_hash FROM event_store.events ORDER BY 1');
    const dataSource = new DataSource({ type: 'postgres', url: db.url });
    await dataSource.initialize();
    const runner = dataSource.createQueryRunner();
    try {
      await new EventStoreHashChain1767571200000().up(runner);
    } finally {
      await runner.release();
      await dataSource.destroy();
    }
    expect((await db.pool.query('SELECT global_position, hash, previous_hash FROM event_store.events ORDER BY 1')).rows).toEqual(snapshot.rows);

    const store = new PostgresEventStore(db.pool);
    await store.appendToStream(streams[3], counts[3] - 1, [contractEvent(), contractEvent()]);
    await store.appendToStream(`new-${randomUUID()}`, 'no-stream', [contractEvent()]);
    expect(await verifyPostgresEventStore(db.pool)).toMatchObject({ valid: true, events: position + 3, streams: 8 });
    await store.close();
  });
});
