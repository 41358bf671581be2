/**
 * `npm run audit -- verify | verify-projections` against a real database holding a demo data set and live read
 * models: clean → exit 0; a tampered event or read-model row → exit 1 naming it; no database → exit 2.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemoData, loadDemoData } from '@klantcentraal/demo-data';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { runMigrations } from '@klantcentraal/postgres';
import { PRIVACY_MIGRATIONS } from '@klantcentraal/privacy';
import { MESSAGING_MIGRATIONS } from '@klantcentraal/messaging';
import { PROJECTION_RUNNER_MIGRATIONS, ProjectionRunner } from '@klantcentraal/projections';
import { ALL_PROJECTIONS, READ_MODEL_MIGRATIONS } from '@klantcentraal/read-models';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { createWarehouseProjections, WAREHOUSE_MIGRATIONS, WAREHOUSE_SCHEMA } from '@klantcentraal/warehouse';
import { runAuditCli } from './audit-cli';

let db: TestDatabase;
let store: PostgresEventStore;
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  db = await createTestDatabase('kc_audit_cli');
  const migrations = [...EVENT_STORE_MIGRATIONS, ...PRIVACY_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS, ...READ_MODEL_MIGRATIONS, ...MESSAGING_MIGRATIONS, ...WAREHOUSE_MIGRATIONS];
  await runMigrations(db.url, migrations);
  store = new PostgresEventStore(db.pool);
  await loadDemoData(store, generateDemoData({ customers: 12, seed: 11 }));
  // The live read models, caught up as a running projector keeps them.
  await new ProjectionRunner({ pool: db.pool, store, projections: ALL_PROJECTIONS, logger: quiet }).catchUp();
  await new ProjectionRunner({ pool: db.pool, store, schema: WAREHOUSE_SCHEMA, projections: createWarehouseProjections(), logger: quiet }).catchUp();
}, 120_000);
afterAll(async () => {
  await store?.close();
  await db?.drop();
});

async function cli(args: string[], env: NodeJS.ProcessEnv = { DATABASE_URL: db.url }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAuditCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run audit -- verify', () => {
  it('exit 0 on a clean store, saying which database it used', async () => {
    const { code, out, err } = await cli(['verify']);
    expect(code).toBe(0);
    expect(err).toContain('database: ');
    expect(err).toContain('(from DATABASE_URL)');
    expect(out).toMatch(/^valid: .* events in 12 streams/);
  });

  it('exit 1 listing each broken stream with its first invalid revision', async () => {
    const { rows } = await db.pool.query<{ stream: string }>('SELECT stream FROM event_store.streams ORDER BY stream LIMIT 2');
    const [a, b] = rows.map((r) => r.stream);
    await withRowsRestored(
      'event_store.events',
      `(stream = '${a}' AND stream_revision = 5) OR (stream = '${b}' AND stream_revision = 2)`,
      async () => {
        await db.pool.query(`UPDATE event_store.events SET data = data || '{"forged":true}' WHERE stream = $1 AND stream_revision = 5`, [a]);
        await db.pool.query(`DELETE FROM event_store.events WHERE stream = $1 AND stream_revision = 2`, [b]);
        const { code, out } = await cli(['verify']);
        expect(code).toBe(1);
        expect(out).toContain('INVALID: 2 of 12 streams do not verify');
        expect(out).toContain(`${a}\t5\thash-mismatch`);
        expect(out).toContain(`${b}\t2\trevision-gap`);
      },
    );
    expect((await cli(['verify'])).code).toBe(0);
  });
});

describe('npm run audit -- verify-projections', () => {
  it('exit 0 when the live read models, insights and warehouse equal a rebuild from the event store; the scratch schemas are dropped', async () => {
    const scratch = async () =>
      (await db.pool.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE '%rebuild%' ORDER BY 1`)).rows;
    const { code, out } = await cli(['verify-projections']);
    expect(code).toBe(0);
    expect(out).toMatch(/read models identical to a rebuild from the event store \(position \d+, \d+ tables\)/);
    for (const table of ['read_models.insight_watch', 'warehouse.fact_touchpoint', 'warehouse.dim_customer']) {
      expect(out).toMatch(new RegExp(`^${table.replace('.', '\\.')}: \\d+ live, \\d+ rebuilt — identical$`, 'm'));
    }
    expect(await scratch()).toEqual([]);
  });

  it.each([
    ['read_models', ALL_PROJECTIONS[0].tables[0]],
    ['warehouse', 'fact_touchpoint'],
  ])('exit 1 naming the primary key of a live row of %s.%s that differs from the rebuild', async (schema, table) => {
    const { rows } = await db.pool.query(`SELECT to_jsonb(t) AS r FROM ${schema}."${table}" t LIMIT 1`);
    const row = rows[0].r as Record<string, unknown>;
    const { rows: pk } = await db.pool.query<{ attname: string }>(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       WHERE i.indrelid = $1::regclass AND i.indisprimary`,
      [`${schema}."${table}"`],
    );
    const where = pk.map((k) => `"${k.attname}" = '${String(row[k.attname]).replace(/'/g, "''")}'`).join(' AND ');
    await withRowsRestored(`${schema}."${table}"`, where, async () => {
      await db.pool.query(`DELETE FROM ${schema}."${table}" WHERE ${where}`);
      const { code, out } = await cli(['verify-projections']);
      expect(code).toBe(1);
      expect(out).toContain(`DIFFERENT: 1 of`);
      expect(out).toMatch(new RegExp(`^${schema}\\.${table}: \\d+ live, \\d+ rebuilt — 0 live rows and 1 rebuilt rows differ$`, 'm'));
      expect(out).toContain(`rebuilt-only ${JSON.stringify(Object.fromEntries(pk.map((k) => [k.attname, row[k.attname]])))}`);
    });
  });
});

/** Runs `change` and then puts the rows matching `where` back exactly as they were. */
async function withRowsRestored(table: string, where: string, change: () => Promise<void>): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query(`CREATE TEMP TABLE saved AS SELECT * FROM ${table} WHERE ${where}`);
    try {
      await change();
    } finally {
      // Generated columns cannot be inserted: restore the others.
      const { rows } = await client.query<{ name: string }>(
        `SELECT quote_ident(attname) AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
         ORDER BY attnum`,
        [table],
      );
      const columns = rows.map((r) => r.name).join(', ');
      await client.query('BEGIN');
      await client.query(`DELETE FROM ${table} WHERE ${where}`);
      await client.query(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM saved`);
      await client.query('COMMIT');
      await client.query('DROP TABLE saved');
    }
  } finally {
    client.release();
  }
}

describe('database resolution', () => {
  it('falls back to <DATA_DIR>/postgres.url, and exits 2 with a hint when there is no database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-audit-cli-'));
    try {
      const missing = await cli(['verify'], { DATA_DIR: dir });
      expect(missing.code).toBe(2);
      expect(missing.err).toMatch(/no database: DATABASE_URL is not set and .*postgres\.url does not exist \(DATA_DIR=/);
      fs.writeFileSync(path.join(dir, 'postgres.url'), `${db.url}\n`);
      const viaFile = await cli(['verify'], { DATA_DIR: dir });
      expect(viaFile.code).toBe(0);
      expect(viaFile.err).toContain(`(from ${path.join(dir, 'postgres.url')})`);
      expect((await cli(['verify-nothing'], { DATA_DIR: dir })).code).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
