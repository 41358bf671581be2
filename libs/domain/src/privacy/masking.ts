/**
 * Role scoping of personal data (contract v1.1): analysts work with aggregates and need no contact details, so
 * whatever they read shows contacts' `name` and `email` as null. Pure: the input is not modified.
 */

type WithContacts = { contacts: readonly { name: string | null; email: string | null }[] };

/** A profile with every contact's name and e-mail nulled. */
export function maskContacts<P extends WithContacts>(profile: P): P {
  return { ...profile, contacts: profile.contacts.map((contact) => ({ ...contact, name: null, email: null })) };
}

/** An event's data as an analyst sees it: a `ContactAdded`'s name and e-mail nulled. */
export function maskContactData(type: string, data: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  if (type !== 'ContactAdded') return data;
  return { ...data, name: null, ...(data['email'] !== undefined ? { email: null } : {}) };
}
