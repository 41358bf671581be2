import type { Pool, PoolClient } from 'pg';

/** A pool or a checked-out client: what the bookkeeping queries need. */
export type Queryable = Pool | PoolClient;

const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names come from configuration and are spliced into SQL: only plain lower-case identifiers are accepted. */
export function assertSchemaName(schema: string): string {
  if (!PLAIN_IDENTIFIER.test(schema)) throw new Error(`not a plain schema name: ${JSON.stringify(schema)}`);
  return schema;
}

/** `"name"`, doubling embedded quotes. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"`. */
export function qualifiedTable(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/**
 * Serialises everything that writes a read-model schema: the runner's batches, `retryParked` and a rebuild's swap
 * (which may rename the schema under a batch). Transaction-scoped, so a crashed writer can never leave it held.
 */
export async function lockSchemaForWrite(client: PoolClient, schema: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`klantcentraal:projections:${schema}`]);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A pool client that survives losing its connection while checked out: pg emits 'error' on such a client, and with
 * no listener (the pool listens only while it is idle) that would crash the process. The next query fails instead,
 * and `release` destroys the client rather than returning it to the pool.
 */
export async function checkout(pool: Pool): Promise<{ client: PoolClient; release(broken?: Error): void }> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (err: Error) => {
    lost = err;
  };
  client.on('error', onError);
  return {
    client,
    release(broken?: Error) {
      client.off('error', onError);
      client.release(broken ?? lost);
    },
  };
}

/** ROLLBACK after a failure; returns the error to destroy the client with when even that fails. */
export async function rollback(client: PoolClient, cause: unknown): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch {
    return cause instanceof Error ? cause : new Error(String(cause));
  }
}
