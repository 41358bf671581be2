/**
 * Rebuild = replay from position 0 into fresh tables while the current ones keep serving, then switch atomically.
 *
 * 1. Under a session advisory lock (one rebuild per schema at a time) create `read_models_rebuild_<n>` holding, for
 *    every table the rebuilt projections own, `CREATE TABLE … (LIKE read_models.<t> INCLUDING ALL)` — migrations stay
 *    the single owner of definitions — plus empty `checkpoints` and `parked_events`, with the same privileges.
 * 2. A second runner (schema = the scratch schema, its own checkpoints) replays the log until it is within one batch
 *    of the head. Readers and the live runner are not disturbed: they never touch the scratch schema.
 * 3. One swap transaction: take the live schema's write lock (the live runner pauses between batches), apply the
 *    remaining tail, move every other object of the live schema (tables of projections not rebuilt, with their
 *    checkpoints and parked events; shared tables such as an outbox; sequences, types, functions) into the scratch
 *    schema — `ALTER … SET SCHEMA` is a catalog update, no copy — then
 *    `ALTER SCHEMA read_models RENAME TO read_models_old_<n>; ALTER SCHEMA read_models_rebuild_<n> RENAME TO read_models`.
 *    Queries resolve `read_models.<t>` when they start: before the commit they read the old tables, after it the new
 *    ones, never a mix and never a missing table. The live runner's waiting batch re-reads the (new) checkpoints.
 * 4. After the commit the old schema is dropped (waiting for readers still inside old tables).
 *
 * A partial rebuild (named projections) therefore costs only the replay of those projections. Not supported in the
 * read-model schema (refused up front): views, materialized views, foreign tables, extensions, triggers on rebuilt
 * tables — a swap could not carry them. Row-level security policies and statistics objects are not copied.
 */
import type { Pool, PoolClient } from 'pg';
import type { EventStore } from '@klantcentraal/event-store';
import { lowest, readCheckpoints } from './checkpoints';
import type { Projection } from './projection';
import { partitionCheckpoint, type PartitionSet } from './partitions';
import { applyBatch } from './projection-batch';
import { describeError } from './projection-failure';
import type { ProjectorLogger } from './projection-runner.types';
import { assertSchemaName, checkout, lockSchemaForWrite, qualifiedTable, quoteIdent } from './sql';

export type RebuildProgress = Readonly<{
  phase: 'replay' | 'swap' | 'done';
  projections: readonly string[];
  position: number;
  headPosition: number;
  /** Events of the log replayed so far. */
  events: number;
  eventsPerSecond: number;
  /** Estimated seconds until the replay reaches the head; null while unknown. */
  etaSeconds: number | null;
  elapsedMs: number;
}>;

export type RebuildOptions = Readonly<{
  onProgress?(progress: RebuildProgress): void;
  /** Minimum time between progress reports during the replay (default 1000 ms). */
  progressIntervalMs?: number;
  /**
   * false: replay into the scratch schema and leave it there (its name is returned) instead of swapping it in —
   * for comparing a rebuild with the live rows. The caller drops it (the next rebuild drops leftovers too).
   */
  swap?: boolean;
  /**
   * During the swap, how long to wait for a lock on a table that moves (a long query on it); on timeout the swap
   * rolls back, the replay catches up again and the swap is retried (5 attempts). Default 10 000 ms.
   */
  swapLockTimeoutMs?: number;
}>;

export type RebuildResult = Readonly<{
  projections: readonly string[];
  /** Where the rebuilt rows are now: the active schema after a swap, else the scratch schema. */
  schema: string;
  swapped: boolean;
  /** The position the rebuilt projections reached. */
  position: number;
  events: number;
  durationMs: number;
  eventsPerSecond: number;
}>;

