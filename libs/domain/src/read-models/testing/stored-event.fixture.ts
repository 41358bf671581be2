import type { CustomerEvent, CustomerEventType, RecordedBy, StoredCustomerEvent } from '../../events';
import { SCHEMA_VERSION } from '../../events';

/**
 * Builds `StoredCustomerEvent`s for read-model specs: fills the envelope with a stable eventId, the customer, a
 * `streamRevision` and `globalPosition` that increase with each event built, and `recordedAt` = `occurredAt`
 * unless given. Specs only; deliberately not exported from the domain's index.
 *
 *   const stream = storedEvents('C-1');
 *   const registered = stream.event('ProspectRegistered', { name: 'Acme', size: 'small' }, '2026-01-01T09:00:00Z');
 */
export type DataOf<T extends CustomerEventType> = Extract<CustomerEvent, { type: T }>['data'];

export type EnvelopeOverrides = Partial<
  Pick<StoredCustomerEvent, 'eventId' | 'recordedAt' | 'recordedBy' | 'streamRevision' | 'globalPosition' | 'schemaVersion'>
>;

export type StoredEventBuilder = Readonly<{
  customerId: string;
  event<T extends CustomerEventType>(
    type: T,
    data: DataOf<T>,
    occurredAt: string,
    overrides?: EnvelopeOverrides,
  ): StoredCustomerEvent<Extract<CustomerEvent, { type: T }>>;
}>;

const RECORDER: RecordedBy = { userId: 'u-spec', department: 'marketing-sales' };

export function storedEvents(customerId = 'C-1', options: { firstPosition?: number } = {}): StoredEventBuilder {
  let revision = 0;
  let position = options.firstPosition ?? 1;
  function event<T extends CustomerEventType>(
    type: T,
    data: DataOf<T>,
    occurredAt: string,
    overrides: EnvelopeOverrides = {},
  ): StoredCustomerEvent<Extract<CustomerEvent, { type: T }>> {
    const streamRevision = overrides.streamRevision ?? revision;
    const globalPosition = overrides.globalPosition ?? position;
    revision = streamRevision + 1;
    position = globalPosition + 1;
    const stored = {
      type,
      data,
      eventId: overrides.eventId ?? `00000000-0000-4000-8000-${String(globalPosition).padStart(12, '0')}`,
      customerId,
      occurredAt,
      recordedAt: overrides.recordedAt ?? occurredAt,
      recordedBy: overrides.recordedBy ?? RECORDER,
      streamRevision,
      globalPosition,
      schemaVersion: overrides.schemaVersion ?? SCHEMA_VERSION,
    };
    // `type` and `data` belong together by construction (DataOf<T>); TypeScript cannot see that for a generic T.
    return stored as unknown as StoredCustomerEvent<Extract<CustomerEvent, { type: T }>>;
  }
  return { customerId, event };
}

/** The same events as recorded in another order: revisions and positions are reassigned in the new order. */
export function recordedInOrder(events: readonly StoredCustomerEvent[], order: readonly number[]): StoredCustomerEvent[] {
  if ([...order].sort((a, b) => a - b).join() !== events.map((_, index) => index).join()) {
    throw new Error('order must be a permutation of the event indexes');
  }
  const first = events[0];
  return order.map((index, revision) => ({
    ...events[index],
    streamRevision: revision,
    globalPosition: (first?.globalPosition ?? 1) + revision,
  }));
}

/** Deep-freezes a value so a spec can prove a fold does not modify its input. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
/** `iso` shifted by `ms` milliseconds, normalised. */
export const plus = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();
