import { createHash } from 'node:crypto';
import type { PoolClient, QueryResult, QueryResultRow } from 'pg';

/** The warehouse's PostgreSQL schema. A rebuild replays into `warehouse_rebuild_<n>` and swaps it in by rename. */
export const WAREHOUSE_SCHEMA = 'warehouse';

/** What the writers and queries need of a pg `Pool` or `PoolClient`. */
export type Queryable = {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
};

/** Work memory for one analysis: its sorts and hash aggregates (tens of thousands of groups) stay off disk. */
export const ANALYSIS_WORK_MEM = '64MB';

/**
 * Runs an analysis query. Given a pool, on a client of its own in a READ ONLY transaction with ANALYSIS_WORK_MEM
 * (SET LOCAL: the pool's other clients keep the server default); given a client, as it is.
 */
export async function analysisQuery<R extends QueryResultRow>(
  db: Queryable & { connect?(): Promise<PoolClient> },
  sql: string,
  values: unknown[],
): Promise<QueryResult<R>> {
  // A pg Pool (it counts idle clients); a Client has connect() too, but is connected already.
  if (typeof db.connect !== 'function' || !('idleCount' in db)) return db.query<R>(sql, values);
  const client = await db.connect();
  let broken: Error | undefined;
  try {
    await client.query(`BEGIN READ ONLY; SET LOCAL work_mem = '${ANALYSIS_WORK_MEM}'`);
    const result = await client.query<R>(sql, values);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}

export const TABLES = {
  customerState: 'customer_state',
  dimCustomer: 'dim_customer',
  dimDate: 'dim_date',
  dimProduct: 'dim_product',
  dimTouchpointType: 'dim_touchpoint_type',
  dimDepartment: 'dim_department',
  factTouchpoint: 'fact_touchpoint',
  factOrderLine: 'fact_order_line',
  factComplaint: 'fact_complaint',
  factNps: 'fact_nps',
  aggTouchpointDay: 'agg_touchpoint_day',
  aggTouchpointMonth: 'agg_touchpoint_month',
  aggBasketItem: 'agg_basket_item',
  aggBasketPair: 'agg_basket_pair',
} as const;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** `"schema".table`; the schema comes from the runner (a scratch schema during a rebuild), so it is checked. */
export function qualified(schema: string, table: string): string {
  if (!IDENTIFIER.test(schema)) throw new Error(`not a plain schema name: ${JSON.stringify(schema)}`);
  return `"${schema}".${table}`;
}

/**
 * A deterministic surrogate key: the first 63 bits of SHA-256 over the parts. The same natural key gives the same
 * surrogate key in every run, so a rebuild by replay reproduces every key (and every fact's foreign key), however the
 * log was cut into batches. Collisions are astronomically unlikely (about n²/2⁶⁴ for n keys) and would be refused by
 * the primary key rather than merge two rows. Returned as decimal text: keys exceed JavaScript's safe integers.
 */
export function surrogateKey(...parts: readonly string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return (digest.readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn).toString();
}

/** `yyyymmdd` of the UTC calendar date of an instant. */
export function dateKeyOf(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}
