import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@klantcentraal/event-store';
import { lowest, readCheckpoints, saveCheckpoints } from './checkpoints';
import { parkEvents, type Parking } from './parked-events';
import type { Projection, ProjectionContext } from './projection';
import { describeError, isSystemicError } from './projection-failure';
import { lockSchemaForWrite } from './sql';

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
    }>;

export type BatchMode = Readonly<{
  /** Apply each projection inside a savepoint and bisect a failing one down to the events that throw; park those. */
  isolate: boolean;
  /** Recorded with parked events: how often the batch failed before isolating. */
  attempts: number;
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
  const before = await readCheckpoints(
    client,
    schema,
    projections.map((p) => p.name),
    { forUpdate: true },
  );
  if (lowest(before) < from) return { kind: 'behind', from: lowest(before) };
  const last = events.length ? events[events.length - 1].globalPosition : from;

  const context: ProjectionContext = { client, schema };
  const after = new Map<string, number>();
  const parked: Parking[] = [];
  let applied = 0;
  for (const projection of projections) {
    const checkpoint = before.get(projection.name) ?? 0;
    if (checkpoint >= last) continue;
    const types = handles(projection);
    const mine = events.filter((e) => e.globalPosition > checkpoint && types.has(e.type));
    if (mine.length > 0) {
      if (mode.isolate) {
        for (const { event, error } of await applyIsolating(client, projection, context, mine)) {
          parked.push({ projection: projection.name, event, error: describeError(error), attempts: mode.attempts });
        }
      } else {
        await projection.apply(mine, context);
      }
      applied += mine.length;
    }
    after.set(projection.name, last);
  }
  await parkEvents(client, schema, parked);
  await saveCheckpoints(client, schema, after);
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