/** What a rebuild needs of the runner that owns the live schema. */
export type RebuildContext = Readonly<{
  pool: Pool;
  store: EventStore;
  schema: string;
  projections: readonly Projection[];
  batchSize: number;
  logger: ProjectorLogger;
  /**
   * The live runner's partitions (all of them), when the live schema is written by partitioned runners: the tail the
   * live emitting projections apply at the swap then starts at each partition's own checkpoint.
   */
  livePartitions?: PartitionSet;
  /** A runner over `projections` that writes `schema` (the scratch schema). */
  createRunner(schema: string, projections: readonly Projection[]): {
    catchUp(options: { onBatch?(position: number, events: number): Promise<void> | void }): Promise<number>;
  };
}>;

const BOOKKEEPING_TABLES = ['checkpoints', 'parked_events'];
const SWAP_ATTEMPTS = 5;

export async function rebuildProjections(ctx: RebuildContext, names: readonly string[] | undefined, options: RebuildOptions = {}): Promise<RebuildResult> {
  const { pool, store, schema, logger } = ctx;
  const selected = pickProjections(ctx.projections, names);
  const selectedNames = selected.map((p) => p.name);
  const swap = options.swap ?? true;
  const started = Date.now();
  const suffix = String(started);
  const target = assertSchemaName(`${schema}_rebuild_${suffix}`);
  const old = assertSchemaName(`${schema}_old_${suffix}`);
  const meter = new ProgressMeter(store, selectedNames, started, options);

  const { client, release } = await checkout(pool);
  let broken: Error | undefined;
  const lockKey = `klantcentraal:projections:rebuild:${schema}`;
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [lockKey]);
    if (!rows[0].ok) throw new Error(`another rebuild of schema ${schema} is running`);
    let created = false;
    let swapped = false;
    try {
      await dropLeftovers(client, schema, logger);
      await preflight(client, schema, selected);
      await createScratchSchema(client, schema, target, selected);
      created = true;
      logger.log(`rebuild of ${selectedNames.join(', ')}: replaying the log into ${target}`);

      const runner = ctx.createRunner(target, selected);
      let position = 0;
      for (;;) {
        position = await runner.catchUp({ onBatch: (at, n) => meter.batch(at, n) });
        if (!swap || (await store.headPosition()) - position < ctx.batchSize) break;
      }
      if (swap) {
        meter.phase = 'swap';
        await meter.report(position);
        for (let attempt = 1; ; attempt++) {
          try {
            position = await swapIn(ctx, client, selected, target, old, options.swapLockTimeoutMs ?? 10_000, (at, n) => meter.batch(at, n));
            break;
          } catch (err) {
            // A long query held a table the swap must move: keep the replay, catch up again, try again.
            if ((err as { code?: string }).code !== '55P03' || attempt === SWAP_ATTEMPTS) throw err;
            logger.warn(`swap attempt ${attempt} timed out waiting for a lock (${describeError(err)}); retrying`);
            position = await runner.catchUp({ onBatch: (at, n) => meter.batch(at, n) });
          }
        }
        swapped = true;
        await dropSchemaPatiently(client, old, logger);
      }
      meter.phase = 'done';
      await meter.report(position);
      const durationMs = Date.now() - started;
      const result: RebuildResult = {
        projections: selectedNames,
        schema: swapped ? schema : target,
        swapped,
        position,
        events: meter.events,
        durationMs,
        eventsPerSecond: Math.round(meter.events / Math.max(durationMs / 1000, 0.001)),
      };
      logger.log(
        `rebuild of ${selectedNames.join(', ')} done: ${result.events} events in ${(durationMs / 1000).toFixed(1)} s ` +
          `(${result.eventsPerSecond} events/s), position ${position}${swapped ? `, swapped into ${schema}` : `, left in ${target}`}`,
      );
      return result;
    } catch (err) {
      if (created && !swapped) await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(target)} CASCADE`).catch(() => undefined);
      throw err;
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]).catch((err: Error) => (broken = err));
    }
  } finally {
    release(broken);
  }
}

function pickProjections(all: readonly Projection[], names: readonly string[] | undefined): Projection[] {
  if (!names || names.length === 0) return [...all];
  const unknown = names.filter((n) => !all.some((p) => p.name === n));
  if (unknown.length) throw new Error(`unknown projection(s): ${unknown.join(', ')} (known: ${all.map((p) => p.name).join(', ')})`);
  return all.filter((p) => names.includes(p.name));
}

const ownedTables = (projections: readonly Projection[]) => projections.flatMap((p) => p.tables);
const scratchSharedTables = (projections: readonly Projection[]) => {
  const owned = new Set(ownedTables(projections));
  return [...new Set(projections.flatMap((p) => p.sharedTables ?? []))].filter((t) => !owned.has(t));
};

/** Scratch and old schemas of crashed or inspected rebuilds (safe: we hold the rebuild lock). */
async function dropLeftovers(client: PoolClient, schema: string, logger: ProjectorLogger): Promise<void> {
  const { rows } = await client.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname ~ ('^' || $1 || '_(rebuild|old)_[0-9]+$')`,
    [schema],
  );
  for (const { nspname } of rows) {
    logger.warn(`dropping schema ${nspname} left by an earlier rebuild`);
    await client.query(`DROP SCHEMA ${quoteIdent(nspname)} CASCADE`);
  }
}

