/**
 * THE SCALE-OUT TEST. Three `start:projector` processes share the projections (read models, insights, warehouse,
 * insight timer) by partition while customers keep arriving in bulk. Midway one is killed with SIGKILL, later another
 * stopped with SIGTERM; the survivors must take the partitions over (observed, printed). At the end every read model
 * and warehouse table must equal what one unpartitioned process makes of the same log (an exact copy of it in a
 * second database), and the insight outbox must hold the same insights: none lost, none doubled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Pool } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { generateCustomerHistory, generateDemoData, loadDemoData } from '@klantcentraal/demo-data';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { runMigrations } from '@klantcentraal/postgres';
import { ProjectionRunner, readPartitionOwnership } from '@klantcentraal/projections';
import { createProjections, InsightTimer } from '@klantcentraal/read-models';
import { createTestDatabase, freePorts, type TestDatabase } from '@klantcentraal/testing';
import { createWarehouseProjections, WAREHOUSE_SCHEMA } from '@klantcentraal/warehouse';
import { FULL_PROJECTOR_MIGRATIONS } from './partitioned-projector';

const ROOT = path.resolve(__dirname, '../../..');
const PARTITIONS = 16;
const SEED = 11;
const INITIAL_CUSTOMERS = 30;
const ADMIN_KEY = 'scale-out-test-admin-key-000001';
const quiet = { log: () => undefined, warn: console.warn, error: console.error };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Projector = {
  process: ChildProcess;
  port: number;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  memberId(): string | null;
};

async function startProjector(databaseUrl: string): Promise<Projector> {
  const port = (await freePorts(1))[0];
  const child = spawn(process.execPath, ['-r', './infra/scripts/register.js', 'apps/projector/src/main.ts', '--batch-size', '200'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      API_KEYS: JSON.stringify({ [ADMIN_KEY]: ['admin'] }),
      PROJECTION_PARTITIONS: String(PARTITIONS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (output.length > 600) output.splice(0, output.length - 300);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let member: string | null = null;
  return {
    process: child,
    port,
    output,
    exited,
    memberId() {
      if (member) return member;
      for (const line of output) {
        const match = /projector (\S+) against/.exec(line);
        if (match) return (member = match[1]);
      }
      return null;
    },
  };
}

async function partitionsOwned(projector: Projector): Promise<number | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${projector.port}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    if (!response.ok) return null;
    const match = /^klantcentraal_projector_partitions_owned (\d+)$/m.exec(await response.text());
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

async function waitFor(what: string, predicate: () => Promise<boolean>, timeoutMs: number, context: () => string): Promise<number> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await sleep(100);
  }
  return Date.now() - started;
}

/** An exact copy of the event store (rows, positions, hash chain) into another database. */
async function copyEventStore(source: Pool, target: Pool): Promise<void> {
  for (const table of ['event_store.streams', 'event_store.events', 'event_store.global_position']) {
    await target.query(`TRUNCATE ${table}`);
    const out = await source.connect();
    const into = await target.connect();
    try {
      await pipeline(out.query(copyTo(`COPY ${table} TO STDOUT`)), into.query(copyFrom(`COPY ${table} FROM STDIN`)));
    } finally {
      out.release();
      into.release();
    }
  }
}

/** A table's rows as sorted JSON lines, without the columns named (those a timer sets at the moment it ticks). */
async function rowsOf(pool: Pool, table: string, without: readonly string[] = []): Promise<string[]> {
  const { rows } = await pool.query<{ r: string }>(`SELECT (to_jsonb(t) - $1::text[])::text AS r FROM ${table} t`, [without]);
  return rows.map((row) => row.r).sort();
}

