import type { Pool } from 'pg';
import { customerStreamName, dataSubjectOf, PERSONAL_FIELDS } from '@klantcentraal/domain';
import type { EventStore } from '@klantcentraal/event-store';

export type PersonalDataItem = Readonly<{ streamRevision: number; type: string; occurredAt: string; field: string; value: string | null }>;
export type SubjectAccessExport = Readonly<{
  customerId: string;
  contactId: string | null;
  generatedAt: string;
  /** The subject (or its whole customer) was erased: values erased then read null. */
  erased: boolean;
  personalData: PersonalDataItem[];
}>;

/**
 * Subject access (GDPR art. 15/20): every personal value the store holds about a contact (`contactId`) or, without
 * it, about the customer (every personal field of its stream), read through the privacy layer — so erased values
 * are null. Null when the customer (or the contact) does not exist.
 */
export async function exportPersonalData(
  store: EventStore,
  pool: Pool,
  customerId: string,
  contactId: string | null,
  now: Date = new Date(),
): Promise<SubjectAccessExport | null> {
  const stream = customerStreamName(customerId);
  if ((await store.streamRevision(stream)) === null) return null;
  const personalData: PersonalDataItem[] = [];
  let contactSeen = contactId === null;
  for await (const event of store.readStream(stream, { types: Object.keys(PERSONAL_FIELDS) })) {
    const subject = dataSubjectOf(event.type, event.data);
    if (contactId !== null && event.type === 'ContactAdded' && event.data['contactId'] === contactId) contactSeen = true;
    if (contactId !== null && !(subject.kind === 'contact' && subject.contactId === contactId)) continue;
    const occurredAt = typeof event.metadata['occurredAt'] === 'string' ? event.metadata['occurredAt'] : event.recordedAt;
    for (const field of PERSONAL_FIELDS[event.type]) {
      const path = `data.${field}`;
      const value = event.data[field];
      if (value === undefined || (value === null && !event.erased?.includes(path))) continue;
      personalData.push({ streamRevision: event.streamRevision, type: event.type, occurredAt, field, value: typeof value === 'string' ? value : null });
    }
  }
  if (!contactSeen) return null;
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM privacy.erasures WHERE customer_id = $1 AND (contact_id IS NULL OR contact_id = $2)`,
    [customerId, contactId],
  );
  return { customerId, contactId, generatedAt: now.toISOString(), erased: rows[0].n > 0, personalData };
}