async function preflight(client: PoolClient, schema: string, selected: readonly Projection[]): Promise<void> {
  const tables = [...ownedTables(selected), ...scratchSharedTables(selected), ...BOOKKEEPING_TABLES];
  const { rows: missing } = await client.query<{ t: string }>(
    `SELECT t FROM unnest($2::text[]) AS t WHERE to_regclass(quote_ident($1) || '.' || quote_ident(t)) IS NULL`,
    [schema, tables],
  );
  if (missing.length) {
    throw new Error(`rebuild: table(s) ${missing.map((r) => `${schema}.${r.t}`).join(', ')} do not exist: run the migrations first`);
  }
  const { rows: unsupported } = await client.query<{ what: string }>(
    `SELECT CASE c.relkind WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view ' ELSE 'foreign table ' END || c.relname AS what
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('v', 'm', 'f')
     UNION ALL
     SELECT 'extension ' || e.extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE n.nspname = $1
     UNION ALL
     SELECT 'trigger ' || t.tgname || ' on ' || c.relname
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND NOT t.tgisinternal`,
    [schema, ownedTables(selected)],
  );
  if (unsupported.length) {
    throw new Error(
      `rebuild cannot carry these objects of schema ${schema} through the swap: ${unsupported.map((r) => r.what).join(', ')}. ` +
        'Keep read-model schemas to tables (with indexes, constraints, sequences), types and functions.',
    );
  }
}

async function createScratchSchema(client: PoolClient, schema: string, target: string, selected: readonly Projection[]): Promise<void> {
  const rebuilt = ownedTables(selected);
  const tables = [...rebuilt, ...scratchSharedTables(selected), ...BOOKKEEPING_TABLES];
  await client.query('BEGIN');
  try {
    await client.query(`CREATE SCHEMA ${quoteIdent(target)}`);
    for (const table of tables) {
      await client.query(`CREATE TABLE ${qualifiedTable(target, table)} (LIKE ${qualifiedTable(schema, table)} INCLUDING ALL)`);
      await recreateOwnedSequences(client, schema, target, table);
    }
    for (const table of tables) await copyForeignKeys(client, schema, target, table, new Set(tables));
    await copyPrivileges(client, schema, target, tables);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * LIKE … INCLUDING ALL copies a serial column's default as `nextval(<the old table's sequence>)`: the new table would
 * share the old sequence and lose its default when the old schema is dropped. Give it its own sequence (identity
 * columns get one from LIKE already).
 */
async function recreateOwnedSequences(client: PoolClient, schema: string, target: string, table: string): Promise<void> {
  const { rows } = await client.query<{
    column: string;
    sequence: string;
    type: string;
    start: string;
    increment: string;
    min: string;
    max: string;
    cache: string;
    cycle: boolean;
  }>(
    `SELECT a.attname AS column, seq.relname AS sequence, format_type(s.seqtypid, NULL) AS type, s.seqstart::text AS start,
            s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max, s.seqcache::text AS cache,
            s.seqcycle AS cycle
       FROM pg_attrdef d
       JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
       JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid AND dep.refclassid = 'pg_class'::regclass
       JOIN pg_class seq ON seq.oid = dep.refobjid AND seq.relkind = 'S'
       JOIN pg_sequence s ON s.seqrelid = seq.oid
      WHERE d.adrelid = $1::regclass AND pg_get_serial_sequence($2, a.attname)::regclass = seq.oid`,
    [qualifiedTable(target, table), qualifiedTable(schema, table)],
  );
  for (const r of rows) {
    const sequence = qualifiedTable(target, r.sequence);
    await client.query(
      `CREATE SEQUENCE ${sequence} AS ${r.type} INCREMENT BY ${r.increment} MINVALUE ${r.min} MAXVALUE ${r.max} START WITH ${r.start} ` +
        `CACHE ${r.cache} ${r.cycle ? 'CYCLE' : 'NO CYCLE'} OWNED BY ${qualifiedTable(target, table)}.${quoteIdent(r.column)}`,
    );
    await client.query(
      `ALTER TABLE ${qualifiedTable(target, table)} ALTER COLUMN ${quoteIdent(r.column)} SET DEFAULT nextval('${sequence.replace(/'/g, "''")}'::regclass)`,
    );
  }
}

