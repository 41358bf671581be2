/**
 * `npm run audit -- <command>` (see cli.ts). Exit codes: 0 valid / identical, 1 broken / different, 2 could not run.
 */
import { PRIVACY_MIGRATIONS, privateEventStore } from '@klantcentraal/privacy';
import { EVENT_STORE_MIGRATIONS, openEventStore, verifyPostgresEventStore, type StoreVerificationProgress } from '@klantcentraal/event-store';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import { MESSAGING_MIGRATIONS } from '@klantcentraal/messaging';
import { PROJECTION_RUNNER_MIGRATIONS, ProjectionRunner, type Projection, type ProjectorLogger, type RebuildProgress } from '@klantcentraal/projections';
import { ALL_PROJECTIONS, READ_MODEL_MIGRATIONS, READ_MODEL_SCHEMA } from '@klantcentraal/read-models';
import { createWarehouseProjections, WAREHOUSE_MIGRATIONS, WAREHOUSE_SCHEMA } from '@klantcentraal/warehouse';
import { compareReadModelTables, type TableComparison } from '../verify/compare-read-models';
import { loadConfig, redactUrl, resolveDatabaseUrl } from '@klantcentraal/config';

export const USAGE = `usage: npm run audit -- <command>
  verify               recompute every hash of every stream (whole store, streamed); exit 1 and list the broken
                       streams with their first invalid revision
  verify-projections   rebuild every read model (profiles, NPS, funnel, insights) and the warehouse into scratch
                       schemas and compare them row by row with the live ones; exit 1 and list the differing rows by
                       primary key  [--keep: keep the scratch schemas]
database: DATABASE_URL, else <DATA_DIR or .data>/postgres.url (written by a running npm start)`;

export type CliIo = Readonly<{ out(line: string): void; err(line: string): void; env?: NodeJS.ProcessEnv }>;

const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

