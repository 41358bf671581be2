import {
  customerStreamName,
  decideRecordTouchpoints,
  initialStreamState,
  SCHEMA_VERSION,
  type CustomerEvent,
  type RecordedBy,
} from '@klantcentraal/domain';
import type { EventStore, EventToAppend, StreamAppend } from '@klantcentraal/event-store';
import type { DemoCustomerHistory, DemoDataSet } from './demo-data.generator';

/** An event in the contract's envelope; `recordedBy` may be absent (the loader then records `recorderFallback`). */
export type LoadableEvent = CustomerEvent &
  Readonly<{ eventId: string; occurredAt: string; recordedBy?: RecordedBy }>;

export type LoadableCustomer = Readonly<{ customerId: string; events: readonly LoadableEvent[] }>;

export type LoadDemoDataOptions = Readonly<{
  /** Recorder for events without `recordedBy`, as the API records its key's name (default `demo-data`). */
  recorderFallback?: string;
  /** Customers per `appendMany` call (default 50). */
  customersPerAppend?: number;
  /** A call is also cut once it holds this many events (default 5000); one customer's stream is never split. */
  eventsPerAppend?: number;
  /** Check each customer against the contract's semantic rules before appending (default true). */
  checkRules?: boolean;
  /** After every append: customers loaded so far, and the total when the input knows it (arrays do, generators don't). */
  onProgress?(done: number, total: number | undefined): void;
}>;

export type LoadDemoDataResult = Readonly<{
  /** Customers and events this call stored. */
  customers: number;
  events: number;
  /** Customers whose identical history was already stored (loaded before): nothing was written for them. */
  alreadyStored: number;
  firstPosition: number;
  lastPosition: number;
}>;

/**
 * Appends every customer's history as a new stream (`expectedRevision: 'no-stream'`) in bulk appends, exactly as the
 * ingest API would have stored the same requests (same metadata, same idempotency payload). Streams: a generator
 * of customers is consumed one chunk at a time. Fails with the store's RevisionConflictError if a stream exists.
 */
export async function loadDemoData(
  store: EventStore,
  set: DemoDataSet | Iterable<DemoCustomerHistory | LoadableCustomer>,
  options: LoadDemoDataOptions = {},
): Promise<LoadDemoDataResult> {
  const recorder = options.recorderFallback ?? 'demo-data';
  const customersPerAppend = positive(options.customersPerAppend ?? 50, 'customersPerAppend');
  const eventsPerAppend = positive(options.eventsPerAppend ?? 5000, 'eventsPerAppend');
  const checkRules = options.checkRules ?? true;
  const customers: Iterable<LoadableCustomer> = isDataSet(set) ? set.customers : set;
  const total = Array.isArray(customers) ? customers.length : undefined;

  let done = 0;
  let stored = 0;
  let alreadyStored = 0;
  let events = 0;
  let firstPosition = 0;
  let lastPosition = 0;
  let chunk: StreamAppend[] = [];
  let chunkEvents = 0;

  const flush = async () => {
    if (chunk.length === 0) return;
    const result = await store.appendMany(chunk);
    if (firstPosition === 0) firstPosition = result.firstPosition;
    lastPosition = result.lastPosition;
    done += chunk.length;
    // An identical history sent again is an idempotent no-op: count only what was written.
    for (const stream of result.streams) {
      if (stream.written) {
        stored++;
        events += stream.lastRevision - stream.firstRevision + 1;
      } else alreadyStored++;
    }
    chunk = [];
    chunkEvents = 0;
    options.onProgress?.(done, total);
  };

  for (const customer of customers) {
    if (customer.events.length === 0) continue;
    if (checkRules) {
      try {
        decideRecordTouchpoints({ customerId: customer.customerId, events: customer.events }, initialStreamState);
      } catch (error) {
        if (error instanceof Error) error.message = `customer ${customer.customerId}: ${error.message}`;
        throw error;
      }
    }
    chunk.push({
      stream: customerStreamName(customer.customerId),
      expectedRevision: 'no-stream',
      events: customer.events.map((event) => toEventToAppend(customer.customerId, event, recorder)),
    });
    chunkEvents += customer.events.length;
    if (chunk.length >= customersPerAppend || chunkEvents >= eventsPerAppend) await flush();
  }
  await flush();
  return { customers: stored, events, alreadyStored, firstPosition, lastPosition };
}

/** The event as the ingest API stores it: UTC `occurredAt` in the metadata, what the client sent as idempotency payload. */
export function toEventToAppend(customerId: string, event: LoadableEvent, recorderFallback = 'demo-data'): EventToAppend {
  const { type, data, occurredAt, recordedBy } = event;
  return {
    eventId: event.eventId.toLowerCase(),
    type,
    data,
    metadata: {
      occurredAt: new Date(occurredAt).toISOString(),
      recordedBy: recordedBy ?? { userId: recorderFallback },
      schemaVersion: SCHEMA_VERSION,
      customerId,
    },
    idempotencyPayload: { type, data, occurredAt, ...(recordedBy !== undefined && { recordedBy }) },
  };
}

const isDataSet = (set: unknown): set is DemoDataSet =>
  typeof set === 'object' && set !== null && !(Symbol.iterator in set) && Array.isArray((set as DemoDataSet).customers);

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