/** LIKE does not copy foreign keys. References to tables rebuilt alongside point into the scratch schema. */
async function copyForeignKeys(client: PoolClient, schema: string, target: string, table: string, copied: ReadonlySet<string>): Promise<void> {
  const { rows } = await client.query<{ name: string; def: string; ref: string; refname: string; refschema: string }>(
    `SELECT con.conname AS name, pg_get_constraintdef(con.oid) AS def, con.confrelid::regclass::text AS ref,
            rc.relname AS refname, rn.nspname AS refschema
       FROM pg_constraint con JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE con.conrelid = $1::regclass AND con.contype = 'f'`,
    [qualifiedTable(schema, table)],
  );
  for (const r of rows) {
    const def =
      r.refschema === schema && copied.has(r.refname) ? r.def.replace(`REFERENCES ${r.ref}(`, `REFERENCES ${qualifiedTable(target, r.refname)}(`) : r.def;
    await client.query(`ALTER TABLE ${qualifiedTable(target, table)} ADD CONSTRAINT ${quoteIdent(r.name)} ${def}`);
  }
}

/** Grants on the schema, on its tables and its default privileges, so roles that read the read models still can. */
async function copyPrivileges(client: PoolClient, schema: string, target: string, tables: readonly string[]): Promise<void> {
  const grantee = `CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END`;
  const option = `CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END`;
  const { rows } = await client.query<{ sql: string }>(
    `SELECT format('GRANT %s ON SCHEMA %I TO %s%s', a.privilege_type, $2::text, ${grantee}, ${option}) AS sql
       FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = $1
     UNION ALL
     SELECT format('GRANT %s ON TABLE %I.%I TO %s%s', a.privilege_type, $2::text, c.relname, ${grantee}, ${option})
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
      WHERE n.nspname = $1 AND c.relname = ANY($3::text[])
     UNION ALL
     SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT %s ON %s TO %s%s', pg_get_userbyid(d.defaclrole), $2::text,
                   a.privilege_type,
                   CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS' ELSE 'TYPES' END,
                   ${grantee}, ${option})
       FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
      WHERE n.nspname = $1`,
    [schema, target, tables],
  );
  for (const { sql } of rows) await client.query(sql);
}

