/**
 * The append's client side (postgres-event-store.ts): checking and preparing a request — canonical JSON, payload
 * hashes, the tail of each envelope's hash-chain fragments — and turning it into the per-stream and per-event
 * arguments of `event_store.append` (postgres-append.migrations.ts); the idempotency and conflict answers.
 */
import { IdempotencyConflictError, RevisionConflictError } from '../errors';
import type { EventToAppend, ExpectedRevision, MultiAppendResult, StreamAppend } from '../event-store.port';
import { envelopeTail } from '../hash-chain';
import { canonicalJson, idempotencyHash } from '../idempotency';
import { idempotentAnswer } from '../idempotent-retry';
import { REQUIRE_ANY, REQUIRE_IMPOSSIBLE, REQUIRE_NO_STREAM } from './postgres-append.migrations';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type PreparedEvent = {
  id: string;
  type: string;
  /** data / metadata as canonical JSON text: stored (as JSONB) and hashed. */
  data: string;
  metadata: string;
  hash: string;
  /** The last hash-chain fragment of the canonical envelope (hash-chain.ts `envelopeFragments`); SQL builds the rest. */
  tail: string;
};
export type PreparedAppend = { stream: string; expectedRevision: ExpectedRevision; events: PreparedEvent[] };
export type PreparedBatch = { appends: PreparedAppend[]; ids: string[]; byId: Map<string, { stream: string; hash: string }> };
export type StoredRef = { event_id: string; stream: string; stream_revision: number; global_position: number | string; payload_hash: string };

function assertExpectation(stream: string, expected: ExpectedRevision): void {
  if (expected === 'any' || expected === 'no-stream') return;
  if (!Number.isInteger(expected) || expected < 0) {
    throw new TypeError(`stream ${stream}: expectedRevision must be 'any', 'no-stream' or an integer >= 0`);
  }
}

export function prepare(appends: readonly StreamAppend[]): PreparedBatch {
  if (appends.length === 0) throw new TypeError('append needs at least one stream');
  const ids: string[] = [];
  const byId = new Map<string, { stream: string; hash: string }>();
  const duplicates: string[] = [];
  const prepared = appends.map(({ stream, expectedRevision, events }) => {
    if (typeof stream !== 'string' || stream.length === 0) throw new TypeError('stream name must be a non-empty string');
    assertExpectation(stream, expectedRevision);
    if (events.length === 0) throw new TypeError(`stream ${stream}: append needs at least one event`);
    return {
      stream,
      expectedRevision,
      events: events.map((e: EventToAppend): PreparedEvent => {
        if (typeof e.eventId !== 'string' || !UUID.test(e.eventId)) throw new TypeError(`eventId ${String(e.eventId)} is not a UUID`);
        const id = e.eventId.toLowerCase(); // PostgreSQL stores UUIDs in lower case
        const hash = idempotencyHash(e.idempotencyPayload);
        if (byId.has(id)) duplicates.push(id);
        byId.set(id, { stream, hash });
        ids.push(id);
        // Stored as this canonical text, and hashed as it: what is hashed is what is stored.
        const data = canonicalJson(e.data ?? null);
        const metadata = canonicalJson(e.metadata ?? {});
        return { id, type: e.type, data, metadata, hash, tail: envelopeTail(e.type) };
      }),
    };
  });
  if (duplicates.length > 0) {
    throw new IdempotencyConflictError(`eventId appears more than once in one append: ${duplicates.join(', ')}`, duplicates);
  }
  return { appends: prepared, ids, byId };
}

/** The one idempotency rule (idempotent-retry.ts), given the rows stored with the batch's ids. */
export function idempotentAnswerFor(appends: readonly StreamAppend[], stored: readonly StoredRef[]): MultiAppendResult | null {
  return idempotentAnswer(
    appends,
    stored.map((s) => ({ eventId: s.event_id, stream: s.stream, streamRevision: s.stream_revision, globalPosition: Number(s.global_position), payloadHash: s.payload_hash })),
  );
}

export type AppendPlan = {
  streams: string[]; // distinct, sorted: the lock order
  counts: Map<string, number>;
  required: Map<string, number>;
  eventStreams: string[];
  offsets: number[];
  types: string[];
  hashes: string[];
  data: string[];
  metadata: string[];
  tails: string[];
};

/**
 * Per-stream parameters of SQL_APPEND. A stream may occur several times in one request: each occurrence's
 * expectation becomes a requirement on the stream's revision before the request (n - events before it), and the
 * requirements of one stream must agree (else REQUIRE_IMPOSSIBLE: a conflict whatever the store holds).
 */
export function planAppend(batch: PreparedBatch): AppendPlan {
  const counts = new Map<string, number>();
  const required = new Map<string, number>();
  const plan: AppendPlan = {
    streams: [],
    counts,
    required,
    eventStreams: [],
    offsets: [],
    types: [],
    hashes: [],
    data: [],
    metadata: [],
    tails: [],
  };
  for (const a of batch.appends) {
    const before = counts.get(a.stream) ?? 0;
    const e = a.expectedRevision;
    const need = e === 'any' ? REQUIRE_ANY : e === 'no-stream' ? (before === 0 ? REQUIRE_NO_STREAM : REQUIRE_IMPOSSIBLE) : e - before < -1 ? REQUIRE_IMPOSSIBLE : e - before;
    const previous = required.get(a.stream) ?? REQUIRE_ANY;
    required.set(a.stream, need === REQUIRE_ANY ? previous : previous === REQUIRE_ANY || previous === need ? need : REQUIRE_IMPOSSIBLE);
    a.events.forEach((ev, i) => {
      plan.eventStreams.push(a.stream);
      plan.offsets.push(before + i);
      plan.types.push(ev.type);
      plan.hashes.push(ev.hash);
      plan.data.push(ev.data);
      plan.metadata.push(ev.metadata);
      plan.tails.push(ev.tail);
    });
    counts.set(a.stream, before + a.events.length);
  }
  plan.streams = [...counts.keys()].sort();
  return plan;
}

/** The conflict to report for a stream whose revision before the request was `actual`: its first failing occurrence. */
export function revisionConflict(batch: PreparedBatch, stream: string, actual: number | null): RevisionConflictError {
  let current = actual;
  for (const a of batch.appends) {
    if (a.stream !== stream) continue;
    const e = a.expectedRevision;
    if ((e === 'no-stream' && current !== null) || (typeof e === 'number' && current !== e)) return new RevisionConflictError(stream, e, current);
    current = (current ?? -1) + a.events.length;
  }
  return new RevisionConflictError(stream, batch.appends.find((a) => a.stream === stream)!.expectedRevision, actual);
}
