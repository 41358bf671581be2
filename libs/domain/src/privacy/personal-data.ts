import type { Event } from '../event';

/**
 * Personal data (contract v1.1 "Personal data"): which fields of which events are personal, and whose they are.
 * The event store keeps these fields only encrypted, one data key per data subject; erasing a subject destroys its
 * key, after which every read shows the fields as null.
 */

/** Personal fields per event type, as paths under `data`. */
export const PERSONAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ProspectRegistered: ['name'],
  ContactAdded: ['name', 'email'],
  NpsResponded: ['improvement'],
  ComplaintResolved: ['resolution'],
  RelationshipEnded: ['reason'],
  PromiseMade: ['subject'],
  MailSent: ['subject'],
};

/** The customer's own key (company data, free text without a contact) vs. one contact's key. */
export type DataSubject = Readonly<{ kind: 'customer' } | { kind: 'contact'; contactId: string }>;

export const CUSTOMER_SUBJECT: DataSubject = { kind: 'customer' };

/** `customer` or `contact:<contactId>`: how a subject is named in the key store and the ledger. */
export const subjectName = (subject: DataSubject): string => (subject.kind === 'customer' ? 'customer' : `contact:${subject.contactId}`);

/** The data subject of an event's personal fields: a contact (`ContactAdded`; `NpsResponded` with `contactId`) or else the customer. */
export function dataSubjectOf(type: string, data: Readonly<Record<string, unknown>>): DataSubject {
  if ((type === 'ContactAdded' || type === 'NpsResponded') && typeof data['contactId'] === 'string' && data['contactId'] !== '') {
    return { kind: 'contact', contactId: data['contactId'] };
  }
  return CUSTOMER_SUBJECT;
}

/** The personal fields of this event that hold a value (absent optional fields have nothing to protect). */
export function personalFieldsPresent(type: string, data: Readonly<Record<string, unknown>>): string[] {
  const fields = PERSONAL_FIELDS[type];
  if (!fields) return [];
  return fields.filter((field) => data[field] !== undefined && data[field] !== null);
}

export const ERASURE_BASES = ['data-subject-request', 'retention-expired', 'other'] as const;
export type ErasureBasis = (typeof ERASURE_BASES)[number];

/**
 * Appended by an erasure (no personal data): a contact's data (`contactId`) or the whole customer's. Not a
 * touchpoint, and never accepted from clients: only the privacy service appends it.
 */
export type PersonalDataErased = Event<'PersonalDataErased', { contactId?: string; basis: ErasureBasis }>;
export const PERSONAL_DATA_ERASED = 'PersonalDataErased';

/** Does an erasure cover data of this subject? A customer erasure covers every subject of the stream. */
export function erasureCovers(erasure: Readonly<{ contactId?: string | null }>, subject: DataSubject): boolean {
  if (!erasure.contactId) return true;
  return subject.kind === 'contact' && subject.contactId === erasure.contactId;
}
