import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@klantcentraal/event-store';
import { lowest, readCheckpoints, saveCheckpoints } from './checkpoints';
import { parkEvents, type Parking } from './parked-events';
import type { Projection, ProjectionContext } from './projection';
import { describeError, isSystemicError } from './projection-failure';
import { startProjectionSpans } from './projection-tracing';
import { partitionCheckpoint, partitionOfStream, type PartitionSet } from './partitions';
import { lockSchemaForWrite, quoteIdent } from './sql';

export type BatchOutcome =
  | Readonly<{
      kind: 'applied';
      /** Every projection's checkpoint after the batch. */
      checkpoints: ReadonlyMap<string, number>;
      /** Events handed to projections (an event counts once per projection that took it). */
      applied: number;
      parked: readonly Parking[];
    }>
  | Readonly<{
      /** Some checkpoint is below the position the batch was read from (reset, or a rebuild swapped in another
       * schema): nothing was applied; read again from `from`. */
      kind: 'behind';
      from: number;
    }>
  | Readonly<{
      /** The runner no longer owns (some of) its partitions: another process took them over. Nothing was applied. */
      kind: 'fenced';
      reason: string;
    }>;

export type BatchMode = Readonly<{
  /** Apply each projection inside a savepoint and bisect a failing one down to the events that throw; park those. */
  isolate: boolean;
  /** Recorded with parked events: how often the batch failed before isolating. */
  attempts: number;
  /** Apply only the events of these partitions, each above its own checkpoint (default: everything, one checkpoint). */
  partitions?: PartitionSet;
  /**
   * Fencing: called in the transaction after the schema lock; a reason (string) when this runner may no longer
   * write its partitions. Checked in the same transaction that would write, so a stale owner can never commit.
   */
  fence?(client: PoolClient): Promise<string | null>;
  /** A rebuild's replay into its scratch schema: passed on as `ProjectionContext.replay`. */
  replay?: boolean;
}>;

const typeSets = new WeakMap<Projection, ReadonlySet<string>>();
function handles(projection: Projection): ReadonlySet<string> {
  let set = typeSets.get(projection);
  if (!set) typeSets.set(projection, (set = new Set(projection.eventTypes)));
  return set;
}

/**
 * One batch inside the caller's open transaction: lock the schema, read every checkpoint (FOR UPDATE), hand each
 * projection the events it handles above its own checkpoint, then move every checkpoint to the batch's last
 * position — so the rows and the checkpoint commit (or roll back) together. A constant number of round trips per
 * batch plus what the projections' set-based writers need; never one per event.
 *
 * `from` is the position the events were read after: events (from, last] are exactly what the log holds there.
 */
