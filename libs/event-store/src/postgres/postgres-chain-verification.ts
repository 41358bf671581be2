/**
 * Whole-store verification of the hash chains (the auditors' `npm run audit -- verify`, the tamper test, the
 * benchmark): every stream, every event, recomputed in JS from the stored envelope (hash-chain.ts), in constant
 * memory — keyset pages by (stream, stream_revision) over the UNIQUE index, the next page fetched while the current
 * one is hashed. Each stream's last revision and hash kept in `event_store.streams` are checked too, so a deleted
 * last event (or a stream whose events were all deleted) is caught.
 *
 * `db` may be a pool or one client: the tamper test verifies through the connection that holds its (rolled back)
 * tampering transaction.
 */
import type { Pool, PoolClient } from 'pg';
import { StreamChainVerifier, type ChainBreakReason, type StreamHead } from '../hash-chain';
import { EVENT_COLUMNS, type EventRow } from './postgres-event-store';

export type ChainQueryable = Pick<Pool | PoolClient, 'query'>;

export type BrokenStream = Readonly<{ stream: string; firstInvalidRevision: number; reason: ChainBreakReason; events: number }>;

export type StoreVerificationProgress = Readonly<{
  events: number;
  /** Streams completely verified so far. */
  streams: number;
  broken: number;
  eventsPerSecond: number;
  elapsedMs: number;
}>;

export type StoreVerification = Readonly<{
  valid: boolean;
  events: number;
  streams: number;
  /** Every stream that does not verify, with its first invalid revision, in stream-name order. */
  broken: readonly BrokenStream[];
  durationMs: number;
  eventsPerSecond: number;
}>;

export type StoreVerificationOptions = Readonly<{
  /** Events per page (default 5000). */
  pageSize?: number;
  onProgress?(progress: StoreVerificationProgress): void;
  /** Minimum time between progress reports (default 1000 ms). */
  progressIntervalMs?: number;
}>;

// recorded_at as the ISO text toISOString() prints (PostgreSQL formats it: no Date round trip per row); the adapter
// stores milliseconds, so it is exactly the recordedAt every read returns.
const PAGE_COLUMNS = `${EVENT_COLUMNS.replace('recorded_at', `to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`)}`;
const PAGE_FIRST = `SELECT ${PAGE_COLUMNS} FROM event_store.events ORDER BY stream, stream_revision LIMIT $1`;
const PAGE_AFTER = `SELECT ${PAGE_COLUMNS} FROM event_store.events WHERE (stream, stream_revision) > ($2, $3)
  ORDER BY stream, stream_revision LIMIT $1`;
const HEADS = `SELECT stream, revision, last_hash FROM event_store.streams WHERE stream = ANY($1::text[])`;
const EMPTY_STREAMS = `SELECT s.stream FROM event_store.streams s
  WHERE NOT EXISTS (SELECT 1 FROM event_store.events e WHERE e.stream = s.stream) ORDER BY s.stream`;

/**
 * Given a pool, it verifies one consistent snapshot (a REPEATABLE READ, READ ONLY transaction on one connection), so
 * appends running meanwhile cannot look like a broken stream head. Given a client, it reads through it as it is
 * (inside the caller's transaction, if any).
 */
export async function verifyPostgresEventStore(db: Pool | PoolClient, options: StoreVerificationOptions = {}): Promise<StoreVerification> {
  if (typeof (db as Pool).totalCount !== 'number') return verifyThrough(db, options);
  const client = await (db as Pool).connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      return await verifyThrough(client, options);
    } finally {
      await client.query('ROLLBACK').catch((err: Error) => (broken = err));
    }
  } finally {
    client.release(broken);
  }
}

async function verifyThrough(db: ChainQueryable, options: StoreVerificationOptions): Promise<StoreVerification> {
  const pageSize = options.pageSize ?? 5000;
  const interval = options.progressIntervalMs ?? 1000;
  const started = Date.now();
  let lastReport = started;
  const broken: BrokenStream[] = [];
  let events = 0;
  let streams = 0;

  const fetchPage = (after: EventRow | null) =>
    db.query<EventRow>(after ? PAGE_AFTER : PAGE_FIRST, after ? [pageSize, after.stream, after.stream_revision] : [pageSize]).then((r) => r.rows);
  const fetchHeads = async (names: string[]) => {
    const { rows } = await db.query<{ stream: string; revision: number; last_hash: string | null }>(HEADS, [names]);
    return new Map<string, StreamHead>(rows.map((r) => [r.stream, { revision: r.revision, lastHash: r.last_hash }]));
  };

  type ActiveStream = { stream: string; verifier: StreamChainVerifier; head: StreamHead | undefined };
  let current = null as ActiveStream | null;
  const finishStream = () => {
    if (!current) return;
    const result = current.verifier.finish(current.head ?? null);
    streams += 1;
    if (!result.valid) {
      broken.push({ stream: current.stream, firstInvalidRevision: result.firstInvalidRevision, reason: result.reason, events: result.events });
    } else if (!current.head) {
      // Events without a stream row: nothing vouches for the stream's end.
      broken.push({ stream: current.stream, firstInvalidRevision: (result.lastRevision ?? -1) + 1, reason: 'head-mismatch', events: result.events });
    }
    current = null;
  };

  let page = await fetchPage(null);
  while (page.length > 0) {
    const next = page.length === pageSize ? fetchPage(page[page.length - 1]) : Promise.resolve([] as EventRow[]);
    next.catch(() => undefined); // awaited below; an early throw here must not leave it unhandled
    const heads = await fetchHeads([...new Set(page.map((r) => r.stream))]);
    for (const row of page) {
      if (current?.stream !== row.stream) {
        finishStream();
        current = { stream: row.stream, verifier: new StreamChainVerifier(row.stream), head: heads.get(row.stream) };
      }
      current.verifier.add(asEnvelope(row));
    }
    events += page.length;
    if (options.onProgress && Date.now() - lastReport >= interval) {
      lastReport = Date.now();
      options.onProgress(progress(events, streams, broken.length, started));
    }
    page = await next;
  }
  finishStream();

  const { rows: empty } = await db.query<{ stream: string }>(EMPTY_STREAMS);
  for (const { stream } of empty) {
    broken.push({ stream, firstInvalidRevision: 0, reason: 'revision-gap', events: 0 });
    streams += 1;
  }
  broken.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));

  const durationMs = Date.now() - started;
  options.onProgress?.(progress(events, streams, broken.length, started));
  return {
    valid: broken.length === 0,
    events,
    streams,
    broken,
    durationMs,
    eventsPerSecond: Math.round(events / Math.max(durationMs / 1000, 0.001)),
  };
}

/** The row as the verifier needs it (recorded_at is already ISO text here). */
function asEnvelope(r: EventRow) {
  return {
    eventId: r.event_id,
    stream: r.stream,
    streamRevision: r.stream_revision,
    globalPosition: Number(r.global_position),
    recordedAt: r.recorded_at as string,
    type: r.type,
    data: r.data,
    metadata: r.metadata,
    hash: r.hash,
    previousHash: r.previous_hash,
  };
}

function progress(events: number, streams: number, broken: number, started: number): StoreVerificationProgress {
  const elapsedMs = Date.now() - started;
  return { events, streams, broken, elapsedMs, eventsPerSecond: Math.round(events / Math.max(elapsedMs / 1000, 0.001)) };
}
