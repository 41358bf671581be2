/**
 * What the parts of the event-store contract share: the factory and option types, fresh stream names and events, and
 * the context a part's tests read the store through (filled in `beforeAll`, so parts read it inside tests only).
 */
import { randomUUID } from 'node:crypto';
import type { EventStore, EventToAppend, RecordedEvent } from '../event-store.port';

export type EventStoreContractFactory = () => Promise<{ store: EventStore; teardown(): Promise<void> }>;

export type EventStoreContractOptions = Readonly<{
  /** false for adapters that document `appendMany` as per-stream (EventStoreDB): skips its all-or-nothing test. */
  atomicAppendMany?: boolean;
  /** How long to wait for a subscription to deliver (default 10 s). */
  deliveryTimeoutMs?: number;
  /**
   * true (default): global positions have no gaps (PostgreSQL). false: strictly increasing with gaps (EventStoreDB's
   * `$all` commit positions); the tests then compare with the positions the store reports instead of counting.
   */
  densePositions?: boolean;
}>;

let streamCounter = 0;
/** A fresh stream name for one test. */
export function contractStream(label: string): string {
  streamCounter += 1;
  return `contract-${label}-${streamCounter}-${randomUUID().slice(0, 8)}`;
}

/** A catalogue-like event; the idempotency payload is what a client would have sent. */
export function contractEvent(
  type = 'MailOpened',
  data: Record<string, unknown> = { mailId: `M-${randomUUID().slice(0, 6)}` },
  eventId: string = randomUUID(),
): EventToAppend {
  const occurredAt = '2026-03-01T10:00:00.000Z';
  const recordedBy = { userId: 'u-17', department: 'service' };
  return {
    eventId,
    type,
    data,
    metadata: { occurredAt, recordedBy, schemaVersion: 1 },
    idempotencyPayload: { type, data, occurredAt, recordedBy },
  };
}

/** What `describeEventStoreContract` hands each part: the store under test and the options resolved to values. */
export type ContractContext = {
  /** Set in the suite's `beforeAll`. */
  store: EventStore;
  readStream(stream: string, options?: Parameters<EventStore['readStream']>[1]): Promise<RecordedEvent[]>;
  deliveryTimeoutMs: number;
  dense: boolean;
  contractOptions: EventStoreContractOptions;
};

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
