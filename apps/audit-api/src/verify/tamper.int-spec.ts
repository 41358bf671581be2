/**
 * THE TAMPER TEST. A demo data set (30 customers, every stream hash-chained by the append statement) is verified,
 * then tampered with in ≥ 100 random trials — one stored row changed in one field, deleted, or two rows of a stream
 * swapped — each inside a transaction that is verified THROUGH THE SAME CONNECTION (so the verifier sees the
 * tampering) and then rolled back. Every trial must name exactly the tampered stream and exactly its first affected
 * revision (computed per trial: a changed row → its revision; a deleted row → the deleted revision, the gap; two rows
 * swapped → the lower revision), and no other stream. The untouched store verifies at the start and at the end.
 *
 * Trials are driven by a seeded generator (printed), so a failure can be replayed with TAMPER_SEED=<seed>.
 */
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { generateDemoData, loadDemoData } from '@klantcentraal/demo-data';
import { runMigrations } from '@klantcentraal/postgres';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import {
  computeEventHash,
  EVENT_STORE_MIGRATIONS,
  PostgresEventStore,
  verifyPostgresEventStore,
  type StoreVerification,
} from '@klantcentraal/event-store';

const TRIALS = 150;
const SEED = Number(process.env.TAMPER_SEED ?? Date.now() % 1_000_000);

const KINDS = [
  'data-value',
  'type',
  'occurredAt',
  'recordedBy',
  'recordedAt',
  'globalPosition',
  'eventId',
  'hash',
  'previousHash',
  'delete',
  'swap-content',
  'swap-revisions',
] as const;
type Kind = (typeof KINDS)[number];

type Key = { stream: string; revision: number };
type EventRow = {
  stream: string;
  stream_revision: number;
  global_position: number;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date;
  hash: string;
  previous_hash: string;
};
const EVENT_COLUMNS = `stream, stream_revision, global_position, event_id, type, data, metadata, recorded_at,
  encode(hash, 'hex') AS hash, encode(previous_hash, 'hex') AS previous_hash`;
/** The stored envelope of a row, as every read of the store returns it. */
const envelope = (r: EventRow) => ({
  eventId: r.event_id,
  stream: r.stream,
  streamRevision: r.stream_revision,
  globalPosition: Number(r.global_position),
  recordedAt: r.recorded_at.toISOString(),
  type: r.type,
  data: r.data,
  metadata: r.metadata,
});
type Trial = { kind: Kind; stream: string; expected: number; detail: string };
type Outcome = Trial & { broken: StoreVerification['broken'] };

/** mulberry32: small, seeded, good enough to pick rows. */
function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] };
}

