import type { QueryResult, QueryResultRow } from 'pg';

/** The schema the read models live in. A rebuild writes into a scratch schema; queries always read this one. */
export const READ_MODEL_SCHEMA = 'read_models';

/** What the writers and queries need of a pg `Pool` or `PoolClient`. */
export type Queryable = {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
};

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** `"schema".table`; the schema comes from the runner, so it is checked rather than trusted. */
export function qualified(schema: string, table: string): string {
  if (!IDENTIFIER.test(schema)) throw new Error(`not a plain schema name: ${JSON.stringify(schema)}`);
  return `"${schema}".${table}`;
}

/**
 * Far enough in the future that every fact is "by then": writers derive rows as of this moment and queries filter
 * them by the moment asked for (`at <= asOf`), so future-dated facts are stored and count once their time comes.
 */
export const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/** ISO text of a timestamptz column value (pg returns Date), or null. */
export const isoOrNull = (value: Date | string | null): string | null =>
  value === null ? null : (value instanceof Date ? value : new Date(value)).toISOString();

/** Deletes every row of the given customers from per-customer tables (a projection's `resetStreams`). */
export async function deleteCustomers(
  db: Queryable,
  schema: string,
  tables: readonly string[],
  customerIds: readonly string[],
): Promise<void> {
  if (customerIds.length === 0) return;
  for (const table of tables) {
    await db.query(`DELETE FROM ${qualified(schema, table)} WHERE customer_id = ANY($1::text[])`, [customerIds]);
  }
}
