import { dataSubjectOf, maskContactData, maskContacts, personalFieldsPresent, subjectName } from '../index';
import { erasePersonalData } from '../read-models/erase-personal-data';
import { DEFAULT_CUSTOMER_DEFINITION, evolveCustomerProfile, viewCustomerProfile, type CustomerProfileState } from '../index';
import type { StoredCustomerStreamEvent } from '../events';

let revision = 0;
const stored = (type: string, data: Record<string, unknown>, occurredAt = '2026-01-01T10:00:00.000Z') =>
  ({ type, data, eventId: `e-${revision}`, customerId: 'acme', occurredAt, recordedAt: occurredAt, recordedBy: { userId: 'u' }, streamRevision: revision, globalPosition: ++revision, schemaVersion: 1 }) as unknown as StoredCustomerStreamEvent;

describe('personal data: fields and subjects', () => {
  it('a contact is the subject of ContactAdded and of an NPS answer naming it; else the customer', () => {
    expect(subjectName(dataSubjectOf('ContactAdded', { contactId: 'c-1', name: 'A' }))).toBe('contact:c-1');
    expect(subjectName(dataSubjectOf('NpsResponded', { contactId: 'c-2', improvement: 'x' }))).toBe('contact:c-2');
    expect(subjectName(dataSubjectOf('NpsResponded', { improvement: 'x' }))).toBe('customer');
    expect(subjectName(dataSubjectOf('ProspectRegistered', { name: 'Acme' }))).toBe('customer');
    expect(personalFieldsPresent('ContactAdded', { contactId: 'c', name: 'A', dmuRole: 'user' })).toEqual(['name']);
    expect(personalFieldsPresent('QuoteSent', { quoteId: 'q' })).toEqual([]);
  });
});

describe('analyst masking', () => {
  it("nulls contacts' name and e-mail and nothing else", () => {
    const profile = { name: 'Acme', contacts: [{ contactId: 'c-1', name: 'Anna', email: 'a@x.nl', dmuRole: 'buyer' }] };
    expect(maskContacts(profile)).toEqual({ name: 'Acme', contacts: [{ contactId: 'c-1', name: null, email: null, dmuRole: 'buyer' }] });
    expect(profile.contacts[0].name).toBe('Anna'); // pure
    expect(maskContactData('ContactAdded', { contactId: 'c-1', name: 'Anna', dmuRole: 'user' })).toEqual({ contactId: 'c-1', name: null, dmuRole: 'user' });
    expect(maskContactData('ProspectRegistered', { name: 'Acme' })).toEqual({ name: 'Acme' });
  });
});

describe('PersonalDataErased in the profile fold', () => {
  const fold = (events: StoredCustomerStreamEvent[]): CustomerProfileState =>
    events.reduce<CustomerProfileState | null>((s, e) => evolveCustomerProfile(s, e, DEFAULT_CUSTOMER_DEFINITION), null)!;
  const history = () => [
    stored('ProspectRegistered', { name: 'Acme', size: 'small' }),
    stored('ContactAdded', { contactId: 'c-1', name: 'Anna', email: 'a@x.nl', dmuRole: 'buyer' }),
    stored('ContactAdded', { contactId: 'c-2', name: 'Piet', dmuRole: 'user' }),
    stored('NpsResponded', { surveyId: 's', contactId: 'c-1', score: 3, improvement: 'Sneller' }),
  ];

  it("given a contact's erasure, then only that contact and its answers' texts are null; no touchpoint is counted", () => {
    const before = fold(history());
    const after = fold([...history(), stored('PersonalDataErased', { contactId: 'c-1', basis: 'data-subject-request' })]);
    const view = viewCustomerProfile(after, '2026-02-01T00:00:00.000Z', DEFAULT_CUSTOMER_DEFINITION)!;
    expect(view.contacts.map((c) => [c.contactId, c.name, c.email])).toEqual([['c-1', null, null], ['c-2', 'Piet', null]]);
    expect(view.nps.lastImprovement).toBeNull();
    expect(view.name).toBe('Acme');
    expect(after.touchpointTotal).toBe(before.touchpointTotal);
    const erased = erasePersonalData(before, stored('PersonalDataErased', { contactId: 'c-1', basis: 'other' }) as never);
    expect(erased.registrations).toBe(before.registrations); // untouched lists keep their identity (writers compare them)
    expect(erased.contacts).not.toBe(before.contacts);
  });

  it("given a customer's erasure, then the name, every contact and every text are null; events after it are kept", () => {
    const after = fold([...history(), stored('PersonalDataErased', { basis: 'retention-expired' }), stored('ContactAdded', { contactId: 'c-3', name: 'Nieuw', dmuRole: 'user' })]);
    const view = viewCustomerProfile(after, '2026-02-01T00:00:00.000Z', DEFAULT_CUSTOMER_DEFINITION)!;
    expect(view.name).toBeNull();
    expect(view.contacts.map((c) => c.name)).toEqual([null, null, 'Nieuw']);
    expect(JSON.stringify(after)).not.toMatch(/Anna|Piet|Sneller|a@x\.nl|"Acme"/);
  });

  it('an erasure with nothing to null leaves the lists as they were', () => {
    const state = fold([stored('ProspectRegistered', { name: 'Acme', size: 'small' })]);
    const next = erasePersonalData(state, stored('PersonalDataErased', { contactId: 'nobody', basis: 'other' }) as never);
    expect(next.contacts).toBe(state.contacts);
    expect(next.registrations).toBe(state.registrations);
  });
});
