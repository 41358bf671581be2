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
import type { PoolClient } from 'pg';
import type { Projection } from './projection';
import { describeError } from './projection-failure';
import type { RebuildContext, RebuildOptions, RebuildResult } from './projection-rebuild.types';
import { ProgressMeter } from './rebuild-progress';
import { createScratchSchema, dropLeftovers, finishScratchTables, preflight } from './rebuild-scratch-schema';
import { dropSchemaPatiently, swapIn } from './rebuild-swap';
import { assertSchemaName, checkout, quoteIdent } from './sql';

// The types live in their own file so the rebuild's parts can share them without importing this one.
export type { RebuildContext, RebuildOptions, RebuildProgress, RebuildResult } from './projection-rebuild.types';

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
      const deferredIndexes = await createScratchSchema(client, schema, target, selected);
      created = true;
      logger.log(`rebuild of ${selectedNames.join(', ')}: replaying the log into ${target}`);

      const replaying = ctx.createRunner(target, selected, true);
      let position = 0;
      for (;;) {
        position = await replaying.catchUp({ onBatch: (at, n) => meter.batch(at, n) });
        if (!swap || (await store.headPosition()) - position < ctx.batchSize) break;
      }
      await finishReplay(client, target, selected);
      await finishScratchTables(client, target, selected, deferredIndexes);
      // From here on (a retried swap catching up again) the scratch schema is kept incrementally, like the live one.
      const runner = ctx.createRunner(target, selected, false);
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

/** The projections' `finishReplay` hooks, each in its own transaction on the scratch schema. */
async function finishReplay(client: PoolClient, target: string, selected: readonly Projection[]): Promise<void> {
  for (const projection of selected) {
    if (!projection.finishReplay) continue;
    await client.query('BEGIN');
    try {
      await projection.finishReplay({ client, schema: target, replay: true });
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }
}

function pickProjections(all: readonly Projection[], names: readonly string[] | undefined): Projection[] {
  if (!names || names.length === 0) return [...all];
  const unknown = names.filter((n) => !all.some((p) => p.name === n));
  if (unknown.length) throw new Error(`unknown projection(s): ${unknown.join(', ')} (known: ${all.map((p) => p.name).join(', ')})`);
  return all.filter((p) => names.includes(p.name));
}
