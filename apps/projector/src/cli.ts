/**
 * `npm run projections -- <command>`:
 *
 *   status                      checkpoint, head, lag and parked events per projection; each partition's owner
 *                               (a running `start:projector`) and checkpoint
 *   metrics                     the same as Prometheus text
 *   parked [name]               parked (poison) events
 *   retry [name] [position]     re-apply parked events after a fix (all, one projection's, or one event)
 *   rebuild [name …]            replay into fresh tables and swap them in (default: every projection)
 *
 * Database: DATABASE_URL, else the embedded cluster of a running `npm start` (<DATA_DIR>/postgres.url).
 * A rebuild works while the platform runs: readers keep the old tables until the swap.
 */
import { ConfigError, loadConfig, redactUrl, resolveDatabaseUrl } from '@klantcentraal/config';
import { EVENT_STORE_MIGRATIONS, openEventStore } from '@klantcentraal/event-store';
import { PRIVACY_MIGRATIONS, privateEventStore } from '@klantcentraal/privacy';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import type { Pool } from 'pg';
import {
  allPartitions,
  formatLagMetrics,
  ProjectionRunner,
  readPartitionCheckpoints,
  readPartitionOwnership,
  type PartitionCheckpoint,
  type ProjectorLogger,
  type RebuildProgress,
} from '@klantcentraal/projections';
import { createProjections } from '@klantcentraal/read-models';
import { createWarehouseProjections, WAREHOUSE_MIGRATIONS, WAREHOUSE_SCHEMA } from '@klantcentraal/warehouse';
import { PROJECTOR_MIGRATIONS } from './projector';

const READ_MODEL_PROJECTIONS = createProjections({ insights: true });
const WAREHOUSE_PROJECTIONS = createWarehouseProjections();

const USAGE = `usage: npm run projections -- <command>
  status                    checkpoint, head, lag and parked events per projection; owner and checkpoint per partition
  metrics                   lag as Prometheus text
  parked [name]             list parked (poison) events
  retry [name] [position]   re-apply parked events (after a fix)
  rebuild [name ...]        replay from position 0 into fresh tables, then swap them in
projections: ${[...READ_MODEL_PROJECTIONS, ...WAREHOUSE_PROJECTIONS].map((p) => p.name).join(', ')}`;

class UsageError extends Error {}

const logger: ProjectorLogger = {
  log: (m) => console.log(m),
  warn: (m) => console.warn(`warning: ${m}`),
  error: (m) => console.error(`error: ${m}`),
};

function table(rows: readonly Record<string, string | number>[]): string {
  if (rows.length === 0) return '(none)';
  const columns = Object.keys(rows[0]);
  const width = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (values: readonly (string | number)[]) =>
    values.map((v, i) => (typeof v === 'number' ? String(v).padStart(width[i]) : String(v).padEnd(width[i]))).join('  ').trimEnd();
  return [line(columns), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => r[c])))].join('\n');
}

