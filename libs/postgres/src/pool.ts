import { Pool, PoolClient, PoolConfig, types } from 'pg';
import { CONNECT_TIMEOUT_MS } from './database-unavailable';

// BIGINT (int8) columns hold global positions and counts that stay far below 2^53: parse them as numbers.
types.setTypeParser(types.builtins.INT8, (value: string) => Number(value));
// NUMERIC holds money and shares; JSON numbers in responses, never strings (contract).
types.setTypeParser(types.builtins.NUMERIC, (value: string) => Number(value));

export type PoolOptions = Omit<PoolConfig, 'connectionString'> & {
  /** Cancels any statement running longer (PostgreSQL `statement_timeout`); default none. */
  statementTimeoutMs?: number;
};

export function createPool(connectionString: string, { statementTimeoutMs, ...config }: PoolOptions = {}): Pool {
  const pool = new Pool({
    connectionString,
    max: 20,
    // A bounded connect wait: while the server is down, queries fail fast (503) rather than hang.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(statementTimeoutMs !== undefined && { statement_timeout: statementTimeoutMs }),
    ...config,
  });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', (err) => console.error(`[postgres] idle client error: ${err.message}`));
  return pool;
}

/** Same server, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Create a database if it does not exist (CREATE DATABASE cannot run in a transaction or take IF NOT EXISTS). */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const pool = createPool(adminUrl, { max: 1 });
  try {
    const { rowCount } = await pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await pool.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently
      });
    }
  } finally {
    await pool.end();
  }
}

/**
 * Runs `work` in one transaction on one pooled connection: COMMIT when it resolves, ROLLBACK (and rethrow) when it
 * throws. `begin` may set the isolation level, e.g. `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`.
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
