import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { WAREHOUSE_SCHEMA } from '../warehouse-schema';

/**
 * Direct SQL access for analysts: a login role that can read the `warehouse` schema and nothing else.
 *
 * - Named per database, `kc_<database>_analyst` (roles are cluster-wide and several platform databases may share a
 *   server); characters other than a-z, 0-9 and _ become _, and a name that would exceed PostgreSQL's 63 bytes is
 *   shortened with a hash of the database name.
 * - Read-only by construction: LOGIN only (no superuser, createdb, createrole, replication, bypassrls), no inherited
 *   memberships; USAGE on schema `warehouse` and SELECT on its tables — nothing else is granted; CREATE on the
 *   warehouse and public schemas and every privilege on event_store, read_models and feed are revoked explicitly;
 *   `default_transaction_read_only` is on as a second line.
 * - Tables created later stay readable: default privileges of the table owner (the role that runs the migrations and
 *   the projector) grant SELECT to it. A rebuild swaps `warehouse` for a freshly created schema by rename; the runner
 *   copies the schema's grants, its tables' grants and its default privileges to the new schema first
 *   (libs/projections projection-rebuild.ts), so access survives the swap (tested).
 * - Password: `password` (the lead wires WAREHOUSE_READER_PASSWORD), else the one kept in
 *   `<dataDir>/warehouse-reader.json` (generated on first use, mode 0600). Set on every start, so the file and the
 *   role agree.
 *
 * Idempotent and safe to run at every start-up (after the migrations): it takes a transaction-scoped advisory lock,
 * creates the role if missing and (re)applies attributes and grants.
 */
export const WAREHOUSE_READER_FILE = 'warehouse-reader.json';

export type WarehouseReaderOptions = Readonly<{
  /** The platform database (owner's connection); the role is created for this database. */
  databaseUrl: string;
  /** Fixed password (WAREHOUSE_READER_PASSWORD). */
  password?: string | null;
  /** Where a generated password is kept when none is given. */
  dataDir?: string;
  /**
   * The role that creates the warehouse tables (migrations, rebuilds), when it is not the connecting one: tables it
   * creates later are readable by the reader too. Default: the connecting user.
   */
  tablesOwner?: string;
}>;

export type WarehouseReader = Readonly<{
  role: string;
  database: string;
  host: string;
  port: number;
  password: string;
  /** `option`: given by the caller; `file`: read from dataDir; `generated`: new, written to dataDir. */
  passwordSource: 'option' | 'file' | 'generated';
  /** The file that keeps the password (null when it was given). */
  passwordFile: string | null;
  /** A psql command line without the password. */
  psql: string;
  /** A connection URL with the password, for programs. */
  url: string;
}>;

const MAX_IDENTIFIER = 63;

/** `kc_<database>_analyst`, made a safe, unquoted-looking identifier of at most 63 bytes. */
export function warehouseReaderRoleName(database: string): string {
  const cleaned = database.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const name = `kc_${cleaned}_analyst`;
  if (name.length <= MAX_IDENTIFIER) return name;
  const hash = createHash('sha256').update(database).digest('hex').slice(0, 8);
  return `kc_${cleaned.slice(0, MAX_IDENTIFIER - 'kc___analyst'.length - hash.length)}_${hash}_analyst`;
}

const OTHER_SCHEMAS = ['event_store', 'read_models', 'feed'];

export async function ensureWarehouseReader(options: WarehouseReaderOptions): Promise<WarehouseReader> {
  const url = new URL(options.databaseUrl);
  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ database: string; owner: string }>('SELECT current_database() AS database, current_user AS owner');
    const { database, owner } = rows[0];
    const role = warehouseReaderRoleName(database);
    const { password, source, file } = resolvePassword(role, options);

    // DDL with identifiers and literals quoted by PostgreSQL itself (format %I / %L).
    const exec = async (template: string, ...args: string[]) => {
      const { rows: sql } = await client.query<{ sql: string }>(`SELECT format($1, ${args.map((_, i) => `$${i + 2}::text`).join(', ')}) AS sql`, [
        template,
        ...args,
      ]);
      await client.query(sql[0].sql);
    };

    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`klantcentraal:warehouse-reader:${role}`]);
      const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (!rowCount) await exec('CREATE ROLE %I', role);
      await exec(
        'ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD %L',
        role,
        password,
      );
      await exec('ALTER ROLE %I IN DATABASE %I SET default_transaction_read_only = on', role, database);
      await exec('ALTER ROLE %I IN DATABASE %I SET search_path = %I', role, database, WAREHOUSE_SCHEMA);
      await exec('GRANT CONNECT ON DATABASE %I TO %I', database, role);
      await exec('GRANT USAGE ON SCHEMA %I TO %I', WAREHOUSE_SCHEMA, role);
      await exec('REVOKE CREATE ON SCHEMA %I FROM %I', WAREHOUSE_SCHEMA, role);
      await exec('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I', WAREHOUSE_SCHEMA, role);
      await exec('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT ON TABLES TO %I', options.tablesOwner ?? owner, WAREHOUSE_SCHEMA, role);
      await exec('REVOKE CREATE ON SCHEMA public FROM %I', role);
      const { rows: present } = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[])', [
        OTHER_SCHEMAS,
      ]);
      for (const { nspname } of present) {
        await exec('REVOKE ALL ON SCHEMA %I FROM %I', nspname, role);
        await exec('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', nspname, role);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if ((error as { code?: string }).code === '42501') {
        throw new Error(
          `cannot set up the warehouse reader role ${role}: database user ${owner} needs the CREATEROLE privilege ` +
            `(${(error as Error).message})`,
        );
      }
      throw error;
    }

    const host = url.hostname || '127.0.0.1';
    const port = Number(url.port || 5432);
    const base = `postgresql://${encodeURIComponent(role)}@${host}:${port}/${encodeURIComponent(database)}`;
    return {
      role,
      database,
      host,
      port,
      password,
      passwordSource: source,
      passwordFile: file,
      psql: `psql "${base}"`,
      url: `postgresql://${encodeURIComponent(role)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(database)}`,
    };
  } finally {
    await client.end();
  }
}

function resolvePassword(
  role: string,
  options: WarehouseReaderOptions,
): { password: string; source: WarehouseReader['passwordSource']; file: string | null } {
  if (options.password) return { password: options.password, source: 'option', file: null };
  if (!options.dataDir) throw new Error('ensureWarehouseReader needs a password or a dataDir to keep a generated one in');
  const file = path.resolve(options.dataDir, WAREHOUSE_READER_FILE);
  const stored = readPasswords(file);
  if (stored[role]) return { password: stored[role], source: 'file', file };
  const password = randomBytes(24).toString('base64url');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify({ ...stored, [role]: password }, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(temp, 0o600);
  fs.renameSync(temp, file);
  return { password, source: 'generated', file };
}

function readPasswords(file: string): Record<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: expected a JSON object role → password`);
  return parsed as Record<string, string>;
}
