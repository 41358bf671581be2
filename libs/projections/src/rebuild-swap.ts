/**
 * Step 3 of a rebuild (see projection-rebuild.ts): the swap transaction that applies the tail, carries over what was
 * not rebuilt and renames the scratch schema into place, and afterwards the patient drop of the old schema.
 */
import type { PoolClient } from 'pg';
import { lowest, readCheckpoints } from './checkpoints';
import type { Projection } from './projection';
import { partitionCheckpoint, type PartitionSet } from './partitions';
import { applyBatch } from './projection-batch';
import { describeError } from './projection-failure';
import type { RebuildContext } from './projection-rebuild.types';
import type { ProjectorLogger } from './projection-runner.types';
import { BOOKKEEPING_TABLES, ownedTables, scratchSharedTables } from './rebuild-scratch-schema';
import { lockSchemaForWrite, qualifiedTable, quoteIdent } from './sql';

/** The swap transaction (see the file comment). Returns the position the rebuilt projections reached. */
export async function swapIn(
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
export async function dropSchemaPatiently(client: PoolClient, old: string, logger: ProjectorLogger): Promise<void> {
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