/** The swap transaction (see the file comment). Returns the position the rebuilt projections reached. */
async function swapIn(
  ctx: RebuildContext,
  client: PoolClient,
  selected: readonly Projection[],
  target: string,
  old: string,
  lockTimeoutMs: number,
  onBatch: (position: number, events: number) => Promise<void>,
): Promise<number> {
  const { schema, store, logger } = ctx;
  await client.query('BEGIN');
  try {
    await lockSchemaForWrite(client, schema); // waits for the live runner's batch in hand, however long it takes
    // From here bounded waits: a long query on a table to be moved must not pause the live runner for long.
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))}`);
    const head = await store.headPosition();
    const position = await applyTail(ctx, client, target, selected, head, onBatch);
    // Projections writing shared tables (an outbox) must have emitted the tail into the live tables, which are kept.
    const emitting = selected.filter((p) => (p.sharedTables ?? []).length > 0);
    if (emitting.length) await applyTail(ctx, client, schema, emitting, head, async () => undefined, ctx.livePartitions);
    await assertSameDefinitions(client, schema, target, ownedTables(selected));
    await carryOver(client, schema, target, selected);
    const names = selected.map((p) => p.name);
    await client.query(
      `INSERT INTO ${qualifiedTable(target, 'checkpoints')} SELECT * FROM ${qualifiedTable(schema, 'checkpoints')} WHERE projection <> ALL($1::text[])`,
      [names],
    );
    await client.query(
      `INSERT INTO ${qualifiedTable(target, 'parked_events')} SELECT * FROM ${qualifiedTable(schema, 'parked_events')} WHERE projection <> ALL($1::text[])`,
      [names],
    );
    await client.query(`ALTER SCHEMA ${quoteIdent(schema)} RENAME TO ${quoteIdent(old)}`);
    await client.query(`ALTER SCHEMA ${quoteIdent(target)} RENAME TO ${quoteIdent(schema)}`);
    await client.query('COMMIT');
    logger.log(`swapped the rebuilt ${names.join(', ')} into ${schema} at position ${position}`);
    return position;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Apply (from the projections' checkpoints in `schema`, up to `head`) inside the caller's transaction, isolating. */
async function applyTail(
  ctx: RebuildContext,
  client: PoolClient,
  schema: string,
  projections: readonly Projection[],
  head: number,
  onBatch: (position: number, events: number) => Promise<void>,
  partitions?: PartitionSet,
): Promise<number> {
  const keys = projections.flatMap((p) => (partitions ? partitions.owned.map((i) => partitionCheckpoint(p.name, i, partitions.count)) : [p.name]));
  let position = lowest(await readCheckpoints(client, schema, keys));
  while (position < head) {
    const events = (await ctx.store.readAll(position, ctx.batchSize)).filter((e) => e.globalPosition <= head);
    if (events.length === 0) break;
    const outcome = await applyBatch(client, schema, projections, position, events, { isolate: true, attempts: 1, partitions });
    if (outcome.kind !== 'applied') throw new Error(`rebuild: checkpoints in ${schema} moved below ${position} during the swap`);
    for (const p of outcome.parked) {
      ctx.logger.error(`parked event ${p.event.globalPosition} (${p.event.type}) for projection "${p.projection}": ${p.error}`);
    }
    position = events[events.length - 1].globalPosition;
    await onBatch(position, events.length);
  }
  return position;
}

/** A migration that altered a rebuilt table during the replay would be undone by the swap: refuse instead. */
async function assertSameDefinitions(client: PoolClient, schema: string, target: string, tables: readonly string[]): Promise<void> {
  const { rows } = await client.query<{ table: string; live: string | null; rebuilt: string | null }>(
    `WITH defs AS (
       SELECT n.nspname AS schema, c.relname AS t,
              string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                         ', ' ORDER BY a.attnum) AS def
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname IN ($1, $2) AND c.relname = ANY($3::text[])
        GROUP BY n.nspname, c.relname)
     SELECT t.t AS table, l.def AS live, r.def AS rebuilt
       FROM unnest($3::text[]) AS t(t)
       LEFT JOIN defs l ON l.schema = $1 AND l.t = t.t
       LEFT JOIN defs r ON r.schema = $2 AND r.t = t.t
      WHERE l.def IS DISTINCT FROM r.def`,
    [schema, target, tables],
  );
  if (rows.length) {
    throw new Error(
      `rebuild: the definition of ${rows.map((r) => `${schema}.${r.table}`).join(', ')} changed during the replay (a migration ran?); rebuild again`,
    );
  }
}

/** Move everything of the live schema that the rebuild did not replace into the scratch schema. */
async function carryOver(client: PoolClient, schema: string, target: string, selected: readonly Projection[]): Promise<void> {
  for (const table of scratchSharedTables(selected)) await client.query(`DROP TABLE ${qualifiedTable(target, table)}`);
  const replaced = [...ownedTables(selected), ...BOOKKEEPING_TABLES];
  const notExtension = (oid: string) => `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = ${oid} AND e.deptype = 'e')`;
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname <> ALL($2::text[]) AND ${notExtension('c.oid')}`,
    [schema, replaced],
  );
  for (const { name } of tables) await client.query(`ALTER TABLE ${qualifiedTable(schema, name)} SET SCHEMA ${quoteIdent(target)}`);
  // Sequences owned by a column moved with their table (or stay with a replaced one); standalone ones move now.
  const { rows: sequences } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'S' AND ${notExtension('c.oid')}
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))`,
    [schema],
  );
  for (const { name } of sequences) await client.query(`ALTER SEQUENCE ${qualifiedTable(schema, name)} SET SCHEMA ${quoteIdent(target)}`);
  const { rows: types } = await client.query<{ name: string; domain: boolean }>(
    `SELECT t.oid::regtype::text AS name, t.typtype = 'd' AS domain
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_class c ON c.oid = t.typrelid
      WHERE n.nspname = $1 AND (t.typtype IN ('e', 'r', 'd') OR (t.typtype = 'c' AND c.relkind = 'c')) AND ${notExtension('t.oid')}`,
    [schema],
  );
  for (const t of types) await client.query(`ALTER ${t.domain ? 'DOMAIN' : 'TYPE'} ${t.name} SET SCHEMA ${quoteIdent(target)}`);
  const { rows: routines } = await client.query<{ name: string }>(
    `SELECT p.oid::regprocedure::text AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1 AND ${notExtension('p.oid')}`,
    [schema],
  );
  for (const r of routines) await client.query(`ALTER ROUTINE ${r.name} SET SCHEMA ${quoteIdent(target)}`);
}

/** Waits (bounded, a few tries) for readers still inside the old tables; on failure the next rebuild drops it. */
async function dropSchemaPatiently(client: PoolClient, old: string, logger: ProjectorLogger): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = '10s'`);
      await client.query(`DROP SCHEMA ${quoteIdent(old)} CASCADE`);
      await client.query('COMMIT');
      return;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (attempt === 3) logger.warn(`could not drop ${old} (${describeError(err)}); the next rebuild drops it`);
    }
  }
}

