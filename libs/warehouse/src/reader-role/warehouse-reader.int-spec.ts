/**
 * The analysts' read-only SQL role on real PostgreSQL: it reads the warehouse (the same answers as the API), is
 * refused every write and every other schema, and keeps its access through a rebuild's schema swap — also to tables
 * created after the swap.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { MESSAGING_MIGRATIONS } from '@klantcentraal/messaging';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import { testAdminUrl } from '@klantcentraal/testing';
import { fixedDataSet } from '../testing/fixed-data-set';
import { warehouseTestEnv, type WarehouseTestEnv } from '../testing/warehouse-fixtures';
import { ensureWarehouseReader, warehouseReaderRoleName, WAREHOUSE_READER_FILE, type WarehouseReader } from './warehouse-reader';

describe('warehouse reader role (direct SQL for analysts)', () => {
  let env: WarehouseTestEnv;
  let dataDir: string;
  let reader: WarehouseReader;
  let sql: Client;

  const connect = async () => {
    const client = new Client({ connectionString: reader.url });
    await client.connect();
    return client;
  };
  const refused = async (statement: string) => {
    const error = await sql.query(statement).then(
      () => null,
      (e: { code?: string; message: string }) => e,
    );
    return error === null ? `${statement}: ALLOWED` : error.code;
  };

  beforeAll(async () => {
    env = await warehouseTestEnv('kc_wh_reader');
    await runMigrations(env.db.url, MESSAGING_MIGRATIONS); // schema feed, to prove the role cannot read it
    await env.append(fixedDataSet());
    await env.runner().catchUp();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-wh-reader-'));
    reader = await ensureWarehouseReader({ databaseUrl: env.db.url, dataDir });
    sql = await connect();
  });

  afterAll(async () => {
    await sql?.end();
    await env.close();
    const admin = createPool(testAdminUrl(), { max: 1 });
    try {
      await admin.query(`DROP ROLE IF EXISTS "${reader.role}"`);
    } finally {
      await admin.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is named per database and keeps a generated password in DATA_DIR (mode 0600); running it again changes nothing', async () => {
    expect(reader.role).toBe(warehouseReaderRoleName(env.db.name));
    expect(reader.role).toBe(`kc_${env.db.name}_analyst`);
    expect(reader.passwordSource).toBe('generated');
    const file = path.join(dataDir, WAREHOUSE_READER_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ [reader.role]: reader.password });
    expect(reader.psql).toBe(`psql "postgresql://${reader.role}@${reader.host}:${reader.port}/${env.db.name}"`);

    const again = await ensureWarehouseReader({ databaseUrl: env.db.url, dataDir });
    expect([again.role, again.password, again.passwordSource]).toEqual([reader.role, reader.password, 'file']);
    const { rows } = await sql.query(
      `SELECT rolsuper, rolcreatedb, rolcreaterole, rolinherit, rolreplication, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = current_user`,
    );
    expect(rows).toEqual([
      { rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolinherit: false, rolreplication: false, rolbypassrls: false, rolcanlogin: true },
    ]);
  });

  it('reads the warehouse: the phase of each of alfa’s purchases as it was then (SCD join)', async () => {
    const { rows } = await sql.query(
      `SELECT f.occurred_at::date::text AS day, c.lifecycle_phase
         FROM fact_touchpoint f
         JOIN dim_touchpoint_type t ON t.type_key = f.type_key
         JOIN dim_customer c ON c.customer_key = f.customer_key
        WHERE t.type = 'PurchaseMade' AND f.customer_id = 'alfa' ORDER BY f.occurred_at`,
    ); // unqualified: the role's search_path is the warehouse
    expect(rows).toEqual([
      { day: '2025-01-20', lifecycle_phase: 'new-customer' },
      { day: '2025-02-15', lifecycle_phase: 'loyal-customer' },
    ]);
  });

  const writesAndOtherSchemas = async () => ({
    insert: await refused(`INSERT INTO warehouse.dim_department VALUES (99, 'x', 'support')`),
    update: await refused(`UPDATE warehouse.dim_customer SET name = 'x'`),
    delete: await refused(`DELETE FROM warehouse.fact_touchpoint`),
    truncate: await refused(`TRUNCATE warehouse.fact_nps`),
    createInWarehouse: await refused(`CREATE TABLE warehouse.mine (x int)`),
    createInPublic: await refused(`CREATE TABLE public.mine (x int)`),
    eventStore: await refused(`SELECT count(*) FROM event_store.events`),
    readModels: await refused(`SELECT count(*) FROM read_models.customer_definitions`),
    feed: await refused(`SELECT count(*) FROM feed.insight_outbox`),
    migrations: await refused(`SELECT count(*) FROM public.kc_migrations`),
  });

  it('is refused writes (even in a read-write transaction) and reads of other schemas', async () => {
    // By default every transaction of the role is read-only …
    expect(await refused(`INSERT INTO warehouse.dim_department VALUES (99, 'x', 'support')`)).toBe('25006');
    // … and without that, the privileges refuse it: 42501 insufficient_privilege everywhere.
    await sql.query('SET default_transaction_read_only = off');
    const denied = '42501';
    expect(await writesAndOtherSchemas()).toEqual({
      insert: denied,
      update: denied,
      delete: denied,
      truncate: denied,
      createInWarehouse: denied,
      createInPublic: denied,
      eventStore: denied,
      readModels: denied,
      feed: denied,
      migrations: denied,
    });
  });

  it('keeps reading after a rebuild swapped the warehouse schema, also tables created afterwards', async () => {
    const runner = env.runner();
    const result = await runner.rebuild();
    expect(result.swapped).toBe(true);
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM warehouse.fact_touchpoint`);
    expect(rows[0].n).toBe(22);
    // A table a later migration adds (as the owner) is readable through the default privileges the swap carried over.
    await env.db.pool.query(`CREATE TABLE warehouse.later_table (x int); INSERT INTO warehouse.later_table VALUES (1)`);
    const later = await sql.query(`SELECT x FROM warehouse.later_table`);
    expect(later.rows).toEqual([{ x: 1 }]);
    await env.db.pool.query(`DROP TABLE warehouse.later_table`);
    // Still read-only, still no other schema.
    const fresh = await connect();
    try {
      await fresh.query('SET default_transaction_read_only = off');
      const previous = sql;
      sql = fresh;
      const outcome = await writesAndOtherSchemas();
      sql = previous;
      expect(new Set(Object.values(outcome))).toEqual(new Set(['42501']));
    } finally {
      await fresh.end();
    }
  });
});
