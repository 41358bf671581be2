/**
 * `appendMany` over EventStoreDB. The client cannot write several streams in one transaction, so a bulk request is
 * written stream by stream — but checked as a whole first, so the usual failures leave nothing written:
 *
 * 1. an identical retry of the whole request answers the original result; a request mixing stored and new events,
 *    or re-sending a stored id with another payload or to another stream, is an IdempotencyConflictError;
 * 2. an id already claimed for another stream or payload is an IdempotencyConflictError;
 * 3. every expectation is checked against the streams' revisions (a stream named twice: the second expectation counts
 *    the first's events), a mismatch is a RevisionConflictError;
 * 4. then each stream is appended in request order.
 * Only a concurrent writer between 3 and 4 can make a later stream fail after earlier ones were written. That error
 * is the failing stream's own (409 as usual); its message adds which streams were written and which were not, and it
 * carries them as `writtenStreams` (with their results) and `notWrittenStreams`. Resending the whole request is then a
 * conflict (it mixes stored and new events, as in the PostgreSQL store); the streams not written are resent alone.
 */
import { IdempotencyConflictError, RevisionConflictError } from '../errors';
import type { AppendResult, EventStore, ExpectedRevision, MultiAppendResult, StreamAppend } from '../event-store.port';
import { idempotencyHash } from '../idempotency';
import { findIdempotentResult } from '../idempotent-retry';
import type { Claim } from './eventstoredb-claims';

export type StreamResult = AppendResult & { stream: string };

/** What a partial bulk write adds to the failing stream's error. */
export type PartialWrite = Readonly<{ writtenStreams: readonly StreamResult[]; notWrittenStreams: readonly string[] }>;

export async function appendManyPerStream(
  store: EventStore,
  claimsOf: (eventIds: readonly string[]) => Promise<ReadonlyMap<string, Claim>>,
  appends: readonly StreamAppend[],
): Promise<MultiAppendResult> {
  if (appends.length === 0) throw new TypeError('append needs at least one stream');
  const ids = appends.flatMap((a) => a.events.map((e) => e.eventId.toLowerCase()));
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (duplicates.length > 0) throw new IdempotencyConflictError(`eventId appears more than once in one append: ${duplicates.join(', ')}`, duplicates);

  const known = await findIdempotentResult(store, appends);
  if (known) return known;
  const claims = await claimsOf(ids);
  const foreign = appends.flatMap((a) =>
    a.events.filter((e) => {
      const claim = claims.get(e.eventId.toLowerCase());
      return claim && (claim.stream !== a.stream || claim.payloadHash !== idempotencyHash(e.idempotencyPayload));
    }),
  );
  if (foreign.length > 0) {
    const foreignIds = foreign.map((e) => e.eventId.toLowerCase());
    throw new IdempotencyConflictError(`${foreignIds.join(', ')}: eventId already claimed with a different payload or for another stream`, foreignIds);
  }
  const streams = [...new Set(appends.map((a) => a.stream))];
  const revisions = new Map(await Promise.all(streams.map(async (s) => [s, await store.streamRevision(s)] as const)));
  const conflict = firstExpectationConflict(appends, revisions);
  if (conflict) throw new RevisionConflictError(conflict.stream, conflict.expectedRevision, conflict.actual);

  const written: StreamResult[] = [];
  for (const [i, a] of appends.entries()) {
    try {
      written.push({ stream: a.stream, ...(await store.appendToStream(a.stream, a.expectedRevision, a.events)) });
    } catch (err) {
      throw withPartialWrite(err, written, appends.slice(i).map((rest) => rest.stream));
    }
  }
  const positions = written.flatMap((s) => [s.firstPosition, s.lastPosition]);
  return {
    written: written.some((s) => s.written),
    count: ids.length,
    firstPosition: Math.min(...positions),
    lastPosition: Math.max(...positions),
    streams: written,
  };
}

/**
 * The first append whose expectation the streams' revisions do not meet, given the appends before it in the same
 * request (they are written first). Pure.
 */
export function firstExpectationConflict(
  appends: readonly StreamAppend[],
  revisions: ReadonlyMap<string, number | null>,
): { stream: string; expectedRevision: ExpectedRevision; actual: number | null } | null {
  const current = new Map(revisions);
  for (const { stream, expectedRevision, events } of appends) {
    const actual = current.get(stream) ?? null;
    const met = expectedRevision === 'any' || (expectedRevision === 'no-stream' ? actual === null : expectedRevision === actual);
    if (!met) return { stream, expectedRevision, actual };
    current.set(stream, (actual ?? -1) + events.length);
  }
  return null;
}

/** The failing stream's error, saying which streams of the request were written before it and which were not. */
export function withPartialWrite(err: unknown, written: readonly StreamResult[], notWritten: readonly string[]): unknown {
  if (written.length === 0 || !(err instanceof Error)) return err;
  const partial: PartialWrite = { writtenStreams: [...written], notWrittenStreams: [...notWritten] };
  err.message +=
    ` (EventStoreDB writes a bulk request stream by stream: ${written.map((s) => s.stream).join(', ')} written;` +
    ` ${notWritten.join(', ')} not written (resend those alone))`;
  return Object.assign(err, partial);
}
