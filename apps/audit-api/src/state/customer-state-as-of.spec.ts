import { DEFAULT_CUSTOMER_DEFINITION, type CustomerEvent, type StoredCustomerEvent } from '@klantcentraal/domain';
import { customerStateAsOf } from './customer-state-as-of';

let revision = 0;
/** An event of customer acme-42 that occurred at `occurredAt` and was recorded at `recordedAt`, in stream order. */
const stored = (event: CustomerEvent, occurredAt: string, recordedAt: string): StoredCustomerEvent =>
  ({
    ...event,
    eventId: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
    customerId: 'acme-42',
    occurredAt,
    recordedAt,
    recordedBy: { userId: 'u-1' },
    streamRevision: revision,
    globalPosition: 100 + revision++,
    schemaVersion: 1,
  }) as StoredCustomerEvent;

const history = () => {
  revision = 0;
  return [
    stored({ type: 'ProspectRegistered', data: { name: 'Acme BV', size: 'large' } }, '2026-01-01T09:00:00.000Z', '2026-01-01T09:00:05.000Z'),
    stored({ type: 'PurchaseMade', data: { orderId: 'O-1', lines: [{ sku: 'S', quantity: 1, unitPrice: 1 }], total: 1, currency: 'EUR' } }, '2026-02-01T09:00:00.000Z', '2026-02-01T09:00:05.000Z'),
    // Recorded late: it happened in January, it was entered in March.
    stored({ type: 'NpsResponded', data: { surveyId: 'S-1', score: 2 } }, '2026-01-15T09:00:00.000Z', '2026-03-01T09:00:00.000Z'),
  ];
};

describe('customerStateAsOf', () => {
  const asOf = '2026-02-15T00:00:00+01:00';

  it('recorded: only what was recorded by asOf — the late answer was not known yet', () => {
    const result = customerStateAsOf(history(), asOf, 'recorded', DEFAULT_CUSTOMER_DEFINITION);
    expect(result).toMatchObject({ basis: 'recorded', asOf: '2026-02-14T23:00:00.000Z', eventsConsidered: 2, lastPosition: 101 });
    expect(result.profile).toMatchObject({ lifecyclePhase: 'new-customer', nps: { lastScore: null }, touchpoints: { total: 2 } });
  });

  it('occurred: what was true at asOf, the late-recorded answer included', () => {
    const result = customerStateAsOf(history(), asOf, 'occurred', DEFAULT_CUSTOMER_DEFINITION);
    expect(result).toMatchObject({ basis: 'occurred', eventsConsidered: 3, lastPosition: 102 });
    expect(result.profile).toMatchObject({ nps: { lastScore: 2, category: 'detractor' }, loyalty: { status: 'at-risk', reasons: ['detractor'] } });
  });

  it('occurred ignores what happened after asOf; both bases know nobody before the registration', () => {
    const january = customerStateAsOf(history(), '2026-01-20T00:00:00Z', 'occurred', DEFAULT_CUSTOMER_DEFINITION);
    expect(january).toMatchObject({ eventsConsidered: 2, lastPosition: 102 });
    expect(january.profile).toMatchObject({ lifecyclePhase: 'prospect', nps: { lastScore: 2 }, touchpoints: { total: 2 } });
    for (const basis of ['recorded', 'occurred'] as const) {
      expect(customerStateAsOf(history(), '2026-01-01T08:59:59.999Z', basis, DEFAULT_CUSTOMER_DEFINITION)).toMatchObject({
        profile: null,
        eventsConsidered: 0,
        lastPosition: null,
      });
    }
  });

  it('recorded, once everything is recorded, equals occurred at the same moment', () => {
    const at = '2026-03-02T00:00:00.000Z';
    expect(customerStateAsOf(history(), at, 'recorded', DEFAULT_CUSTOMER_DEFINITION).profile).toEqual(
      customerStateAsOf(history(), at, 'occurred', DEFAULT_CUSTOMER_DEFINITION).profile,
    );
  });

  it('rejects an asOf that is not a timestamp', () => {
    expect(() => customerStateAsOf([], 'yesterday', 'recorded', DEFAULT_CUSTOMER_DEFINITION)).toThrow(RangeError);
  });
});
