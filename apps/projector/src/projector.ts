import type { Pool } from 'pg';
import type { EventStore } from '@klantcentraal/event-store';
import { PROJECTION_RUNNER_MIGRATIONS, ProjectionRunner, type Projection, type ProjectorLogger } from '@klantcentraal/projections';
import { MESSAGING_MIGRATIONS } from '@klantcentraal/messaging';
import { ALL_PROJECTIONS, READ_MODEL_MIGRATIONS } from '@klantcentraal/read-models';

/**
 * What the projector needs migrated (besides the event store's): its bookkeeping, the read-model tables, and the
 * insight outbox the insights projection writes.
 */
export const PROJECTOR_MIGRATIONS = [...PROJECTION_RUNNER_MIGRATIONS, ...READ_MODEL_MIGRATIONS, ...MESSAGING_MIGRATIONS] as const;

export type ProjectorOptions = Readonly<{
  pool: Pool;
  store: EventStore;
  /** Default: every read model's projection (`ALL_PROJECTIONS`). */
  projections?: readonly Projection[];
  /** Catch-up batch size (default 5000). */
  batchSize?: number;
  logger?: ProjectorLogger;
}>;

export type RunningProjector = Readonly<{
  /** Status, lag metrics, readiness, waitForPosition (X-Min-Position), parked events, rebuild. */
  runner: ProjectionRunner;
  /** Finishes the batch in hand, then stops. The pool and the store stay the caller's. */
  stop(): Promise<void>;
}>;

/**
 * Starts the projection runner over the read models: catches up from the checkpoints, then follows the log live.
 * Run PROJECTOR_MIGRATIONS first. For the all-in-one composition, wire `runner.metrics()` (Prometheus text),
 * `runner.isReady` (readiness check) and `runner.waitForPosition()` (read-your-writes) into the HTTP layer.
 */
export function startProjector(options: ProjectorOptions): RunningProjector {
  const runner = new ProjectionRunner({
    pool: options.pool,
    store: options.store,
    projections: options.projections ?? ALL_PROJECTIONS,
    batchSize: options.batchSize,
    logger: options.logger,
  });
  runner.start();
  return { runner, stop: () => runner.stop() };
}
