import { DEFAULT_CUSTOMER_DEFINITION as definition } from './customer-definition';
import {
  evolveCustomerProfile,
  foldCustomerProfile,
  replayCustomerProfile,
  viewCustomerProfile,
  type CustomerProfileState,
} from './customer-profile.read-model';
import { longStream } from './testing/long-stream.fixture';
import { deepFreeze, storedEvents } from './testing/stored-event.fixture';

/** Through JSON, as the projector stores and loads states (JSONB). */
const roundTrip = (state: CustomerProfileState | null): CustomerProfileState | null => (state === null ? null : JSON.parse(JSON.stringify(state)));

describe('folding a long stream', () => {
  const events = longStream(20_000);
  const whole = replayCustomerProfile(events, definition)!;

  it('gives the same state in one go as in batches stored in between, and as one event at a time', () => {
    let batched: CustomerProfileState | null = null;
    let seed = 7;
    for (let from = 0; from < events.length; ) {
      seed = (seed * 48_271) % 2_147_483_647;
      const to = Math.min(events.length, from + 1 + (seed % 700));
      batched = roundTrip(foldCustomerProfile(deepFreeze(batched), events.slice(from, to), definition));
      from = to;
    }
    expect(batched).toEqual(whole);

    let oneByOne: CustomerProfileState | null = null;
    for (const event of events) oneByOne = evolveCustomerProfile(oneByOne, event, definition);
    expect(oneByOne).toEqual(whole);
    expect(whole.touchpointTotal).toBe(20_000);
    expect(whole.lastStreamRevision).toBe(19_999);
  });

  it('views the same profile at every moment whichever way it was folded', () => {
    const halves = foldCustomerProfile(foldCustomerProfile(null, events.slice(0, 9_999), definition), events.slice(9_999), definition)!;
    for (const asOf of ['2020-03-01T00:00:00.000Z', '2021-06-15T12:00:00.000Z', '2022-04-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z']) {
      expect(viewCustomerProfile(halves, asOf, definition)).toEqual(viewCustomerProfile(whole, asOf, definition));
    }
    expect(viewCustomerProfile(whole, '2030-01-01T00:00:00.000Z', definition)?.touchpoints.total).toBe(20_000);
  });

  it('leaves its input untouched, keeps untouched lists by reference and returns the input for redeliveries only', () => {
    const before = deepFreeze(foldCustomerProfile(null, events.slice(0, 1_000), definition)!);
    const visit = storedEvents('C-long').event('WebsiteVisited', { url: 'https://example.com' }, '2025-01-01T00:00:00Z', {
      streamRevision: 1_000,
      globalPosition: 5_000,
    });
    const after = foldCustomerProfile(before, [visit], definition)!;
    expect(after).not.toBe(before);
    expect(after.purchases).toBe(before.purchases);
    expect(after.complaints).toBe(before.complaints);
    expect(after.touchpoints.WebsiteVisited).toHaveLength((before.touchpoints.WebsiteVisited?.length ?? 0) + 1);
    expect(foldCustomerProfile(before, events.slice(500, 1_000), definition)).toBe(before);
  });
});
