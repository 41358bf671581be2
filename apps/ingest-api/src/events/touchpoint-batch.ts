/**
 * The steps the single-customer and the bulk handler share: turning what the client sent into events to append,
 * the idempotency check, and loading a stream's rule state.
 */
import {
  customerStreamName,
  evolveStreamState,
  initialStreamState,
  SCHEMA_VERSION,
  type CustomerEvent,
  type CustomerEventType,
  type CustomerStreamState,
  type RecordedBy,
} from '@klantcentraal/domain';
import {
  IdempotencyConflictError,
  idempotencyHash,
  type EventStore,
  type EventToAppend,
  type RecordedEvent,
} from '@klantcentraal/event-store';

/** One event as the client sent it (validated). */
export type TouchpointInput = Readonly<{
  eventId?: string;
  type: CustomerEventType;
  data: Readonly<Record<string, unknown>>;
  occurredAt?: string;
  recordedBy?: RecordedBy;
}>;

export type PreparedTouchpoint = Readonly<{
  customerId: string;
  stream: string;
  /** The catalogue event, for the decider. */
  event: CustomerEvent;
  toAppend: EventToAppend;
  /** The client chose the eventId, so a stored event with it is a retry (or a conflict). */
  clientEventId: boolean;
}>;

export type PrepareContext = Readonly<{ now: Date; newId: () => string; recorder: string }>;

/** Fills the server defaults; the idempotency payload keeps exactly what the client sent. */
export function prepareTouchpoint(customerId: string, input: TouchpointInput, context: PrepareContext): PreparedTouchpoint {
  const { type, data } = input;
  const idempotencyPayload = {
    type,
    data,
    ...(input.occurredAt !== undefined && { occurredAt: input.occurredAt }),
    ...(input.recordedBy !== undefined && { recordedBy: input.recordedBy }),
  };
  const occurredAt = input.occurredAt !== undefined ? new Date(input.occurredAt) : context.now;
  return {
    customerId,
    stream: customerStreamName(customerId),
    event: { type, data } as CustomerEvent,
    clientEventId: input.eventId !== undefined,
    toAppend: {
      eventId: (input.eventId ?? context.newId()).toLowerCase(),
      type,
      data,
      metadata: {
        // Stored in UTC so that occurredAt values compare as strings; the client's own notation stays in the
        // idempotency payload.
        occurredAt: occurredAt.toISOString(),
        recordedBy: input.recordedBy ?? { userId: context.recorder },
        schemaVersion: SCHEMA_VERSION,
        customerId,
      },
      idempotencyPayload,
    },
  };
}

/**
 * The idempotency check, before any rule is checked: null when none of the client's eventIds is stored (a new
 * batch); the stored events, in batch order, when every event is stored with the same payload in the same stream
 * (an identical retry); otherwise an IdempotencyConflictError (a changed payload, or stored and new events mixed).
 */
export async function findStoredBatch(
  store: EventStore,
  batch: readonly PreparedTouchpoint[],
): Promise<readonly RecordedEvent[] | null> {
  const claimed = batch.filter((t) => t.clientEventId);
  if (claimed.length === 0) return null;
  const stored = await store.findByEventIds(claimed.map((t) => t.toAppend.eventId));
  if (stored.length === 0) return null;

  const byId = new Map(stored.map((e) => [e.eventId.toLowerCase(), e]));
  const indexOf = new Map(batch.map((t, index) => [t, index]));
  const position = (t: PreparedTouchpoint) => `events[${indexOf.get(t)}]`;
  const changed = claimed.filter((t) => {
    const original = byId.get(t.toAppend.eventId);
    return original && (original.stream !== t.stream || original.payloadHash !== idempotencyHash(t.toAppend.idempotencyPayload));
  });
  if (changed.length > 0) {
    throw new IdempotencyConflictError(
      `${changed.map(position).join(', ')}: eventId already stored with a different payload or for another customer`,
      changed.map((t) => t.toAppend.eventId),
    );
  }
  const fresh = batch.filter((t) => !byId.has(t.toAppend.eventId));
  if (fresh.length > 0) {
    throw new IdempotencyConflictError(
      `the batch mixes already stored events with new ones (${fresh.map(position).join(', ')} are new); resend the exact original batch`,
      [...byId.keys()],
    );
  }
  return batch.map((t) => byId.get(t.toAppend.eventId)!);
}

/**
 * The event types the rule state is built from (those evolveStreamState does not ignore); reading only these keeps
 * the load cheap on long streams. ingest-rule-state.spec.ts proves every other type leaves the state unchanged.
 */
export const RULE_STATE_EVENT_TYPES: readonly CustomerEventType[] = [
  'ProspectRegistered',
  'ComplaintFiled',
  'ComplaintResolved',
  'QuoteRequested',
  'QuoteSent',
  'PromiseMade',
  'PromiseDelivered',
];

export type LoadedStream = Readonly<{ revision: number | null; state: CustomerStreamState }>;

/**
 * The stream's last revision and its rule state as of exactly that revision. The revision is read first and later
 * events are ignored, so an append that expects this revision can only succeed if the state it was decided on is
 * still the stream's state.
 */
export async function loadRuleState(store: EventStore, stream: string): Promise<LoadedStream> {
  const revision = await store.streamRevision(stream);
  if (revision === null) return { revision, state: initialStreamState };
  let state = initialStreamState;
  for await (const recorded of store.readStream(stream, { types: RULE_STATE_EVENT_TYPES })) {
    if (recorded.streamRevision > revision) break;
    state = evolveStreamState(state, { type: recorded.type, data: recorded.data } as CustomerEvent);
  }
  return { revision, state };
}

/** Smallest and largest of the stored events' revisions and positions: the original answer to a retried batch. */
export function span(events: readonly RecordedEvent[]) {
  const revisions = events.map((e) => e.streamRevision);
  const positions = events.map((e) => e.globalPosition);
  return {
    firstRevision: Math.min(...revisions),
    lastRevision: Math.max(...revisions),
    firstPosition: Math.min(...positions),
    lastPosition: Math.max(...positions),
  };
}
