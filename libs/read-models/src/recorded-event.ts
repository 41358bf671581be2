import {
  customerIdFromStream,
  isCustomerEventType,
  PERSONAL_DATA_ERASED,
  type StoredCustomerStreamEvent,
  SCHEMA_VERSION,
  type RecordedBy,
  type StoredCustomerEvent,
} from '@klantcentraal/domain';
import type { RecordedEvent } from '@klantcentraal/event-store';

const CUSTOMER_STREAM_PREFIX = 'customer-';

/** The customer an event belongs to: `metadata.customerId`, else the stream name minus `customer-`; null if neither. */
export function customerIdOf(event: RecordedEvent): string | null {
  const fromMetadata = event.metadata['customerId'];
  if (typeof fromMetadata === 'string' && fromMetadata.length > 0) return fromMetadata;
  return event.stream.startsWith(CUSTOMER_STREAM_PREFIX) ? customerIdFromStream(event.stream) : null;
}

/**
 * The domain's view of a stored event (the folds take `StoredCustomerEvent`): envelope fields come from the store's
 * metadata (`occurredAt`, `recordedBy`, `schemaVersion`, `customerId`, as the ingest API writes them). Null for an
 * event that is not a catalogue event of a customer stream, which no read model folds.
 */
export function toStoredCustomerEvent(event: RecordedEvent): StoredCustomerEvent | null {
  if (!isCustomerEventType(event.type)) return null;
  return toStored(event) as StoredCustomerEvent | null;
}

/** Like `toStoredCustomerEvent`, and also the privacy service's `PersonalDataErased` (folds that hold personal data apply it). */
export function toStoredCustomerStreamEvent(event: RecordedEvent): StoredCustomerStreamEvent | null {
  if (!isCustomerEventType(event.type) && event.type !== PERSONAL_DATA_ERASED) return null;
  return toStored(event);
}

/** The catalogue and erasure events of a batch, converted, in the batch's order. */
export function toStoredCustomerStreamEvents(events: readonly RecordedEvent[]): StoredCustomerStreamEvent[] {
  const stored: StoredCustomerStreamEvent[] = [];
  for (const event of events) {
    const converted = toStoredCustomerStreamEvent(event);
    if (converted !== null) stored.push(converted);
  }
  return stored;
}

function toStored(event: RecordedEvent): StoredCustomerStreamEvent | null {
  const customerId = customerIdOf(event);
  if (customerId === null) return null;
  const { occurredAt, recordedBy, schemaVersion } = event.metadata;
  const stored = {
    type: event.type,
    data: event.data,
    eventId: event.eventId,
    customerId,
    // An event appended without occurredAt metadata happened when it was recorded (the ingest default).
    occurredAt: typeof occurredAt === 'string' ? occurredAt : event.recordedAt,
    recordedAt: event.recordedAt,
    recordedBy: (recordedBy ?? { userId: 'unknown' }) as RecordedBy,
    streamRevision: event.streamRevision,
    globalPosition: event.globalPosition,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : SCHEMA_VERSION,
  };
  // `type` was checked by the caller and the ingest API (or the privacy service) validated `data` before storing.
  return stored as unknown as StoredCustomerStreamEvent;
}

/** The catalogue events of a batch, converted, in the batch's (ascending position) order. */
export function toStoredCustomerEvents(events: readonly RecordedEvent[]): StoredCustomerEvent[] {
  const stored: StoredCustomerEvent[] = [];
  for (const event of events) {
    const converted = toStoredCustomerEvent(event);
    if (converted !== null) stored.push(converted);
  }
  return stored;
}

/** The customers of the given stream names (`customer-<id>`); other streams are left out. */
export const customerIdsOfStreams = (streams: readonly string[]): string[] =>
  streams.filter((stream) => stream.startsWith(CUSTOMER_STREAM_PREFIX)).map(customerIdFromStream);
