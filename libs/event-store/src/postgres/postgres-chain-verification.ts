/**
 * Whole-store verification of the hash chains (the auditors' `npm run audit -- verify`, the tamper test, the
 * benchmark): every stream, every event, recomputed in JS from the stored envelope (hash-chain.ts), in constant
 * memory — keyset pages by (stream, stream_revision) over the UNIQUE index, the next page fetched while the current
 * one is hashed. Each stream's last revision and hash kept in `event_store.streams` are checked too, so a deleted
 * last event (or a stream whose events were all deleted) is caught.
 *
 * Rows are read as text and never become objects: the driver's own parsing (JSONB into objects, a row object per
 * event) and printing those objects again as canonical JSON cost four times the SHA-256. Data and metadata come as
 * PostgreSQL's JSONB text, which canonical-json-text.ts re-orders into canonical JSON (the same text as
 * `canonicalJson` of the parsed value); every other field is already the text the envelope holds.
 *
 * `db` may be a pool or one client: the tamper test verifies through the connection that holds its (rolled back)
 * tampering transaction.
 */
import type { CustomTypesConfig, Pool, PoolClient } from 'pg';
import { canonicalJsonText } from '../canonical-json-text';
import { canonicalEnvelopeText, envelopeTail, streamFragment, StreamChainVerifier, type ChainBreakReason, type StreamHead } from '../hash-chain';

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
  /** Events per page (default 10 000). */
  pageSize?: number;
  onProgress?(progress: StoreVerificationProgress): void;
  /** Minimum time between progress reports (default 1000 ms). */
  progressIntervalMs?: number;
}>;

// One row per event, every column as text (RAW_TEXT) in an array (rowMode 'array'), in this order. recorded_at as
// whole milliseconds since 1970 (truncated, as the driver's Date of every other read; the adapter stores milliseconds
// anyway): exact, and half the server's work of to_char; isoMillis turns it into the recordedAt of those reads (NULL
// for a time no Date can hold — a forged `infinity` — which then cannot verify instead of failing the query).
const PAGE_COLUMNS = `stream, stream_revision, global_position, event_id, type, data, metadata,
  CASE WHEN isfinite(recorded_at) THEN floor(extract(epoch FROM recorded_at) * 1000)::int8 END,
  encode(hash, 'hex'), encode(previous_hash, 'hex')`;
/** Rows hashed between two looks at the socket. */
const YIELD_EVERY_ROWS = 1000;
type PageRow = [
  stream: string,
  streamRevision: string,
  globalPosition: string,
  eventId: string,
  type: string,
  data: string,
  metadata: string,
  recordedAtMs: string | null,
  hash: string | null,
  previousHash: string | null,
];
const PAGE_FIRST = `SELECT ${PAGE_COLUMNS} FROM event_store.events ORDER BY stream, stream_revision LIMIT $1`;
const PAGE_AFTER = `SELECT ${PAGE_COLUMNS} FROM event_store.events WHERE (stream, stream_revision) > ($2, $3)
  ORDER BY stream, stream_revision LIMIT $1`;
/** No type parsing at all: every value as PostgreSQL sends it (NULL stays null). */
const RAW_TEXT = { getTypeParser: () => (text: string) => text } as unknown as CustomTypesConfig;
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
  const pageSize = options.pageSize ?? 10_000;
  const interval = options.progressIntervalMs ?? 1000;
  const started = Date.now();
  let lastReport = started;
  const broken: BrokenStream[] = [];
  let events = 0;
  let streams = 0;

  const fetchPage = (after: PageRow | null) =>
    db
      .query<PageRow>({
        text: after ? PAGE_AFTER : PAGE_FIRST,
        values: after ? [pageSize, after[0], after[1]] : [pageSize],
        rowMode: 'array',
        types: RAW_TEXT,
      })
      .then((r) => r.rows);
  const fetchHeads = async (names: string[]) => {
    const { rows } = await db.query<{ stream: string; revision: number; last_hash: string | null }>(HEADS, [names]);
    return new Map<string, StreamHead>(rows.map((r) => [r.stream, { revision: r.revision, lastHash: r.last_hash }]));
  };

  type ActiveStream = { stream: string; verifier: StreamChainVerifier; head: StreamHead | undefined; streamPart: string };
  const tails = new Map<string, string>(); // envelopeTail per event type: a handful of types, millions of events
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
    // The heads first, the next page after them: PostgreSQL then produces the next page while this one is hashed
    // (queued the other way round, the heads — and so the hashing — waited for the whole next page).
    const heads = fetchHeads([...new Set(page.map((r) => r[0]))]);
    heads.catch(() => undefined); // awaited below; an early throw here must not leave it unhandled
    const next = page.length === pageSize ? fetchPage(page[page.length - 1]) : Promise.resolve([] as PageRow[]);
    next.catch(() => undefined);
    const headOf = await heads;
    for (let i = 0; i < page.length; i++) {
      // Now and then let the driver read the next page off the socket: a full socket buffer would stall the server.
      if (i % YIELD_EVERY_ROWS === YIELD_EVERY_ROWS - 1) await new Promise(setImmediate);
      const row = page[i];
      const stream = row[0];
      if (current?.stream !== stream) {
        finishStream();
        current = { stream, verifier: new StreamChainVerifier(stream), head: headOf.get(stream), streamPart: streamFragment(stream) };
      }
      let tail = tails.get(row[4]);
      if (tail === undefined) tails.set(row[4], (tail = envelopeTail(row[4])));
      current.verifier.addCanonical({
        stream,
        streamRevision: Number(row[1]),
        hash: row[8],
        previousHash: row[9],
        envelope: canonicalEnvelopeText(
          canonicalJsonText(row[5]),
          row[3],
          jsonInteger(row[2]),
          canonicalMetadata(row[6]),
          isoMillis(row[7]),
          current.streamPart,
          row[1],
          tail,
        ),
      });
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

/** As `envelopeFragments` hashes it: metadata that is JSON null as `{}` (the migration hashed old rows that way). */
const canonicalMetadata = (text: string): string => (text === 'null' ? '{}' : canonicalJsonText(text));

/**
 * `new Date(ms).toISOString()` of the recorded_at column, remembered for the next row: the events of one append share
 * their recording time, so consecutive rows mostly repeat it.
 */
let lastMillis = '';
let lastIso = '';
function isoMillis(millis: string | null): string {
  if (millis === null) return '';
  if (millis !== lastMillis) {
    const date = new Date(Number(millis));
    lastIso = Number.isNaN(date.getTime()) ? '' : date.toISOString();
    lastMillis = millis;
  }
  return lastIso;
}

/** A bigint column's text as canonicalJson writes the number (the same text up to 15 digits). */
const jsonInteger = (text: string): string => (text.length <= 15 ? text : String(Number(text)));

function progress(events: number, streams: number, broken: number, started: number): StoreVerificationProgress {
  const elapsedMs = Date.now() - started;
  return { events, streams, broken, elapsedMs, eventsPerSecond: Math.round(events / Math.max(elapsedMs / 1000, 0.001)) };
}
