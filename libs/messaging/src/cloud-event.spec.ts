import { CLOUD_EVENTS_CONTENT_TYPE, toCloudEvent } from './cloud-event';
import { insightMessage } from './insight-publisher';
import type { OutboxRow } from './outbox';

const row: OutboxRow = {
  seq: 42,
  id: 'ins-7f3a',
  type: 'customer-at-risk',
  customerId: 'cust-001',
  time: '2026-03-01T09:30:00.000Z',
  globalPosition: 1234,
  accountManager: 'am-7',
  data: { riskScore: 0.82, reasonCodes: ['no-purchase-90d'] },
};

describe('insight as a CloudEvent 1.0 (structured JSON)', () => {
  it('maps a stored insight onto the required attributes, `insight.<name>` as type and the customer as subject', () => {
    expect(toCloudEvent(row)).toEqual({
      specversion: '1.0',
      id: 'ins-7f3a',
      source: '/klantcentraal/projector',
      type: 'insight.customer-at-risk',
      subject: 'cust-001',
      time: '2026-03-01T09:30:00.000Z',
      datacontenttype: 'application/json',
      data: {
        riskScore: 0.82,
        reasonCodes: ['no-purchase-90d'],
        customerId: 'cust-001',
        accountManager: 'am-7',
        globalPosition: 1234,
      },
    });
  });

  it('keeps the envelope fields authoritative over same-named data fields', () => {
    const event = toCloudEvent({ ...row, data: { customerId: 'someone-else', globalPosition: 1 } });
    expect(event.data).toMatchObject({ customerId: 'cust-001', globalPosition: 1234 });
  });

  it('becomes a message keyed by customer, byte-identical every time it is built (redelivery)', () => {
    const message = insightMessage(row);
    expect(message.key).toBe('cust-001');
    expect(message.headers).toEqual({ 'content-type': CLOUD_EVENTS_CONTENT_TYPE });
    expect(JSON.parse(message.value)).toEqual(toCloudEvent(row));
    expect(insightMessage({ ...row }).value).toBe(message.value);
  });
});