export async function runAuditCli(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return 0;
  }
  if (command !== 'verify' && command !== 'verify-projections') {
    io.err(command ? `unknown command "${command}"\n${USAGE}` : USAGE);
    return 2;
  }
  const unknown = rest.filter((a) => !(command === 'verify-projections' && a === '--keep'));
  if (unknown.length) {
    io.err(`unexpected argument(s) ${unknown.join(' ')}\n${USAGE}`);
    return 2;
  }
  let database: { url: string; source: string };
  try {
    database = resolveDatabaseUrl(io.env ?? process.env);
  } catch (err) {
    io.err((err as Error).message);
    return 2;
  }
  io.err(`database: ${redactUrl(database.url)} (from ${database.source})`);
  const pool = createPool(database.url, { max: 4 });
  try {
    return command === 'verify' ? await verifyStore(pool, io) : await verifyProjections(pool, database.url, io, rest.includes('--keep'));
  } catch (err) {
    io.err(`error: ${(err as Error).message}`);
    return 2;
  } finally {
    await pool.end();
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function verifyStore(pool: ReturnType<typeof createPool>, io: CliIo): Promise<number> {
  const { rows } = await pool.query(
    `SELECT 1 FROM information_schema.columns WHERE table_schema = 'event_store' AND table_name = 'events' AND column_name = 'hash'`,
  );
  if (rows.length === 0) {
    io.err('this database has no hash-chained event store (event_store.events.hash): start the platform once so it migrates');
    return 2;
  }
  io.err('verifying the hash chain of every stream (one consistent snapshot) …');
  const line = (p: StoreVerificationProgress) =>
    `  ${p.events} events, ${p.streams} streams done, ${p.eventsPerSecond} events/s, ${(p.elapsedMs / 1000).toFixed(1)} s` +
    (p.broken ? `, ${p.broken} broken so far` : '');
  const result = await verifyPostgresEventStore(pool, { onProgress: (p) => io.err(line(p)) });
  const summary = `${result.events} events in ${result.streams} streams, ${(result.durationMs / 1000).toFixed(1)} s (${result.eventsPerSecond} events/s)`;
  if (result.valid) {
    io.out(`valid: every hash recomputes and links — ${summary}`);
    return 0;
  }
  io.out(`INVALID: ${result.broken.length} of ${result.streams} streams do not verify — ${summary}`);
  io.out('stream\tfirst invalid revision\treason');
  for (const b of result.broken) io.out(`${b.stream}\t${b.firstInvalidRevision}\t${b.reason}`);
  return 1;
}

// ---------------------------------------------------------------------------------------------------------------

/** The projections a projector keeps, by the schema their runner owns: the read models (insights included) and the warehouse. */
function projectionGroups(): { schema: string; projections: readonly Projection[] }[] {
  return [
    { schema: READ_MODEL_SCHEMA, projections: ALL_PROJECTIONS },
    { schema: WAREHOUSE_SCHEMA, projections: createWarehouseProjections() },
  ];
}

async function verifyProjections(pool: ReturnType<typeof createPool>, url: string, io: CliIo, keep: boolean): Promise<number> {
  const { rows } = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [READ_MODEL_SCHEMA]);
  if (rows.length === 0) {
    io.err(`this database has no live read models (schema ${READ_MODEL_SCHEMA}): nothing to compare with`);
    return 2;
  }
  await runMigrations(url, [...EVENT_STORE_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS, ...PRIVACY_MIGRATIONS, ...READ_MODEL_MIGRATIONS, ...MESSAGING_MIGRATIONS, ...WAREHOUSE_MIGRATIONS]);
  const logger: ProjectorLogger = { log: (m) => io.err(m), warn: (m) => io.err(`warning: ${m}`), error: (m) => io.err(`error: ${m}`) };
  // Decrypting (null where erased), as the live projector folds: the rebuild must come out equal.
  const env = io.env ?? process.env;
  // The events come from the store EVENT_STORE names, as the live projector's do.
  const config = loadConfig(env);
  const store = privateEventStore(pool, config, await openEventStore(config, pool));
  const comparisons: TableComparison[] = [];
  let position = 0;
  for (const { schema, projections } of projectionGroups()) {
    const runner = new ProjectionRunner({ pool, store, schema, projections, logger });
    const progress = (p: RebuildProgress) =>
      io.err(`  ${p.phase} position ${p.position}/${p.headPosition}, ${p.eventsPerSecond} events/s${p.etaSeconds === null ? '' : `, ETA ${p.etaSeconds} s`}`);
    io.err(`rebuilding ${projections.map((p) => p.name).join(', ')} into a scratch schema (the live ${schema} keep serving) …`);
    const rebuild = await runner.rebuild(undefined, { swap: false, onProgress: progress });
    try {
      // Compare like with like: the live tables must have processed the same events.
      try {
        await runner.waitForPosition(rebuild.position, 30_000);
      } catch {
        io.err(`warning: the live ${schema} have not reached position ${rebuild.position} (is the projector running?); differences may be lag`);
      }
      const ahead = (await runner.status()).filter((s) => s.position > rebuild.position);
      if (ahead.length) {
        io.err(`warning: events arrived during the rebuild (live at ${Math.max(...ahead.map((s) => s.position))}, rebuild at ${rebuild.position}); differences may be those events`);
      }
      const tables = [...new Set(projections.flatMap((p) => p.tables))];
      const compared = await compareReadModelTables(pool, schema, rebuild.schema, tables);
      comparisons.push(...compared.map((c) => ({ ...c, table: `${schema}.${c.table}` })));
      position = Math.max(position, rebuild.position);
    } finally {
      if (keep) io.err(`scratch schema kept: ${rebuild.schema} (drop it with DROP SCHEMA "${rebuild.schema}" CASCADE)`);
      else await pool.query(`DROP SCHEMA IF EXISTS "${rebuild.schema}" CASCADE`);
    }
  }
  return report(comparisons, position, io);
}

function report(comparisons: readonly TableComparison[], position: number, io: CliIo): number {
  const differing = comparisons.filter((c) => c.liveOnly + c.rebuiltOnly > 0);
  for (const c of comparisons) {
    const verdict = c.liveOnly + c.rebuiltOnly === 0 ? 'identical' : `${c.liveOnly} live rows and ${c.rebuiltOnly} rebuilt rows differ`;
    io.out(`${c.table}: ${c.liveRows} live, ${c.rebuiltRows} rebuilt — ${verdict}`);
    for (const d of c.differences) {
      io.out(`  ${d.kind.padEnd(12)} ${JSON.stringify(d.key)}${d.columns ? `  columns: ${d.columns.join(', ')}` : ''}`);
    }
  }
  if (differing.length === 0) {
    io.out(`read models identical to a rebuild from the event store (position ${position}, ${comparisons.length} tables)`);
    return 0;
  }
  io.out(`DIFFERENT: ${differing.length} of ${comparisons.length} tables differ from a rebuild at position ${position}`);
  return 1;
}
