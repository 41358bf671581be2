import {
  DEFAULT_CUSTOMER_DEFINITION,
  replayCustomerProfile,
  SCHEMA_VERSION,
  type CustomerEvent,
  type StoredCustomerEvent,
} from '@klantcentraal/domain';
import { customerVersions, versionAt } from './customer-versions';

type Spec = CustomerEvent & { occurredAt: string };

/** Stored events in the given (recording) order: revisions and positions follow that order. */
function recorded(events: readonly Spec[]): StoredCustomerEvent[] {
  return events.map(
    (event, index) =>
      ({
        ...event,
        eventId: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
        customerId: 'C-1',
        recordedAt: '2030-01-01T00:00:00.000Z',
        recordedBy: { userId: 'u-1', department: 'marketing-sales' },
        streamRevision: index,
        globalPosition: index + 1,
        schemaVersion: SCHEMA_VERSION,
      }) as StoredCustomerEvent,
  );
}

const registered: Spec = { type: 'ProspectRegistered', data: { name: 'Acme', size: 'small' }, occurredAt: '2025-01-01T00:00:00Z' };
const manager: Spec = { type: 'AccountManagerAssigned', data: { employeeId: 'am-1', salesRole: 'account-manager' }, occurredAt: '2025-01-10T00:00:00Z' };
const purchase = (orderId: string, occurredAt: string): Spec => ({
  type: 'PurchaseMade',
  data: { orderId, lines: [{ sku: 'X', quantity: 1, unitPrice: 10 }], total: 10, currency: 'EUR' },
  occurredAt,
});
const resized: Spec = { type: 'ProspectRegistered', data: { name: 'Acme Group', size: 'large' }, occurredAt: '2025-03-01T00:00:00Z' };

const versionsOf = (events: readonly Spec[]) =>
  customerVersions(replayCustomerProfile(recorded(events), DEFAULT_CUSTOMER_DEFINITION)!, DEFAULT_CUSTOMER_DEFINITION).map((v) => ({
    from: v.validFromMs === -Infinity ? '-infinity' : new Date(v.validFromMs).toISOString(),
    to: v.validToMs === Infinity ? 'infinity' : new Date(v.validToMs).toISOString(),
    no: v.versionNo,
    name: v.name,
    size: v.size,
    phase: v.lifecyclePhase,
    cycle: v.cycle,
    loyalty: v.loyaltyStatus,
    manager: v.accountManager,
  }));

describe('customerVersions (type-2 customer dimension)', () => {
  const story = [registered, manager, purchase('O-1', '2025-02-01T00:00:00Z'), resized, purchase('O-2', '2025-04-01T00:00:00Z')];

  it('gives one version per stretch of time the customer stayed the same, including changes by time alone', () => {
    expect(versionsOf(story)).toEqual([
      { from: '-infinity', to: '2025-01-10T00:00:00.000Z', no: 1, name: 'Acme', size: 'small', phase: 'prospect', cycle: 1, loyalty: 'none', manager: null },
      { from: '2025-01-10T00:00:00.000Z', to: '2025-02-01T00:00:00.000Z', no: 2, name: 'Acme', size: 'small', phase: 'prospect', cycle: 1, loyalty: 'none', manager: 'am-1' },
      { from: '2025-02-01T00:00:00.000Z', to: '2025-03-01T00:00:00.000Z', no: 3, name: 'Acme', size: 'small', phase: 'new-customer', cycle: 1, loyalty: 'new', manager: 'am-1' },
      { from: '2025-03-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z', no: 4, name: 'Acme Group', size: 'large', phase: 'new-customer', cycle: 1, loyalty: 'new', manager: 'am-1' },
      // 04-01 is 59 days after 02-01: loyal. Purchase gap: at risk 182.5 days later; departed 365 days later (+1 ms each).
      { from: '2025-04-01T00:00:00.000Z', to: '2025-09-30T12:00:00.001Z', no: 5, name: 'Acme Group', size: 'large', phase: 'loyal-customer', cycle: 1, loyalty: 'loyal', manager: 'am-1' },
      { from: '2025-09-30T12:00:00.001Z', to: '2026-04-01T00:00:00.001Z', no: 6, name: 'Acme Group', size: 'large', phase: 'loyal-customer', cycle: 1, loyalty: 'at-risk', manager: 'am-1' },
      { from: '2026-04-01T00:00:00.001Z', to: 'infinity', no: 7, name: 'Acme Group', size: 'large', phase: 'departed', cycle: 1, loyalty: 'lapsed', manager: 'am-1' },
    ]);
  });

  it('does not depend on the order the events were recorded in', () => {
    const lateRecorded = [registered, purchase('O-2', '2025-04-01T00:00:00Z'), resized, manager, purchase('O-1', '2025-02-01T00:00:00Z')];
    expect(versionsOf(lateRecorded)).toEqual(versionsOf(story));
  });

  it('starts a new cycle when a departed customer buys again', () => {
    const comeback = [...story, purchase('O-3', '2026-06-01T00:00:00Z')];
    const versions = versionsOf(comeback);
    const departed = versions.findIndex((v) => v.phase === 'departed');
    expect(versions.slice(departed).map((v) => [v.from, v.phase, v.cycle, v.loyalty])).toEqual([
      ['2026-04-01T00:00:00.001Z', 'departed', 1, 'lapsed'],
      ['2026-06-01T00:00:00.000Z', 'new-customer', 2, 'new'],
      ['2026-11-30T12:00:00.001Z', 'new-customer', 2, 'at-risk'], // purchase gap of the new cycle
      ['2027-06-01T00:00:00.001Z', 'departed', 2, 'lapsed'],
    ]);
  });

  it('finds the version valid at an instant (from inclusive, to exclusive)', () => {
    const versions = customerVersions(replayCustomerProfile(recorded(story), DEFAULT_CUSTOMER_DEFINITION)!, DEFAULT_CUSTOMER_DEFINITION);
    expect(versionAt(versions, Date.parse('2024-01-01T00:00:00Z'))?.versionNo).toBe(1); // before the registration: the first
    expect(versionAt(versions, Date.parse('2025-02-01T00:00:00Z'))?.versionNo).toBe(3); // the purchase itself: new customer
    expect(versionAt(versions, Date.parse('2025-02-01T00:00:00Z') - 1)?.versionNo).toBe(2);
    // Exactly 365 days after the last purchase: not departed yet ("more than"); a millisecond later it is.
    expect(versionAt(versions, Date.parse('2026-04-01T00:00:00Z'))?.lifecyclePhase).toBe('loyal-customer');
    expect(versionAt(versions, Date.parse('2026-04-01T00:00:00Z') + 1)?.lifecyclePhase).toBe('departed');
    expect(versionAt(versions, Date.parse('2099-01-01T00:00:00Z'))?.lifecyclePhase).toBe('departed');
    expect(versionAt([], 0)).toBeNull();
  });
});
