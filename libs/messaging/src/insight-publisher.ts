import { CLOUD_EVENTS_CONTENT_TYPE, toCloudEvent } from './cloud-event';
import type { OutboxRow } from './outbox';

export type PublishMessage = {
  readonly key: string;
  readonly value: string;
  readonly headers?: Readonly<Record<string, string>>;
};

/**
 * Port to the message broker. `publish` resolves only once the broker has acknowledged every message durably
 * (and rejects otherwise; then any subset may have been written: the caller retries the whole batch). Messages with
 * the same key are written in the order given. `start` may be called again after a failure.
 */
export interface InsightPublisher {
  start(): Promise<void>;
  publish(messages: readonly PublishMessage[]): Promise<void>;
  stop(): Promise<void>;
}

/** The broker message for a stored insight: key = customerId (per-customer order), value = the CloudEvent JSON. */
export function insightMessage(row: OutboxRow): PublishMessage {
  return {
    key: row.customerId,
    value: JSON.stringify(toCloudEvent(row)),
    headers: { 'content-type': CLOUD_EVENTS_CONTENT_TYPE },
  };
}