class ProgressMeter {
  events = 0;
  phase: RebuildProgress['phase'] = 'replay';
  private head = 0;
  private lastReport = 0;
  private readonly interval: number;

  constructor(
    private readonly store: EventStore,
    private readonly projections: readonly string[],
    private readonly started: number,
    private readonly options: RebuildOptions,
  ) {
    this.interval = options.progressIntervalMs ?? 1000;
  }

  async batch(position: number, events: number): Promise<void> {
    this.events += events;
    if (Date.now() - this.lastReport >= this.interval) await this.report(position);
  }

  async report(position: number): Promise<void> {
    if (!this.options.onProgress) return;
    const phase = this.phase;
    this.head = await this.store.headPosition();
    this.lastReport = Date.now();
    const elapsedMs = Date.now() - this.started;
    const eventsPerSecond = this.events / Math.max(elapsedMs / 1000, 0.001);
    const remaining = Math.max(0, this.head - position);
    this.options.onProgress({
      phase,
      projections: this.projections,
      position,
      headPosition: Math.max(this.head, position),
      events: this.events,
      eventsPerSecond: Math.round(eventsPerSecond),
      etaSeconds: phase === 'done' ? 0 : eventsPerSecond > 0 ? Math.round(remaining / eventsPerSecond) : null,
      elapsedMs,
    });
  }
}
