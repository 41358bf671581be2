/**
 * THE NO-SKIP PROOF. Readers of the global log remember the last position they saw and read "after it"; if a
 * transaction holding a lower position could commit after one holding a higher position, a reader would skip the
 * lower one forever (the bug class behind Marten 9.16.1). This test races 16 writers, each on its own connection with
 * random delays between appends: 11 go through the adapter's test hook (a random pg_sleep INSIDE the transaction,
 * after the positions are taken and right before COMMIT, and ~5 % forced rollbacks), 5 use the production autocommit
 * path. A live subscriber (and a tight readAll loop) runs from position 0 the whole
 * time, then checks that the readers saw exactly the committed events, ascending, each once.
 *
 * It does fail when the ordering is broken: taking the positions at the start of the transaction (e.g. from a
 * sequence, or from the counter in its own short transaction) makes the subscriber miss events within seconds.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import { createTestDatabase, TestDatabase } from '@klantcentraal/testing';
import type { EventToAppend, RecordedEvent } from '../event-store.port';
import { EVENT_STORE_MIGRATIONS } from './postgres-event-store.migrations';
import { PostgresEventStore } from './postgres-event-store';
import { verifyPostgresEventStore } from './postgres-chain-verification';

const WRITERS = 16;
const HOOKED_WRITERS = 11;
const TARGET_EVENTS = 3000;
const STREAMS = 40;
const ROLLBACK_SHARE = 0.05;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const randomInt = (max: number) => Math.floor(Math.random() * max);

function event(): EventToAppend {
  const data = { url: `https://example.com/p/${randomInt(1000)}`, durationSeconds: randomInt(600) };
  const occurredAt = new Date().toISOString();
  return { eventId: randomUUID(), type: 'WebsiteVisited', data, metadata: { occurredAt }, idempotencyPayload: { type: 'WebsiteVisited', data, occurredAt } };
}

class ForcedRollback extends Error {}

describe('global order without skips (16 racing writers, rollbacks, a live subscriber from 0)', () => {
  let db: TestDatabase;
  const pools: Pool[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('kc_es_order');
    await runMigrations(db.url, EVENT_STORE_MIGRATIONS);
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    // pool.end() resolves before the server has seen every connection go; let them go before DROP … (FORCE).
    for (let i = 0; i < 100; i++) {
      const { rows } = await db.pool.query(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      if (rows[0].n === 0) break;
      await sleep(20);
    }
    await db.drop();
  });

  it('every reader sees exactly the committed events, in strictly ascending order, each once; rolled-back batches never appear', async () => {
    const started = Date.now();
    // --- the subscriber, running from position 0 for the whole test ---
    const readerPool = createPool(db.url, { max: 3 });
    pools.push(readerPool);
    const reader = new PostgresEventStore(readerPool);
    const subscribed: number[] = [];
    const subscribedIds = new Set<string>();
    const subscription = reader.subscribeToAll({
      fromPosition: 0,
      batchSize: 100,
      onEvents: async (events: readonly RecordedEvent[]) => {
        for (const e of events) {
          subscribed.push(e.globalPosition);
          subscribedIds.add(e.eventId);
        }
      },
    });

    // --- a second reader: readAll in a tight loop (more reads, more chances to catch a skip) ---
    let writing = true;
    const polled: number[] = [];
    const poller = (async () => {
      let position = 0;
      for (;;) {
        const stillWriting = writing;
        const events = await reader.readAll(position, 50);
        for (const e of events) polled.push(e.globalPosition);
        if (events.length > 0) position = events[events.length - 1].globalPosition;
        else if (!stillWriting) return;
        else await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    // --- 16 writers, each with its own connection and its own store (hook state is per writer) ---
    let committedEvents = 0;
    let committedBatches = 0;
    const rolledBackIds: string[] = [];
    const reported = new Map<string, number>(); // eventId -> position reported by the append result
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      const pool = createPool(db.url, { max: 1 });
      pools.push(pool);
      let failThisOne = false;
      // Most writers go through the test hook: the append statement in an explicit transaction, a random pg_sleep
      // after the positions are taken and before COMMIT, and ~5 % forced rollbacks. The others use the production
      // path (the statement in autocommit) and race them with the natural timing.
      const hooked = w < HOOKED_WRITERS;
      const store = new PostgresEventStore(
        pool,
        hooked
          ? {
              beforeCommit: async (client) => {
                if (Math.random() < 0.7) await client.query('SELECT pg_sleep($1)', [Math.random() * 0.005]);
                if (failThisOne) throw new ForcedRollback('forced rollback');
              },
            }
          : {},
      );
      while (committedEvents < TARGET_EVENTS) {
        await sleep(randomInt(6)); // 0–5 ms between appends
        failThisOne = hooked && Math.random() < ROLLBACK_SHARE;
        const bulk = Math.random() < 0.2;
        const appends = Array.from({ length: bulk ? 2 + randomInt(2) : 1 }, () => ({
          stream: `order-${randomInt(STREAMS)}`,
          expectedRevision: 'any' as const,
          events: Array.from({ length: 1 + randomInt(5) }, event),
        }));
        const ids = appends.flatMap((a) => a.events.map((e) => e.eventId));
        try {
          if (bulk) {
            const result = await store.appendMany(appends);
            result.streams.forEach((s, i) => appends[i].events.forEach((e, j) => reported.set(e.eventId, s.firstPosition + j)));
          } else {
            const result = await store.appendToStream(appends[0].stream, 'any', appends[0].events);
            appends[0].events.forEach((e, j) => reported.set(e.eventId, result.firstPosition + j));
          }
          committedEvents += ids.length;
          committedBatches += 1;
        } catch (err) {
          if (!(err instanceof ForcedRollback)) throw err;
          rolledBackIds.push(...ids);
        }
      }
    });
    const outcomes = await Promise.allSettled(writers);
    writing = false;
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) {
      await poller.catch(() => undefined);
      await subscription.stop();
      throw failed.reason;
    }

    // --- the truth: what is committed ---
    const { rows } = await db.pool.query<{ global_position: number; event_id: string }>(
      'SELECT global_position, event_id FROM event_store.events ORDER BY global_position',
    );
    const committed = rows.map((r) => Number(r.global_position));
    const head = committed[committed.length - 1];
    const deadline = Date.now() + 20_000;
    while ((subscribed[subscribed.length - 1] ?? 0) < head && Date.now() < deadline) await sleep(20);
    await subscription.stop();
    await poller;
    await subscription.done;

    console.log(
      `[no-skip] ${committed.length} events in ${committedBatches} committed batches, ${rolledBackIds.length} events rolled back, ` +
        `${WRITERS} writers, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    expect(committed.length).toBeGreaterThanOrEqual(TARGET_EVENTS);
    expect(rolledBackIds.length).toBeGreaterThan(0); // the rollback path was exercised
    // 1. No reader skipped anything: the subscriber and the poller saw exactly the committed positions, ascending, once.
    const seen = new Set(subscribed);
    const missed = committed.filter((p) => !seen.has(p));
    expect({ missedBySubscriber: missed.length, firstMissed: missed.slice(0, 10) }).toEqual({ missedBySubscriber: 0, firstMissed: [] });
    expect(subscribed).toEqual(committed);
    expect(polled).toEqual(committed);
    for (let i = 1; i < subscribed.length; i++) expect(subscribed[i]).toBeGreaterThan(subscribed[i - 1]);
    // 2. Rolled-back batches are absent from the store and were never delivered.
    const storedIds = new Set(rows.map((r) => r.event_id));
    expect(rolledBackIds.filter((id) => storedIds.has(id) || subscribedIds.has(id))).toEqual([]);
    // 3. Every committed append reported the positions its events really have.
    const byId = new Map(rows.map((r) => [r.event_id, Number(r.global_position)]));
    expect([...reported].filter(([id, position]) => byId.get(id) !== position)).toEqual([]);
    expect(reported.size).toBe(committed.length);
    // 4. This adapter is also gap-free: rollbacks do not burn positions.
    expect(committed).toEqual(committed.map((_, i) => i + 1));
    // 5. Every stream's hash chain verifies after the race: racing appends and rollbacks never break a chain.
    expect(await verifyPostgresEventStore(db.pool)).toMatchObject({ valid: true, broken: [], events: committed.length, streams: STREAMS });
  });
});