describe('projectors scale out by partition', () => {
  let db: TestDatabase;
  let reference: TestDatabase;
  let store: PostgresEventStore;
  const projectors: Projector[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('kc_projector_scale');
    reference = await createTestDatabase('kc_projector_scale_ref');
    await runMigrations(db.url, [...EVENT_STORE_MIGRATIONS, ...FULL_PROJECTOR_MIGRATIONS]);
    await runMigrations(reference.url, [...EVENT_STORE_MIGRATIONS, ...FULL_PROJECTOR_MIGRATIONS]);
    store = new PostgresEventStore(db.pool);
  });

  afterAll(async () => {
    for (const p of projectors) if (p.process.exitCode === null && p.process.signalCode === null) p.process.kill('SIGKILL');
    await store?.close();
    await db?.drop();
    await reference?.drop();
  });

  it('three projectors, one killed and one stopped midway: read models equal one process, insights once', async () => {
    const started = Date.now();
    const loaded = await loadDemoData(store, generateDemoData({ customers: INITIAL_CUSTOMERS, seed: SEED }));
    const dump = () => projectors.map((p, i) => `--- projector ${i} (${p.memberId()})\n${p.output.slice(-40).join('\n')}`).join('\n');

    // Customers keep arriving in bulk (several customers per append) while projectors come and go.
    let appending = false;
    let nextCustomer = INITIAL_CUSTOMERS;
    let appender: Promise<void> = Promise.resolve();
    const startAppending = () => {
      appending = true;
      appender = (async () => {
        while (appending) {
          await loadDemoData(store, [0, 1, 2].map(() => generateCustomerHistory(nextCustomer++, { seed: SEED })));
          await sleep(200);
        }
      })();
    };
    const appended = (customers: number) => async () => nextCustomer - INITIAL_CUSTOMERS >= customers;

    try {
      for (let i = 0; i < 3; i++) projectors.push(await startProjector(db.url));
      const [killed, stopped, survivor] = projectors;
      const alive = () => projectors.filter((p) => p.process.exitCode === null && p.process.signalCode === null);
      const shared = async () => {
        const owned = await Promise.all(alive().map(partitionsOwned));
        return owned.every((n) => n !== null && n > 0) && owned.reduce<number>((a, n) => a + (n ?? 0), 0) === PARTITIONS;
      };
      const sharedIn = await waitFor('three projectors sharing all partitions', shared, 90_000, dump);
      const owners = new Set((await readPartitionOwnership(db.pool)).filter((o) => o.held).map((o) => o.owner));
      expect(owners.size).toBe(3);

      // Midway through the load: kill -9 one (its batch in hand is lost with it) ...
      startAppending();
      await waitFor('progress', async () => (await checkpointSum(db.pool)) > 0, 60_000, dump);
      await waitFor('a first share of the load', appended(15), 60_000, dump);
      const killedId = killed.memberId();
      const killedAt = Date.now();
      killed.process.kill('SIGKILL');
      expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await waitFor('the partitions of the killed projector re-owned', async () => {
        const leases = await readPartitionOwnership(db.pool);
        return leases.filter((o) => o.held && o.owner !== killedId).length === PARTITIONS && (await shared());
      }, 60_000, dump);
      const afterKill = Date.now() - killedAt;

      // ... and SIGTERM another: it commits its batch, hands its partitions back, exits 0.
      await waitFor('more load', appended(30), 60_000, dump);
      const stoppedId = stopped.memberId();
      const stoppedAt = Date.now();
      stopped.process.kill('SIGTERM');
      expect(await stopped.exited).toEqual({ code: 0, signal: null });
      await waitFor('the stopped projector\'s partitions re-owned', async () => {
        const leases = await readPartitionOwnership(db.pool);
        return leases.filter((o) => o.held && o.owner === survivor.memberId()).length === PARTITIONS;
      }, 60_000, dump);
      const afterStop = Date.now() - stoppedAt;
      expect(stoppedId).not.toBe(survivor.memberId());

      appending = false;
      await appender;
      const head = await store.headPosition();

      // The survivor catches up on everything.
      const names = [...createProjections({ insights: true }), ...createWarehouseProjections()].map((p) => p.name);
      await waitFor('the survivor to catch up', async () => {
        const { rows } = await db.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM (SELECT projection, position FROM read_models.checkpoints
                                           UNION ALL SELECT projection, position FROM ${WAREHOUSE_SCHEMA}.checkpoints) c
            WHERE projection = ANY($1::text[]) AND position = $2`,
          [names, head],
        );
        return rows[0].n === names.length;
      }, 120_000, dump);

      // `npm run projections -- status` names each partition's owner and checkpoint.
      const status = await runCli(['status'], db.url);
      expect(status).toMatch(/partition\s+owner/);
      expect(status.split('\n').filter((line) => line.includes(survivor.memberId()!)).length).toBeGreaterThanOrEqual(PARTITIONS);

      survivor.process.kill('SIGTERM');
      expect(await survivor.exited).toEqual({ code: 0, signal: null });

      // One unpartitioned process over an exact copy of the same log.
      await copyEventStore(db.pool, reference.pool);
      const referenceStore = new PostgresEventStore(reference.pool);
      try {
        const readModels = new ProjectionRunner({ pool: reference.pool, store: referenceStore, projections: createProjections({ insights: true }), logger: quiet });
        const warehouse = new ProjectionRunner({ pool: reference.pool, store: referenceStore, schema: WAREHOUSE_SCHEMA, projections: createWarehouseProjections(), logger: quiet });
        expect(await readModels.catchUp()).toBe(head);
        expect(await warehouse.catchUp()).toBe(head);
        // Both sides' timers report what is due by the same moment (time-caused insight ids come from the due time).
        const now = new Date();
        await new InsightTimer({ pool: db.pool, store, clock: () => now }).tick();
        await new InsightTimer({ pool: reference.pool, store: referenceStore, clock: () => now }).tick();
      } finally {
        await referenceStore.close();
      }

      const tables = [
        ...createProjections({ insights: true }).flatMap((p) => p.tables.map((t) => `read_models.${t}`)),
        ...createWarehouseProjections().flatMap((p) => p.tables.map((t) => `${WAREHOUSE_SCHEMA}.${t}`)),
      ];
      const differences: string[] = [];
      const counts: Record<string, number> = {};
      for (const table of tables) {
        const without = table.endsWith('.insight_watch') ? ['checked_until', 'wake_at'] : [];
        const [live, single] = await Promise.all([rowsOf(db.pool, table, without), rowsOf(reference.pool, table, without)]);
        counts[table] = live.length;
        if (JSON.stringify(live) !== JSON.stringify(single)) differences.push(`${table}: ${live.length} rows vs ${single.length} from one process`);
      }
      expect(differences).toEqual([]);
      expect(counts['read_models.customer_profiles']).toBe(nextCustomer);

      // What an insight is (not when or whether the relay sent it): id, customer, type, time, cause, payload.
      const insights = async (pool: Pool) =>
        (
          await pool.query<{ r: string }>(
            `SELECT json_build_array(id, customer_id, type, time, global_position, account_manager, data)::text AS r FROM feed.insight_outbox`,
          )
        ).rows
          .map((row) => row.r)
          .sort();
      const [liveInsights, singleInsights] = await Promise.all([insights(db.pool), insights(reference.pool)]);
      expect(liveInsights.length).toBeGreaterThan(0);
      expect(liveInsights).toEqual(singleInsights);

      const { rows: parked } = await db.pool.query(`SELECT projection, global_position, error FROM read_models.parked_events`);
      expect(parked).toEqual([]);

      console.log(
        `scale-out test: ${head} events (${loaded.events} up front, ${nextCustomer - INITIAL_CUSTOMERS} customers appended during the test), ` +
          `${PARTITIONS} partitions shared by 3 projectors after ${(sharedIn / 1000).toFixed(1)} s; after kill -9 re-owned in ` +
          `${(afterKill / 1000).toFixed(1)} s, after SIGTERM in ${(afterStop / 1000).toFixed(1)} s; ${liveInsights.length} insights, ` +
          `${tables.length} tables equal to one process; ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    } finally {
      appending = false;
      await appender;
    }
  }, 300_000);
});

async function checkpointSum(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ p: string }>(`SELECT coalesce(sum(position), 0)::bigint AS p FROM read_models.checkpoints`);
  return Number(rows[0].p);
}

function runCli(args: readonly string[], databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './infra/scripts/register.js', 'apps/projector/src/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, PROJECTION_PARTITIONS: String(PARTITIONS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`projections ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}
