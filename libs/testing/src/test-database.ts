import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { createPool, ensureDatabase, withDatabase } from '@klantcentraal/postgres';

export type TestDatabase = { url: string; name: string; pool: Pool; drop(): Promise<void> };

export function testAdminUrl(): string {
  const url = process.env.KC_TEST_ADMIN_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('no test PostgreSQL: run through jest (its global setup starts one) or set TEST_DATABASE_URL');
  return url;
}

/** A fresh, empty database on the test server, for one test file. */
export async function createTestDatabase(prefix = 'kc_test'): Promise<TestDatabase> {
  const admin = testAdminUrl();
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await ensureDatabase(admin, name);
  const url = withDatabase(admin, name);
  const pool = createPool(url);
  return {
    url,
    name,
    pool,
    async drop() {
      await pool.end();
      const adminPool = createPool(admin, { max: 1 });
      try {
        // pool.end() resolves before the server has closed the backends; wait briefly so FORCE has nobody to
        // terminate (terminated clients log noisy "idle client error" lines).
        for (let i = 0; i < 50; i++) {
          const { rows } = await adminPool.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (rows[0].n === 0) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await adminPool.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await adminPool.end();
      }
    },
  };
}
