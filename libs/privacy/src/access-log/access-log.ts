import type { Pool } from 'pg';

/** One response that carried personal data: who read it, how, and whose data it was (ids only). */
export type AccessLogEntry = Readonly<{ at: string; keyName: string; roles: readonly string[]; method: string; path: string; customerId: string | null }>;
export type AccessRecord = Omit<AccessLogEntry, 'at'>;

export type AccessLogQuery = Readonly<{ customerId?: string; from?: string; to?: string; limit: number; cursor?: string }>;

/** Records the accesses of one response (one row per customer it carried). */
export async function recordAccess(pool: Pool, records: readonly AccessRecord[]): Promise<void> {
  if (records.length === 0) return;
  await pool.query(
    `INSERT INTO privacy.access_log (key_name, roles, method, path, customer_id)
     SELECT r.key_name, ARRAY(SELECT jsonb_array_elements_text(r.roles)), r.method, r.path, r.customer_id
     FROM jsonb_to_recordset($1::jsonb) AS r(key_name text, roles jsonb, method text, path text, customer_id text)`,
    [JSON.stringify(records.map((r) => ({ key_name: r.keyName, roles: r.roles, method: r.method, path: r.path, customer_id: r.customerId })))],
  );
}

/** Oldest first; `cursor` is the opaque `nextCursor` of the previous page (null on the last page). */
export async function queryAccessLog(pool: Pool, query: AccessLogQuery): Promise<{ items: AccessLogEntry[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? 0 : Number(Buffer.from(query.cursor, 'base64url').toString('utf8'));
  const { rows } = await pool.query<{ id: string; at: Date; key_name: string; roles: string[]; method: string; path: string; customer_id: string | null }>(
    `SELECT id, at, key_name, roles, method, path, customer_id FROM privacy.access_log
     WHERE id > $1 AND ($2::text IS NULL OR customer_id = $2) AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
     ORDER BY id LIMIT $5`,
    [Number.isSafeInteger(after) ? after : 0, query.customerId ?? null, query.from ?? null, query.to ?? null, query.limit + 1],
  );
  const page = rows.slice(0, query.limit);
  const more = rows.length > query.limit;
  return {
    items: page.map((r) => ({ at: r.at.toISOString(), keyName: r.key_name, roles: r.roles, method: r.method, path: r.path, customerId: r.customer_id })),
    nextCursor: more ? Buffer.from(String(page[page.length - 1].id), 'utf8').toString('base64url') : null,
  };
}
