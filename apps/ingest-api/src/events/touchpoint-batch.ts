/**
 * Steps of the ingest pipeline: turning what the client sent into events to append, and loading a stream's rule
 * state. (Idempotency is the store's rule: findIdempotentResult.)
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
import type { EventStore, EventToAppend } from '@klantcentraal/event-store';

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
