import { DEFAULT_CUSTOMER_DEFINITION as definition, type CustomerDefinition } from './customer-definition';
import { foldCustomerProfile, viewCustomerProfile } from './customer-profile.read-model';
import { readyCustomerProfile, viewReadyCustomerProfile } from './customer-profile.ready';
import { longStream } from './testing/long-stream.fixture';
import { DAY, HOUR, plus, storedEvents } from './testing/stored-event.fixture';

/** Moments from the last event on, where the rules of time change the answer (and just around them). */
const laterMoments = (from: string): string[] =>
  [0, 1, HOUR, 24 * HOUR, 24 * HOUR + 1, 40 * DAY, 90 * DAY, 180 * DAY, 180 * DAY + 1, 181 * DAY, 365 * DAY, 2000 * DAY].map((ms) => plus(from, ms));

describe('the ready-to-serve profile', () => {
  it('answers every moment from the last event on exactly as the fold state does, for every prefix of a long stream', () => {
    const events = longStream(3_000);
    let state = null;
    for (let from = 0; from < events.length; from += 97) {
      state = foldCustomerProfile(state, events.slice(from, from + 97), definition)!;
      const ready = JSON.parse(JSON.stringify(readyCustomerProfile(state, definition)));
      for (const asOf of laterMoments(state.lastTouchpointAt!)) {
        const served = viewReadyCustomerProfile(ready, asOf, definition);
        expect(served).toEqual(viewCustomerProfile(state, asOf, definition));
        // Also field order, which JSON clients see: the same document, byte for byte.
        expect(JSON.stringify(served)).toBe(JSON.stringify(viewCustomerProfile(state, asOf, definition)));
      }
    }
  });

  it('follows time: a customer departs by inactivity, after being at risk for the purchase gap and an overdue complaint', () => {
    const stream = storedEvents('C-9');
    const state = foldCustomerProfile(
      null,
      [
        stream.event('ProspectRegistered', { name: 'Beta', size: 'small' }, '2026-01-01T09:00:00Z'),
        stream.event('PurchaseMade', { orderId: 'O-1', lines: [{ sku: 'A', quantity: 1, unitPrice: 5 }], total: 5, currency: 'EUR' }, '2026-01-02T09:00:00Z'),
        stream.event('ComplaintFiled', { complaintId: 'K-1', category: 'delivery' }, '2026-01-03T09:00:00Z'),
      ],
      definition,
    )!;
    const ready = readyCustomerProfile(state, definition)!;
    const at = (asOf: string) => viewReadyCustomerProfile(ready, asOf, definition);
    expect(at('2026-01-03T09:00:00Z')?.loyalty).toMatchObject({ status: 'new', reasons: [] });
    expect(at('2026-01-05T09:00:00Z')?.loyalty).toMatchObject({ status: 'at-risk', reasons: ['complaint-overdue'] });
    expect(at('2027-06-01T00:00:00Z')).toMatchObject({ lifecyclePhase: 'departed', loyalty: { status: 'lapsed', reasons: [] } });
  });

  it('cannot tell a moment before the last event, or under another definition: the fold state answers those', () => {
    const stream = storedEvents('C-8');
    const state = foldCustomerProfile(null, [stream.event('ProspectRegistered', { name: 'Gamma', size: 'large' }, '2026-02-01T09:00:00Z')], definition)!;
    const ready = readyCustomerProfile(state, definition)!;
    const strict: CustomerDefinition = { ...definition, version: definition.version + 1 };
    expect(viewReadyCustomerProfile(ready, '2026-01-31T09:00:00Z', definition)).toBeUndefined();
    expect(viewReadyCustomerProfile(ready, '2026-03-01T09:00:00Z', strict)).toBeUndefined();
    expect(viewReadyCustomerProfile(ready, '2026-03-01T09:00:00Z', definition)).toEqual(viewCustomerProfile(state, '2026-03-01T09:00:00Z', definition));
  });
});
