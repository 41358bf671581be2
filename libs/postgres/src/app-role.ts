import * as path from 'node:path';
import { createPool } from './pool';
import { readOrCreateSecret } from './secret-file';

/** The role the platform works as on its embedded cluster: owner of its database, not a superuser. */
export const APP_ROLE = 'klantcentraal_app';
export const APP_ROLE_PASSWORD_FILE = 'postgres-app.password';

export type AppRole = Readonly<{
  /** The database URL as the application role, or null when the database cannot be handed over (see reason). */
  url: string | null;
  reason?: string;
}>;

/**
 * Makes `klantcentraal_app` (LOGIN, no SUPERUSER / CREATEROLE / CREATEDB; password in `<dataDir>/postgres-app.password`,
 * mode 0600) the owner of the platform's database, so migrations, projections and requests run without superuser
 * rights; the superuser stays for what needs it (creating databases and roles). A database that already holds
 * objects of another owner (created before this role existed) is left as it is: handing it over would mean
 * re-owning every object, so the platform keeps its superuser connection there and says so.
 */
export async function ensureAppRole(adminDatabaseUrl: string, dataDir: string): Promise<AppRole> {
  const password = readOrCreateSecret(path.join(dataDir, APP_ROLE_PASSWORD_FILE));
  const database = decodeURIComponent(new URL(adminDatabaseUrl).pathname.slice(1));
  const pool = createPool(adminDatabaseUrl, { max: 1 });
  try {
    const exists = await pool.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
    if (!exists.rowCount) {
      await pool.query(`CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION`).catch((err: { code?: string }) => {
        if (err.code !== '42710') throw err; // created concurrently
      });
    }
    // Parameters cannot be bound in utility statements; format() quotes the literal.
    const { rows } = await pool.query("SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', $1::text, $2::text) AS sql", [APP_ROLE, password]);
    await pool.query(rows[0].sql);

    const foreign = await pool.query(
      `SELECT n.nspname FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'public') AND r.rolname <> $1`,
      [APP_ROLE],
    );
    if (foreign.rowCount) {
      return {
        url: null,
        reason: `schemas ${foreign.rows.map((r) => r.nspname).join(', ')} were created by another role before ${APP_ROLE} existed`,
      };
    }
    await pool.query(`ALTER DATABASE "${database.replace(/"/g, '""')}" OWNER TO ${APP_ROLE}`);
    await pool.query(`ALTER SCHEMA public OWNER TO ${APP_ROLE}`);
  } finally {
    await pool.end();
  }
  const url = new URL(adminDatabaseUrl);
  url.username = APP_ROLE;
  url.password = password;
  return { url: url.toString() };
}
