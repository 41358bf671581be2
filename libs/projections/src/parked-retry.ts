import type { Pool } from 'pg';
import type { EventStore, RecordedEvent } from '@klantcentraal/event-store';
import { readCheckpoints } from './checkpoints';
import { parkEvents, selectParked, unparkEvents, type ParkedEvent, type Parking } from './parked-events';
import type { Projection, ProjectionContext } from './projection';
import { applyIsolating } from './projection-batch';
import { describeError } from './projection-failure';
import { checkout, lockSchemaForWrite, rollback } from './sql';

export type RetryParkedResult = Readonly<{
  /** Parked events that were tried again. */
  retried: number;
  /** Of those, the ones that now applied (their parked rows are gone). */
  succeeded: number;
  /** What is still (or newly) parked for the retried projections and streams. */
  stillParked: readonly ParkedEvent[];
}>;

export type RetryContext = Readonly<{
  pool: Pool;
  store: EventStore;
  schema: string;
  projections: readonly Projection[];
  logger: Readonly<{ warn(message: string): void }>;
}>;

/**
 * Re-apply parked events (after a code fix), per projection in one transaction under the schema's write lock, in
 * position order; success removes the parked row, failure updates its error and attempts.
 *
 * Order: a parked event is older than the rows it is now applied to. A projection with `resetStreams` gets it right
 * anyway: the parked events' streams are reset and replayed in log order up to the checkpoint (events that still
 * throw stay parked). Without `resetStreams` only the parked events are applied, out of order — correct for
 * order-insensitive folds (counts, sums, sets); for anything else rebuild the projection instead
 * (`rebuild([name])`), which also clears its parked events that now succeed.
 */
export async function retryParkedEvents(ctx: RetryContext, projection?: string, position?: number): Promise<RetryParkedResult> {
  const parked = await selectParked(ctx.pool, ctx.schema, { projection, position });
  let retried = 0;
  let succeeded = 0;
  const stillParked: ParkedEvent[] = [];
  // Parked events of projections this process does not run are left alone.
  for (const p of ctx.projections) {
    const rows = parked.filter((row) => row.projection === p.name);
    if (rows.length === 0) continue;
    const result = await retryProjection(ctx, p, rows);
    retried += result.retried;
    succeeded += result.succeeded;
    stillParked.push(...result.stillParked);
  }
  return { retried, succeeded, stillParked };
}

async function retryProjection(ctx: RetryContext, projection: Projection, requested: readonly ParkedEvent[]): Promise<RetryParkedResult> {
  const { client, release } = await checkout(ctx.pool);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await lockSchemaForWrite(client, ctx.schema);
    const checkpoint = (await readCheckpoints(client, ctx.schema, [projection.name], { forUpdate: true })).get(projection.name) ?? 0;
    const context: ProjectionContext = { client, schema: ctx.schema };
    let retrying: ParkedEvent[];
    let events: RecordedEvent[];
    if (projection.resetStreams) {
      // Exact: reset the streams and replay them in order. Every parked event of those streams is retried with them.
      const streams = [...new Set(requested.map((p) => p.stream))];
      retrying = await selectParked(client, ctx.schema, { projection: projection.name, streams, forUpdate: true });
      await projection.resetStreams(streams, context);
      events = [];
      for (const stream of streams) {
        for await (const e of ctx.store.readStream(stream, { toPosition: checkpoint, types: projection.eventTypes })) events.push(e);
      }
      events.sort((a, b) => a.globalPosition - b.globalPosition);
    } else {
      retrying = await selectParked(client, ctx.schema, { projection: projection.name, forUpdate: true }).then((rows) =>
        rows.filter((r) => requested.some((q) => q.globalPosition === r.globalPosition)),
      );
      const found = new Map((await ctx.store.findByEventIds(retrying.map((p) => p.eventId))).map((e) => [e.eventId, e]));
      events = retrying.flatMap((p) => found.get(p.eventId) ?? []).sort((a, b) => a.globalPosition - b.globalPosition);
    }
    const failures = await applyIsolating(client, projection, context, events);
    const failedAt = new Set(failures.map((f) => f.event.globalPosition));
    const wasParked = new Set(retrying.map((p) => p.globalPosition));
    const parkings: Parking[] = failures.map((f) => ({
      projection: projection.name,
      event: f.event,
      error: describeError(f.error),
      attempts: 1,
    }));
    await parkEvents(client, ctx.schema, parkings);
    const succeededAt = retrying.filter((p) => !failedAt.has(p.globalPosition)).map((p) => p.globalPosition);
    await unparkEvents(client, ctx.schema, projection.name, succeededAt);
    await client.query('COMMIT');
    for (const p of parkings) ctx.logger.warn(`retry of event ${p.event.globalPosition} for "${projection.name}" failed: ${p.error}`);
    const streams = projection.resetStreams ? [...new Set(requested.map((p) => p.stream))] : undefined;
    const stillParked = await selectParked(ctx.pool, ctx.schema, { projection: projection.name, streams }).then((rows) =>
      streams ? rows : rows.filter((r) => wasParked.has(r.globalPosition)),
    );
    return { retried: retrying.length, succeeded: succeededAt.length, stillParked };
  } catch (err) {
    broken = await rollback(client, err);
    throw err;
  } finally {
    release(broken);
  }
}
