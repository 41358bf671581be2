/**
 * THE CRASH TEST. The projector runs as a child process over ≥ 10 000 demo events while more customers keep arriving;
 * it is SIGKILLed at ≥ 20 random moments (50–400 ms after it starts making progress) and restarted each time, then
 * left to catch up and stopped with SIGTERM. Afterwards every read-model table must equal, row for row, a from-scratch
 * rebuild of the same log, and a non-idempotent delivery tally must equal the event counts of the log: no event lost,
 * none applied twice.
 *
 * The child is testing/crash-test.main.ts: main.ts's process code (runProjectorProcess) with the real read-model
 * projections plus that tally — the read models skip redeliveries themselves, so only the tally can catch a runner
 * that applies a batch twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { generateCustomerHistory, generateDemoData, loadDemoData } from '@klantcentraal/demo-data';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { runMigrations } from '@klantcentraal/postgres';
import { ProjectionRunner } from '@klantcentraal/projections';
import { ALL_PROJECTIONS } from '@klantcentraal/read-models';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { FULL_PROJECTOR_MIGRATIONS } from './partitioned-projector';
import { DELIVERY_TALLY_TABLE_SQL, deliveryTallyProjection } from './testing/delivery-tally.projection';

const ROOT = path.resolve(__dirname, '../../..');
const KILLS = 20;
const SEED = 7;
const INITIAL_CUSTOMERS = 80; // ≈ 11 000 events
const MAX_LAG = 3000;
const APP = 'kc_projector_crash';
const PROJECTIONS = [...ALL_PROJECTIONS, deliveryTallyProjection];
const TEST_KEYS = JSON.stringify({ 'crash-test-admin-key-0123456789': ['admin'] });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Child = { process: ChildProcess; output: string[]; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

function startProjector(databaseUrl: string): Child {
  const child = spawn(
    process.execPath,
    ['-r', './infra/scripts/register.js', 'apps/projector/src/testing/crash-test.main.ts', '--batch-size', '250'],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', API_KEYS: TEST_KEYS }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (output.length > 400) output.splice(0, output.length - 200);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, output, exited };
}

describe('projector crash test', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const children: Child[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('kc_projector_crash');
    await runMigrations(db.url, [...EVENT_STORE_MIGRATIONS, ...FULL_PROJECTOR_MIGRATIONS]);
    await db.pool.query(DELIVERY_TALLY_TABLE_SQL);
    store = new PostgresEventStore(db.pool);
  });

  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await store?.close();
    await db?.drop();
  });

  it(`survives ${KILLS} SIGKILLs at random moments: the read models end up identical to a from-scratch rebuild`, async () => {
    const started = Date.now();
    const names = PROJECTIONS.map((p) => p.name);
    const loaded = await loadDemoData(store, generateDemoData({ customers: INITIAL_CUSTOMERS, seed: SEED }));
    expect(loaded.events).toBeGreaterThanOrEqual(10_000);

    // More customers keep arriving while the projector is killed and restarted, so it always has work — but only
    // while it is less than MAX_LAG behind, so the log stays of a size it can finish in time.
    let appending = true;
    let nextCustomer = INITIAL_CUSTOMERS;
    const appender = (async () => {
      while (appending) {
        const { rows } = await db.pool.query<{ lag: number }>(
          `SELECT (SELECT value FROM event_store.global_position) - coalesce((SELECT min(position) FROM read_models.checkpoints), 0) AS lag`,
        );
        // The first customer arrives whatever the lag, so events always arrive during the kills (a slow machine).
        if (nextCustomer === INITIAL_CUSTOMERS || Number(rows[0].lag) < MAX_LAG) await loadDemoData(store, [generateCustomerHistory(nextCustomer++, { seed: SEED })]);
        await sleep(30);
      }
    })();

    const url = `${db.url}?application_name=${APP}`;
    const progress = async () => {
      const { rows } = await db.pool.query<{ p: number }>(`SELECT coalesce(sum(position), 0)::bigint AS p FROM read_models.checkpoints`);
      return Number(rows[0].p);
    };
    let killsInTransaction = 0;
    try {
      for (let kill = 1; kill <= KILLS; kill++) {
        const child = startProjector(url);
        children.push(child);
        let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
        void child.exited.then((e) => (exit = e));
        const before = await progress();
        const deadline = Date.now() + 60_000;
        while ((await progress()) === before) {
          if (exit) throw new Error(`projector exited (${JSON.stringify(exit)}) before making progress:\n${child.output.join('\n')}`);
          if (Date.now() > deadline) throw new Error(`projector made no progress within 60 s:\n${child.output.join('\n')}`);
          await sleep(5);
        }
        await sleep(50 + Math.floor(Math.random() * 351));
        const { rows } = await db.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND xact_start IS NOT NULL`,
          [APP],
        );
        if (rows[0].n > 0) killsInTransaction += 1;
        child.process.kill('SIGKILL');
        expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
      }
    } finally {
      appending = false;
      await appender;
    }

    // Restart once more and let it catch up; then a graceful stop.
    const head = await store.headPosition();
    expect(head).toBeGreaterThan(loaded.lastPosition);
    const last = startProjector(url);
    children.push(last);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { rows } = await db.pool.query<{ projection: string; position: number }>(
        `SELECT projection, position FROM read_models.checkpoints WHERE projection = ANY($1::text[])`,
        [names],
      );
      if (rows.length === names.length && rows.every((r) => Number(r.position) === head)) break;
      if (last.process.exitCode !== null) throw new Error(`projector exited:\n${last.output.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`projector did not catch up to ${head}: ${JSON.stringify(rows)}\n${last.output.join('\n')}`);
      await sleep(20);
    }
    last.process.kill('SIGTERM');
    expect(await last.exited).toEqual({ code: 0, signal: null });
    expect(last.output.join('\n')).toContain('SIGTERM: finishing the current batch');

    // A from-scratch rebuild of the same log into a scratch schema, compared table by table, row for row.
    const rebuilder = new ProjectionRunner({
      pool: db.pool,
      store,
      projections: PROJECTIONS,
      logger: { log: () => undefined, warn: console.warn, error: console.error },
    });
    const rebuilt = await rebuilder.rebuild(undefined, { swap: false });
    expect(rebuilt.position).toBe(head);
    const tables = PROJECTIONS.flatMap((p) => p.tables);
    const differences: Record<string, unknown> = {};
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const { rows } = await db.pool.query<{ only_live: number; only_rebuilt: number; live: number; rebuilt: number }>(
        `SELECT (SELECT count(*) FROM (TABLE read_models.${table} EXCEPT ALL TABLE "${rebuilt.schema}".${table}) x)::int AS only_live,
                (SELECT count(*) FROM (TABLE "${rebuilt.schema}".${table} EXCEPT ALL TABLE read_models.${table}) x)::int AS only_rebuilt,
                (SELECT count(*) FROM read_models.${table})::int AS live,
                (SELECT count(*) FROM "${rebuilt.schema}".${table})::int AS rebuilt`,
      );
      counts[table] = rows[0].live;
      if (rows[0].only_live || rows[0].only_rebuilt || rows[0].live !== rows[0].rebuilt) differences[table] = rows[0];
    }
    expect(differences).toEqual({});
    expect(counts.customer_profiles).toBe(nextCustomer);
    // The tally against the log itself: every event delivered exactly once.
    const { rows: tallyVsLog } = await db.pool.query(
      `SELECT coalesce(t.stream, e.stream) AS stream, t.deliveries, e.events
         FROM read_models.crash_test_tally t
         FULL JOIN (SELECT stream, count(*)::int AS events FROM event_store.events GROUP BY stream) e ON e.stream = t.stream
        WHERE t.deliveries IS DISTINCT FROM e.events`,
    );
    expect(tallyVsLog).toEqual([]);
    expect(Object.values(counts).every((n) => n > 0)).toBe(true);
    const { rows: parked } = await db.pool.query(`SELECT projection, global_position, error FROM read_models.parked_events`);
    expect(parked).toEqual([]);
    await db.pool.query(`DROP SCHEMA "${rebuilt.schema}" CASCADE`);

    console.log(
      `crash test: ${KILLS} SIGKILLs (${killsInTransaction} with a transaction open), ${head} events ` +
        `(${loaded.events} up front + ${nextCustomer - INITIAL_CUSTOMERS} customers during the kills), ` +
        `tables compared: ${Object.entries(counts)
          .map(([t, n]) => `${t}=${n}`)
          .join(', ')}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 300_000);
});