function progressLine(p: RebuildProgress): string {
  const pct = p.headPosition ? ((100 * p.position) / p.headPosition).toFixed(1) : '100.0';
  const eta = p.etaSeconds === null ? '?' : `${p.etaSeconds} s`;
  return `${p.phase.padEnd(7)} position ${p.position}/${p.headPosition} (${pct} %)  ${p.eventsPerSecond} events/s  ETA ${eta}`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (!['status', 'metrics', 'parked', 'retry', 'rebuild'].includes(command)) throw new UsageError(`unknown command "${command}"`);
  const known = [...READ_MODEL_PROJECTIONS, ...WAREHOUSE_PROJECTIONS].map((p) => p.name);
  const checkName = (name: string | undefined) => {
    if (name !== undefined && !known.includes(name)) throw new UsageError(`unknown projection "${name}"`);
    return name;
  };

  const config = loadConfig();
  const { url, source } = resolveDatabaseUrl(config);
  console.error(`database: ${redactUrl(url)} (from ${source})`);
  await runMigrations(url, [...EVENT_STORE_MIGRATIONS, ...PRIVACY_MIGRATIONS, ...PROJECTOR_MIGRATIONS, ...WAREHOUSE_MIGRATIONS]);
  const pool = createPool(url, { max: 6 });
  // Decrypting: a rebuild folds plaintext (or null where erased), never ciphertext. The events come from the store
  // EVENT_STORE names, as in the projector itself.
  const store = privateEventStore(pool, config, await openEventStore(config, pool));
  // Two runners, as in the platform: the read models (schema read_models) and the warehouse (schema warehouse).
  // Never started here: they read and rebuild. Partitioned like the projectors, so a rebuild's swap goes on from each
  // partition's own checkpoint.
  const partitions = allPartitions(config.projectionPartitions);
  const readModels = new ProjectionRunner({ pool, store, projections: READ_MODEL_PROJECTIONS, logger, partitions });
  const warehouse = new ProjectionRunner({ pool, store, schema: WAREHOUSE_SCHEMA, projections: WAREHOUSE_PROJECTIONS, logger, partitions });
  const both = [
    { runner: readModels, names: READ_MODEL_PROJECTIONS.map((p) => p.name) },
    { runner: warehouse, names: WAREHOUSE_PROJECTIONS.map((p) => p.name) },
  ];
  /** The runners a command applies to: all, or the one owning the named projections (with those names). */
  const selected = (names: readonly string[]) =>
    both
      .map((b) => ({ runner: b.runner, names: names.filter((n) => b.names.includes(n)) }))
      .filter((b) => names.length === 0 || b.names.length > 0);
  const runner = {
    status: async () => (await Promise.all(both.map((b) => b.runner.status()))).flat(),
    // One exposition for both runners: each metric's HELP/TYPE once (Prometheus rejects repeats).
    metrics: () => formatLagMetrics(both.map((b) => b.runner)),
    listParked: async (name?: string) => (await Promise.all(selected(name ? [name] : []).map((b) => b.runner.listParked(name)))).flat(),
    retryParked: async (name?: string, position?: number) => {
      const results = await Promise.all(selected(name ? [name] : []).map((b) => b.runner.retryParked(name, position)));
      return {
        retried: results.reduce((n, r) => n + r.retried, 0),
        succeeded: results.reduce((n, r) => n + r.succeeded, 0),
        stillParked: results.flatMap((r) => r.stillParked),
      };
    },
    rebuild: async (names: readonly string[] | undefined, options: Parameters<ProjectionRunner['rebuild']>[1]) => {
      for (const b of selected(names ?? [])) await b.runner.rebuild(names ? b.names : undefined, options);
    },
  };
  try {
    switch (command) {
      case 'status': {
        const statuses = await runner.status();
        console.log(
          table(
            statuses.map((s) => ({
              projection: s.projection,
              position: s.position,
              head: s.headPosition,
              'lag (events)': s.lagEvents,
              'lag (s)': Number((s.lagMs / 1000).toFixed(1)),
              parked: s.parked,
            })),
          ),
        );
        console.log(`\n${await partitionTable(pool, config.projectionPartitions)}`);
        return 0;
      }
      case 'metrics':
        process.stdout.write(await runner.metrics());
        return 0;
      case 'parked': {
        const parked = await runner.listParked(checkName(rest[0]));
        console.log(
          table(
            parked.map((p) => ({
              projection: p.projection,
              position: p.globalPosition,
              type: p.eventType,
              stream: p.stream,
              'event id': p.eventId,
              attempts: p.attempts,
              error: p.error,
            })),
          ),
        );
        return 0;
      }
      case 'retry': {
        const name = checkName(rest[0]);
        const position = rest[1] === undefined ? undefined : Number(rest[1]);
        if (position !== undefined && (!Number.isInteger(position) || position <= 0)) throw new UsageError(`not a position: "${rest[1]}"`);
        const result = await runner.retryParked(name, position);
        console.log(`retried ${result.retried}, applied ${result.succeeded}, still parked ${result.stillParked.length}`);
        for (const p of result.stillParked) console.log(`  ${p.projection} @${p.globalPosition} ${p.eventType}: ${p.error}`);
        return result.stillParked.length ? 1 : 0;
      }
      case 'rebuild': {
        rest.forEach(checkName);
        const tty = process.stdout.isTTY;
        // The runner's log says what happens (scratch schema, swap, summary); progress goes on one line on a terminal.
        await runner.rebuild(rest.length ? rest : undefined, {
          onProgress: (p) => {
            if (tty && p.phase === 'replay') process.stdout.write(`\r${progressLine(p)}   `);
            else console.log(`${tty ? '\r' : ''}${progressLine(p)}`);
          },
        });
        return 0;
      }
    }
    return 2;
  } finally {
    await store.close();
    await pool.end();
  }
}

/** Per partition: its owner (the lease; `live` while that projector holds the lock) and lowest checkpoint per schema. */
async function partitionTable(pool: Pool, count: number): Promise<string> {
  const [leases, readModels, warehouse] = await Promise.all([
    readPartitionOwnership(pool),
    readPartitionCheckpoints(pool, 'read_models', READ_MODEL_PROJECTIONS.map((p) => p.name), count),
    readPartitionCheckpoints(pool, WAREHOUSE_SCHEMA, WAREHOUSE_PROJECTIONS.map((p) => p.name), count),
  ]);
  const lowestOf = (rows: readonly PartitionCheckpoint[], partition: number) =>
    Math.min(...rows.filter((r) => r.partition === partition).map((r) => r.position));
  const byPartition = new Map(leases.map((l) => [l.partition, l]));
  return table(
    Array.from({ length: count }, (_, partition) => {
      const lease = byPartition.get(partition);
      return {
        partition,
        owner: lease?.held ? lease.owner : '(none)',
        epoch: lease?.epoch ?? 0,
        'owned since': lease?.held ? lease.acquiredAt : '',
        'checkpoint (read models)': lowestOf(readModels, partition),
        'checkpoint (warehouse)': lowestOf(warehouse, partition),
      };
    }),
  );
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    if (err instanceof UsageError || err instanceof ConfigError) {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
