/**
 * The one idempotency rule of every append (contract: re-sending stored eventIds with the same payload is a no-op
 * answered with the original result): adapters apply it when an append collides with stored ids, and callers that
 * must answer a retry before checking anything else (the ingest pipeline, whose rules would refuse a replay) ask it
 * through `findIdempotentResult`.
 */
import { IdempotencyConflictError } from './errors';
import { idempotencyHash } from './idempotency';
import type { EventStore, MultiAppendResult, StreamAppend } from './event-store.port';

/** What the store knows of an already stored event. */
export type StoredEventRef = Readonly<{ eventId: string; stream: string; streamRevision: number; globalPosition: number; payloadHash: string }>;

/**
 * Given the appends and the events already stored with their ids: null when none is stored (write them); the
 * original result when every one is stored with the same payload in the same stream (an identical retry); otherwise
 * an IdempotencyConflictError (a changed payload or another stream, or stored and new ids mixed in one batch).
 */
export function idempotentAnswer(
  appends: readonly StreamAppend[],
  stored: readonly StoredEventRef[],
  /** How the caller names an event in messages (`events[3]`); default: its eventId. */
  label: (eventId: string) => string = (id) => id,
): MultiAppendResult | null {
  if (stored.length === 0) return null;
  const wanted = new Map<string, { stream: string; hash: string }>();
  for (const { stream, events } of appends) {
    for (const e of events) wanted.set(e.eventId.toLowerCase(), { stream, hash: idempotencyHash(e.idempotencyPayload) });
  }
  const byId = new Map(stored.map((s) => [s.eventId.toLowerCase(), s]));
  const different = stored.filter((s) => {
    const w = wanted.get(s.eventId.toLowerCase());
    return !w || w.hash !== s.payloadHash || w.stream !== s.stream;
  });
  if (different.length > 0) {
    throw new IdempotencyConflictError(
      `${different.map((s) => label(s.eventId.toLowerCase())).join(', ')}: eventId already stored with a different payload or in another stream`,
      different.map((s) => s.eventId),
    );
  }
  if (stored.length < wanted.size) {
    const fresh = [...wanted.keys()].filter((id) => !byId.has(id));
    throw new IdempotencyConflictError(
      `the batch mixes already stored events with new ones (${fresh.map(label).join(', ')} are new); resend the exact original batch`,
      stored.map((s) => s.eventId),
    );
  }
  const streams = appends.map((a) => {
    const refs = a.events.map((e) => byId.get(e.eventId.toLowerCase())!);
    const revisions = refs.map((r) => r.streamRevision);
    const positions = refs.map((r) => r.globalPosition);
    return {
      stream: a.stream,
      written: false,
      firstRevision: Math.min(...revisions),
      lastRevision: Math.max(...revisions),
      firstPosition: Math.min(...positions),
      lastPosition: Math.max(...positions),
    };
  });
  return {
    written: false,
    count: wanted.size,
    firstPosition: Math.min(...streams.map((s) => s.firstPosition)),
    lastPosition: Math.max(...streams.map((s) => s.lastPosition)),
    streams,
  };
}

/** The store's idempotency answer for `appends` before anything is written (see idempotentAnswer). */
export async function findIdempotentResult(
  store: EventStore,
  appends: readonly StreamAppend[],
  label?: (eventId: string) => string,
): Promise<MultiAppendResult | null> {
  const ids = appends.flatMap((a) => a.events.map((e) => e.eventId.toLowerCase()));
  const stored = await store.findByEventIds(ids);
  return idempotentAnswer(
    appends,
    stored.map((e) => ({ eventId: e.eventId, stream: e.stream, streamRevision: e.streamRevision, globalPosition: e.globalPosition, payloadHash: e.payloadHash })),
    label,
  );
}
