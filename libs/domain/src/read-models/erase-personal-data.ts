import type { StoredEnvelope } from '../events';
import type { PersonalDataErased } from '../privacy/personal-data';
import { emptyCustomerProfileState, type CustomerProfileState } from './customer-profile.state';

/**
 * The profile fold's answer to `PersonalDataErased`: every personal value of the erased subject held in the state
 * becomes null (a customer erasure: the company name, every contact, every NPS improvement text; a contact erasure:
 * that contact and the improvement texts it gave). Lists without a change keep their identity, so writers that
 * compare lists by reference rewrite only what changed. Not a touchpoint: counts and moments stay.
 */
export function erasePersonalData(
  state: CustomerProfileState | null,
  event: PersonalDataErased & StoredEnvelope,
): CustomerProfileState {
  const current = state ?? emptyCustomerProfileState(event.customerId);
  const contactId = event.data.contactId ?? null;
  const covers = (id: string | null | undefined) => contactId === null || id === contactId;
  const registrations =
    contactId === null && current.registrations.some((r) => r.name !== null)
      ? current.registrations.map((r) => ({ ...r, name: null }))
      : current.registrations;
  const contacts = current.contacts.some((c) => covers(c.contactId) && (c.name !== null || c.email !== null))
    ? current.contacts.map((c) => (covers(c.contactId) ? { ...c, name: null, email: null } : c))
    : current.contacts;
  const npsResponses = current.npsResponses.some((r) => r.improvement !== null && covers(r.contactId))
    ? current.npsResponses.map((r) => (r.improvement !== null && covers(r.contactId) ? { ...r, improvement: null } : r))
    : current.npsResponses;
  return {
    ...current,
    registrations,
    contacts,
    npsResponses,
    lastStreamRevision: event.streamRevision,
    lastPosition: Math.max(current.lastPosition, event.globalPosition),
  };
}
