import type { OutboxRow } from './outbox';

/** CloudEvents 1.0, structured JSON mode: the whole event is the message value. */
export const CLOUD_EVENTS_CONTENT_TYPE = 'application/cloudevents+json';
export const INSIGHT_SOURCE = '/klantcentraal/projector';

export type InsightCloudEvent = {
  specversion: '1.0';
  id: string;
  source: typeof INSIGHT_SOURCE;
  type: `insight.${string}`;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown> & { customerId: string; accountManager: string | null; globalPosition: number };
};

/**
 * A stored insight as a CloudEvent. A pure function of the row, and the row never changes once written, so every
 * redelivery of an insight carries the same id and the same content.
 */
export function toCloudEvent(row: OutboxRow): InsightCloudEvent {
  return {
    specversion: '1.0',
    id: row.id,
    source: INSIGHT_SOURCE,
    type: `insight.${row.type}`,
    subject: row.customerId,
    time: row.time,
    datacontenttype: 'application/json',
    data: {
      ...row.data,
      customerId: row.customerId,
      accountManager: row.accountManager,
      globalPosition: row.globalPosition,
    },
  };
}