describe('tamper evidence: every tampering is found at exactly its first affected revision', () => {
  let db: TestDatabase;
  let keys: Key[];
  let byStream: Map<string, number>;
  let fingerprint: string;
  const random = seeded(SEED);

  const storeFingerprint = async () =>
    (
      await db.pool.query<{ md5: string }>(
        `SELECT md5(string_agg(e::text, '|' ORDER BY global_position)) || md5((SELECT string_agg(s::text, '|' ORDER BY stream) FROM event_store.streams s)) AS md5
         FROM event_store.events e`,
      )
    ).rows[0].md5;

  beforeAll(async () => {
    db = await createTestDatabase('kc_tamper');
    await runMigrations(db.url, EVENT_STORE_MIGRATIONS);
    const store = new PostgresEventStore(db.pool);
    await loadDemoData(store, generateDemoData({ customers: 30, seed: 7 }));
    await store.close();
    const { rows } = await db.pool.query<{ stream: string; stream_revision: number }>(
      'SELECT stream, stream_revision FROM event_store.events ORDER BY stream, stream_revision',
    );
    keys = rows.map((r) => ({ stream: r.stream, revision: r.stream_revision }));
    byStream = new Map();
    for (const k of keys) byStream.set(k.stream, (byStream.get(k.stream) ?? 0) + 1);
    fingerprint = await storeFingerprint();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('a clean store verifies', async () => {
    const result = await verifyPostgresEventStore(db.pool, { pageSize: 500 });
    expect(result).toMatchObject({ valid: true, broken: [], events: keys.length, streams: 30 });
    expect(keys.length).toBeGreaterThan(2000);
  });

  async function row(client: PoolClient, k: Key): Promise<EventRow> {
    const { rows } = await client.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE stream = $1 AND stream_revision = $2`, [
      k.stream,
      k.revision,
    ]);
    return rows[0];
  }
  const where = `WHERE stream = $1 AND stream_revision = $2`;

  /** Applies one random tampering of `kind` through `client`; returns what the verifier must answer. */
  async function tamper(client: PoolClient, kind: Kind, trial: number): Promise<Trial> {
    const k = random.pick(keys);
    const at = [k.stream, k.revision];
    const changed = (detail: string): Trial => ({ kind, stream: k.stream, expected: k.revision, detail: `${k.stream}@${k.revision} ${detail}` });
    switch (kind) {
      case 'data-value': {
        const { data } = await row(client, k);
        const field = random.pick(Object.keys(data));
        const value = data[field];
        const forged = typeof value === 'number' ? value + 1 : typeof value === 'string' ? `${value}.` : 'forged';
        await client.query(`UPDATE event_store.events SET data = $3::jsonb ${where}`, [...at, JSON.stringify({ ...data, [field]: forged })]);
        return changed(`data.${field}: ${JSON.stringify(value)} → ${JSON.stringify(forged)}`);
      }
      case 'type': {
        const { type } = await row(client, k);
        const forged = type === 'MailOpened' ? 'MailClicked' : 'MailOpened';
        await client.query(`UPDATE event_store.events SET type = $3 ${where}`, [...at, forged]);
        return changed(`type ${type} → ${forged}`);
      }
      case 'occurredAt': {
        const { metadata } = await row(client, k);
        const forged = new Date(Date.parse(String(metadata.occurredAt)) - (1 + random.int(86_400_000))).toISOString();
        await client.query(`UPDATE event_store.events SET metadata = jsonb_set(metadata, '{occurredAt}', to_jsonb($3::text)) ${where}`, [...at, forged]);
        return changed(`occurredAt → ${forged}`);
      }
      case 'recordedBy': {
        await client.query(`UPDATE event_store.events SET metadata = jsonb_set(metadata, '{recordedBy,userId}', '"u-999"') ${where}`, at);
        return changed('recordedBy.userId → u-999');
      }
      case 'recordedAt': {
        const ms = random.next() < 0.5 ? 1 : 1 + random.int(3_600_000);
        await client.query(`UPDATE event_store.events SET recorded_at = recorded_at - make_interval(secs => $3::float8 / 1000) ${where}`, [...at, ms]);
        return changed(`recorded_at - ${ms} ms`);
      }
      case 'globalPosition': {
        await client.query(`UPDATE event_store.events SET global_position = (SELECT max(global_position) FROM event_store.events) + $3 ${where}`, [
          ...at,
          1 + trial,
        ]);
        return changed('global_position moved past the head');
      }
      case 'eventId': {
        await client.query(`UPDATE event_store.events SET event_id = $3 ${where}`, [...at, randomUUID()]);
        return changed('event_id replaced');
      }
      case 'hash': {
        await client.query(`UPDATE event_store.events SET hash = sha256(hash) ${where}`, at);
        return changed('hash overwritten');
      }
      case 'previousHash': {
        await client.query(`UPDATE event_store.events SET previous_hash = sha256(previous_hash) ${where}`, at);
        return changed('previous_hash overwritten');
      }
      case 'delete': {
        await client.query(`DELETE FROM event_store.events ${where}`, at);
        return changed(`deleted${k.revision === byStream.get(k.stream)! - 1 ? ' (the last event)' : ''}`);
      }
      case 'swap-content':
      case 'swap-revisions': {
        // Two different rows of one stream, a < b (for content: with different type or data, else nothing changes).
        const stream = k.stream;
        const count = byStream.get(stream)!;
        let a: EventRow, b: EventRow;
        do {
          const x = random.int(count);
          let y = random.int(count - 1);
          if (y >= x) y += 1;
          [a, b] = [await row(client, { stream, revision: Math.min(x, y) }), await row(client, { stream, revision: Math.max(x, y) })];
        } while (kind === 'swap-content' && a.type === b.type && JSON.stringify(a.data) === JSON.stringify(b.data));
        const [ra, rb] = [a.stream_revision, b.stream_revision];
        if (kind === 'swap-content') {
          await client.query(
            `UPDATE event_store.events e SET type = o.type, data = o.data
             FROM event_store.events o WHERE e.stream = $1 AND o.stream = $1
               AND ((e.stream_revision = $2 AND o.stream_revision = $3) OR (e.stream_revision = $3 AND o.stream_revision = $2))`,
            [stream, ra, rb],
          );
        } else {
          // UNIQUE(stream, stream_revision) is checked per row: go through a free revision.
          await client.query(`UPDATE event_store.events SET stream_revision = 2147483647 ${where}`, [stream, ra]);
          await client.query(`UPDATE event_store.events SET stream_revision = $3 ${where}`, [stream, rb, ra]);
          await client.query(`UPDATE event_store.events SET stream_revision = $2 WHERE stream = $1 AND stream_revision = 2147483647`, [stream, rb]);
        }
        return { kind, stream, expected: ra, detail: `${stream} revisions ${ra} ↔ ${rb}` };
      }
      default: {
        const unknown: never = kind;
        throw new Error(`unknown tampering ${String(unknown)}`);
      }
    }
  }

  it(`names exactly the first affected revision in ${TRIALS} random tamper trials (seed ${SEED}), each rolled back`, async () => {
    const outcomes: Outcome[] = [];
    const client = await db.pool.connect();
    try {
      for (let trial = 0; trial < TRIALS; trial++) {
        const kind = KINDS[trial % KINDS.length]; // every kind equally often, rows at random
        await client.query('BEGIN');
        try {
          const t = await tamper(client, kind, trial);
          const result = await verifyPostgresEventStore(client, { pageSize: 1000 });
          outcomes.push({ ...t, broken: result.broken });
        } finally {
          await client.query('ROLLBACK');
        }
      }
    } finally {
      client.release();
    }

    const wrong = outcomes.filter(
      (o) => o.broken.length !== 1 || o.broken[0].stream !== o.stream || o.broken[0].firstInvalidRevision !== o.expected,
    );
    const summary = KINDS.map((kind) => {
      const mine = outcomes.filter((o) => o.kind === kind);
      const reasons = [...new Set(mine.flatMap((o) => o.broken.map((b) => b.reason)))].join(', ');
      return `${kind.padEnd(15)} ${String(mine.length).padStart(3)} trials, ${String(mine.filter((o) => !wrong.includes(o)).length).padStart(3)} exact  (${reasons})`;
    });
    console.log(`[tamper] seed ${SEED}: ${outcomes.length} trials, ${outcomes.length - wrong.length} named exactly\n${summary.join('\n')}`);
    expect(outcomes).toHaveLength(TRIALS);
    expect(
      wrong.map((o) => ({ detail: o.detail, expected: o.expected, found: o.broken.map((b) => `${b.stream}@${b.firstInvalidRevision} ${b.reason}`) })),
    ).toEqual([]);
    // 150 verify runs: ~20 s on a quiet machine, far more when the machine is shared.
  }, 600_000);

  it('a forger who also recomputes the changed row\'s hash is caught at the next revision, or at the stream head', async () => {
    const client = await db.pool.connect();
    try {
      for (const position of ['middle', 'last'] as const) {
        const stream = [...byStream.keys()][0];
        const last = byStream.get(stream)! - 1;
        const revision = position === 'last' ? last : 3;
        await client.query('BEGIN');
        try {
          const original = await row(client, { stream, revision });
          const data = { ...original.data, forged: true };
          const hash = computeEventHash(original.previous_hash, { ...envelope(original), data });
          await client.query(`UPDATE event_store.events SET data = $3::jsonb, hash = decode($4, 'hex') ${where}`, [
            stream,
            revision,
            JSON.stringify(data),
            hash,
          ]);
          const { broken } = await verifyPostgresEventStore(client);
          expect(broken).toEqual([
            expect.objectContaining(
              position === 'last'
                ? { stream, firstInvalidRevision: last, reason: 'head-mismatch' }
                : { stream, firstInvalidRevision: revision + 1, reason: 'previous-hash-mismatch' },
            ),
          ]);
        } finally {
          await client.query('ROLLBACK');
        }
      }
    } finally {
      client.release();
    }
  });

  it('after all trials the store is byte for byte what it was, and verifies', async () => {
    expect(await storeFingerprint()).toBe(fingerprint);
    expect(await verifyPostgresEventStore(db.pool)).toMatchObject({ valid: true, broken: [], events: keys.length });
  });
});
