import {
  DEFAULT_CUSTOMER_DEFINITION,
  deriveInsights,
  dueInsights,
  evolveCustomerProfile,
  insightEvaluationInstant,
  nextDueAt,
  type CustomerProfileState,
} from '@klantcentraal/domain';
import { generateDemoData } from '@klantcentraal/demo-data';
import { EventLog, storedEvents } from '../testing/read-model-fixtures';
import { withoutPersonalData } from './insight-watch.store';

describe('the insight watch state without personal data', () => {
  const set = generateDemoData({ seed: 11, customers: 60 });
  const events = storedEvents(EventLog.fromDemoData(set).events);
  const definition = DEFAULT_CUSTOMER_DEFINITION;

  it('holds no names, e-mail addresses or improvement texts', () => {
    let state: CustomerProfileState | null = null;
    for (const event of events.filter((e) => e.customerId === set.customers[0].customerId)) state = evolveCustomerProfile(state, event, definition);
    const stored = JSON.stringify(withoutPersonalData(state!));
    for (const contact of state!.contacts) {
      expect(stored).not.toContain(contact.name);
      if (contact.email) expect(stored).not.toContain(contact.email);
    }
    expect(stored).not.toContain(state!.registrations[0].name);
    expect(state!.contacts.length).toBeGreaterThan(0);
  });

  it('gives the insight rules exactly what the full state gives them: same insights, same due times', () => {
    let compared = 0;
    for (const customer of set.customers) {
      let full: CustomerProfileState | null = null;
      let redacted: CustomerProfileState | null = null;
      let checkedUntil: string | null = null;
      for (const event of events.filter((e) => e.customerId === customer.customerId)) {
        const fullAfter = evolveCustomerProfile(full, event, definition);
        const redactedAfter = evolveCustomerProfile(redacted, event, definition);
        expect(deriveInsights(redacted, redactedAfter, event, definition, { checkedUntil })).toEqual(
          deriveInsights(full, fullAfter, event, definition, { checkedUntil }),
        );
        checkedUntil = insightEvaluationInstant(full, event, { checkedUntil });
        full = fullAfter;
        redacted = withoutPersonalData(redactedAfter);
        compared++;
      }
      expect(nextDueAt(redacted!, checkedUntil!, definition)).toEqual(nextDueAt(full!, checkedUntil!, definition));
      expect(dueInsights(redacted!, checkedUntil!, '2030-01-01T00:00:00Z', definition)).toEqual(
        dueInsights(full!, checkedUntil!, '2030-01-01T00:00:00Z', definition),
      );
    }
    expect(compared).toBe(events.length);
  });
});