export async function applyBatch(
  client: PoolClient,
  schema: string,
  projections: readonly Projection[],
  from: number,
  events: readonly RecordedEvent[],
  mode: BatchMode,
): Promise<BatchOutcome> {
  await lockSchemaForWrite(client, schema);
  const fenced = mode.fence ? await mode.fence(client) : null;
  if (fenced !== null) return { kind: 'fenced', reason: fenced };
  const { partitions } = mode;
  const keysOf = (p: Projection): string[] =>
    partitions ? partitions.owned.map((i) => partitionCheckpoint(p.name, i, partitions.count)) : [p.name];
  const before = await readCheckpoints(client, schema, projections.flatMap(keysOf), { forUpdate: true });
  if (lowest(before) < from) return { kind: 'behind', from: lowest(before) };
  const last = events.length ? events[events.length - 1].globalPosition : from;
  const partitionOf = partitions ? events.map((e) => partitionOfStream(e.stream, partitions.count)) : null;

  const context: ProjectionContext = mode.replay ? { client, schema, replay: true } : { client, schema };
  const after = new Map<string, number>();
  const parked: Parking[] = [];
  let applied = 0;
  for (const projection of projections) {
    const keys = keysOf(projection);
    const checkpoints = keys.map((key) => before.get(key) ?? 0);
    if (Math.min(...checkpoints) >= last) continue;
    const types = handles(projection);
    let mine: RecordedEvent[];
    if (partitions && partitionOf) {
      // Per event: its partition must be owned, and the event above that partition's checkpoint.
      const checkpointOf = new Map(partitions.owned.map((partition, i) => [partition, checkpoints[i]]));
      mine = events.filter((e, i) => {
        const checkpoint = checkpointOf.get(partitionOf[i]);
        return checkpoint !== undefined && e.globalPosition > checkpoint && types.has(e.type);
      });
    } else {
      mine = events.filter((e) => e.globalPosition > checkpoints[0] && types.has(e.type));
    }
    if (mine.length > 0) {
      const spans = startProjectionSpans(projection.name, mine);
      const traced: ProjectionContext = { ...context, traceparentOf: spans.traceparentOf };
      try {
        if (mode.isolate) {
          for (const { event, error } of await applyIsolating(client, projection, traced, mine)) {
            parked.push({ projection: projection.name, event, error: describeError(error), attempts: mode.attempts });
          }
        } else {
          await projection.apply(mine, traced);
        }
      } catch (err) {
        spans.end(err);
        throw err;
      }
      spans.end();
      applied += mine.length;
    }
    for (const key of keys) after.set(key, last);
  }
  await parkEvents(client, schema, parked);
  await saveCheckpoints(client, schema, after);
  if (partitions) await rollUpCheckpoints(client, schema, projections.map((p) => p.name), partitions.count);
  return { kind: 'applied', checkpoints: new Map([...before, ...after]), applied: applied - parked.length, parked };
}

/**
 * Apply `events` in a savepoint; when that throws (and not for systemic reasons), roll the savepoint back and bisect:
 * the halves are applied in order, so the events that succeed still take effect in log order and only the ones that
 * throw on their own are returned. One poison event in a batch of n costs about 2·log2(n) applies, not n.
 */
export async function applyIsolating(
  client: PoolClient,
  projection: Projection,
  context: ProjectionContext,
  events: readonly RecordedEvent[],
): Promise<{ event: RecordedEvent; error: unknown }[]> {
  if (events.length === 0) return [];
  await client.query('SAVEPOINT kc_isolate');
  try {
    await projection.apply(events, context);
    await client.query('RELEASE SAVEPOINT kc_isolate');
    return [];
  } catch (error) {
    if (isSystemicError(error)) throw error;
    await client.query('ROLLBACK TO SAVEPOINT kc_isolate');
    await client.query('RELEASE SAVEPOINT kc_isolate');
    if (events.length === 1) return [{ event: events[0], error }];
  }
  const middle = events.length >> 1;
  const failedLeft = await applyIsolating(client, projection, context, events.slice(0, middle));
  const failedRight = await applyIsolating(client, projection, context, events.slice(middle));
  return [...failedLeft, ...failedRight];
}

/**
 * Keep each projection's own checkpoint row at the lowest of its partitions' (a position every partition has
 * reached): what readers that know nothing of partitions and a rebuild's swap rely on. A partition without a row yet
 * counts as the projection's row itself, so the row never moves past a partition nobody has run.
 */
async function rollUpCheckpoints(client: PoolClient, schema: string, projections: readonly string[], count: number): Promise<void> {
  const table = `${quoteIdent(schema)}.checkpoints`;
  await client.query(
    `INSERT INTO ${table} AS c (projection, position, updated_at)
     SELECT b.name, min(greatest(coalesce(k.position, 0), coalesce(own.position, 0))), now()
       FROM unnest($1::text[]) AS b(name)
      CROSS JOIN generate_series(0, $2::int - 1) AS g(i)
       LEFT JOIN ${table} k ON k.projection = b.name || '/' || g.i || 'of' || $2::int
       LEFT JOIN ${table} own ON own.projection = b.name
      GROUP BY b.name
     ON CONFLICT (projection) DO UPDATE SET position = EXCLUDED.position, updated_at = EXCLUDED.updated_at
     WHERE c.position < EXCLUDED.position`,
    [projections, count],
  );
}
