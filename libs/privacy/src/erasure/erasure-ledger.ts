import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '@klantcentraal/postgres';
import { customerStreamName, ERASURE_BASES, type ErasureBasis } from '@klantcentraal/domain';

/**
 * The erasure ledger: what was erased, when and why — subject ids, basis and times only, never personal data, so it
 * may be kept forever. File format (docs/privacy.md): JSON Lines, one completed erasure per line, oldest first:
 *
 *   {"erasureId":"…uuid","customerId":"acme-42","contactId":null,"basis":"data-subject-request",
 *    "erasedAt":"2026-12-07T20:00:00.000Z","globalPosition":1234}
 */
export type LedgerEntry = Readonly<{
  erasureId: string;
  customerId: string;
  contactId: string | null;
  basis: ErasureBasis;
  erasedAt: string;
  globalPosition: number | null;
}>;

type Queryable = Pool | PoolClient;

/** The ledger, oldest first (erasures still in flight included: they are erasures all the same). */
export async function readLedger(db: Queryable): Promise<LedgerEntry[]> {
  const { rows } = await db.query<{ erasure_id: string; customer_id: string; contact_id: string | null; basis: ErasureBasis; erased_at: Date; global_position: string | null }>(
    `SELECT erasure_id, customer_id, contact_id, basis, erased_at, global_position FROM privacy.erasures ORDER BY erased_at, erasure_id`,
  );
  return rows.map((r) => ({
    erasureId: r.erasure_id,
    customerId: r.customer_id,
    contactId: r.contact_id,
    basis: r.basis,
    erasedAt: r.erased_at.toISOString(),
    globalPosition: r.global_position === null ? null : Number(r.global_position),
  }));
}

export const formatLedger = (entries: readonly LedgerEntry[]): string => entries.map((e) => `${JSON.stringify(e)}\n`).join('');

/** Parses a ledger file; errors name the line and the field, never echo the content. */
export function parseLedger(text: string): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `ledger line ${index + 1}`;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${where}: not JSON`);
    }
    const text = (field: string, optional = false): string | null => {
      const v = value[field];
      if ((v === null || v === undefined) && optional) return null;
      if (typeof v !== 'string' || v === '') throw new Error(`${where}: ${field} must be a non-empty string`);
      return v;
    };
    const basis = text('basis') as ErasureBasis;
    if (!ERASURE_BASES.includes(basis)) throw new Error(`${where}: basis must be one of ${ERASURE_BASES.join(', ')}`);
    const erasedAt = text('erasedAt')!;
    if (Number.isNaN(Date.parse(erasedAt))) throw new Error(`${where}: erasedAt must be an ISO-8601 time`);
    const position = value['globalPosition'];
    if (position !== null && position !== undefined && !Number.isInteger(position)) throw new Error(`${where}: globalPosition must be an integer or null`);
    entries.push({
      erasureId: text('erasureId')!,
      customerId: text('customerId')!,
      contactId: text('contactId', true),
      basis,
      erasedAt: new Date(erasedAt).toISOString(),
      globalPosition: (position as number | null | undefined) ?? null,
    });
  });
  return entries;
}

/**
 * Applies a ledger to a database (a restore from a backup older than some erasures): destroys every data key an
 * entry covers that was created before the erasure (a contact's keys, or every key of the customer's stream) and
 * records the entries missing from `privacy.erasures`. Keys created after an erasure hold later data and stay.
 * Idempotent; one transaction. Returns how many keys it destroyed.
 */
export async function applyLedger(pool: Pool, entries: readonly LedgerEntry[]): Promise<{ keysDestroyed: number; entriesAdded: number }> {
  return withTransaction(pool, async (client) => {
    let keysDestroyed = 0;
    let entriesAdded = 0;
    for (const entry of entries) {
      const destroyed = await client.query(
        `UPDATE privacy.data_keys SET wrapped = NULL, destroyed_at = now(), erasure_id = COALESCE(erasure_id, $4::uuid)
         WHERE stream = $1 AND created_at <= $3 AND destroyed_at IS NULL AND ($2::text IS NULL OR subject = 'contact:' || $2)`,
        [customerStreamName(entry.customerId), entry.contactId, entry.erasedAt, entry.erasureId],
      );
      keysDestroyed += destroyed.rowCount ?? 0;
      const added = await client.query(
        `INSERT INTO privacy.erasures (erasure_id, customer_id, contact_id, basis, erased_at, global_position, completed_at)
         VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT (erasure_id) DO NOTHING`,
        [entry.erasureId, entry.customerId, entry.contactId, entry.basis, entry.erasedAt, entry.globalPosition],
      );
      entriesAdded += added.rowCount ?? 0;
    }
    if (keysDestroyed > 0) await client.query('UPDATE privacy.key_generation SET value = value + 1');
    return { keysDestroyed, entriesAdded };
  });
}
