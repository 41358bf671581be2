import type { Pool } from 'pg';
import type { EventStore } from '@klantcentraal/event-store';
import { readCheckpoints } from './checkpoints';
import { countParked } from './parked-events';
import type { ProjectionStatus } from './projection-runner.types';

/** Per projection: checkpoint, head, lag in events and in time, parked events. Reads the database, not memory. */
export async function readProjectionStatus(pool: Pool, store: EventStore, schema: string, names: readonly string[]): Promise<ProjectionStatus[]> {
  const [checkpoints, parked] = await Promise.all([readCheckpoints(pool, schema, names), countParked(pool, schema)]);
  const head = await store.headPosition(); // after the checkpoints, so lag is never negative
  const now = Date.now();
  const oldest = new Map<number, number>();
  for (const position of new Set(checkpoints.values())) {
    if (position >= head) continue;
    const [next] = await store.readAll(position, 1);
    if (next) oldest.set(position, Math.max(0, now - Date.parse(next.recordedAt)));
  }
  return names.map((name) => {
    const position = checkpoints.get(name) ?? 0;
    return {
      projection: name,
      position,
      headPosition: head,
      lagEvents: Math.max(0, head - position),
      lagMs: oldest.get(position) ?? 0,
      parked: parked.get(name) ?? 0,
    };
  });
}
