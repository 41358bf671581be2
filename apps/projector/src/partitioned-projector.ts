/**
 * Everything a projector process runs, for `npm run start:projector` and `npm start` alike: the read models with
 * insights, the warehouse and the insight timer, over the partitions the coordinator assigns to this process.
 * Alone, a process owns every partition; with others, each applies its share (partition-coordinator.ts).
 */
import type { Pool } from 'pg';
import type { EventStore } from '@klantcentraal/event-store';
import type { Metrics } from '@klantcentraal/observability';
import {
  assertPartitionCount,
  PartitionCoordinator,
  ProjectionRunner,
  registerProjectionMetrics,
  type Projection,
  type ProjectorLogger,
} from '@klantcentraal/projections';
import { createProjections, startInsightTimer } from '@klantcentraal/read-models';
import { createWarehouseProjections, WAREHOUSE_MIGRATIONS, WAREHOUSE_SCHEMA } from '@klantcentraal/warehouse';
import { PROJECTOR_MIGRATIONS } from './projector';

/** Everything a full projector needs migrated besides the event store: bookkeeping, read models, outbox, warehouse. */
export const FULL_PROJECTOR_MIGRATIONS = [...PROJECTOR_MIGRATIONS, ...WAREHOUSE_MIGRATIONS] as const;

export type PartitionedProjectorOptions = Readonly<{
  pool: Pool;
  store: EventStore;
  /** For the coordinator's dedicated lock session. */
  databaseUrl: string;
  /** PROJECTION_PARTITIONS (default 16). */
  partitions: number;
  /** The read-model runner's projections (default: every read model with insights). */
  projections?: readonly Projection[];
  batchSize?: number;
  /** Time between the coordinator's rounds (default 1000 ms). */
  coordinationIntervalMs?: number;
  /** Time between insight timer ticks (default 5000 ms). */
  timerIntervalMs?: number;
  memberId?: string;
  logger(context: string): ProjectorLogger;
}>;

export type RunningPartitionedProjector = Readonly<{
  /** The read models (profiles, NPS, funnel, insights): status, waitForPosition, rebuild … */
  runner: ProjectionRunner;
  warehouse: ProjectionRunner;
  coordinator: PartitionCoordinator;
  /** Ready: the lock session is up and each runner that owns partitions has no failing batch. */
  isReady(): boolean;
  /** Commit the batches in hand, hand the partitions back, stop the timer. Pool and store stay the caller's. */
  stop(): Promise<void>;
}>;

export function startPartitionedProjector(options: PartitionedProjectorOptions): RunningPartitionedProjector {
  const count = assertPartitionCount(options.partitions);
  const none = { count, owned: [] as number[] };
  const runners: ProjectionRunner[] = [];
  const coordinator = new PartitionCoordinator({
    pool: options.pool,
    lockConnection: { connectionString: options.databaseUrl },
    partitions: count,
    memberId: options.memberId,
    intervalMs: options.coordinationIntervalMs,
    logger: options.logger('partitions'),
    onAssign: async (owned) => {
      await Promise.all(runners.map((r) => r.assign({ count, owned })));
    },
  });
  const runner = new ProjectionRunner({
    pool: options.pool,
    store: options.store,
    projections: options.projections ?? createProjections({ insights: true }),
    batchSize: options.batchSize,
    logger: options.logger('projector'),
    partitions: none,
    fence: coordinator.fence,
  });
  const warehouse = new ProjectionRunner({
    pool: options.pool,
    store: options.store,
    schema: WAREHOUSE_SCHEMA,
    projections: createWarehouseProjections(),
    batchSize: options.batchSize,
    logger: options.logger('warehouse'),
    partitions: none,
    fence: coordinator.fence,
  });
  runners.push(runner, warehouse);
  coordinator.start();
  // Time-caused insights: every projector ticks; the schema lock serialises ticks with batches, ids dedupe, and the
  // horizon stops before the first event any partition has not applied (the projection's own checkpoint row).
  const timer = startInsightTimer({
    pool: options.pool,
    store: options.store,
    intervalMs: options.timerIntervalMs,
    logger: options.logger('insight-timer'),
  });

  const owns = () => coordinator.owned.length > 0;
  return {
    runner,
    warehouse,
    coordinator,
    isReady: () => coordinator.healthy && (!owns() || (runner.isReady() && warehouse.isReady())),
    async stop() {
      await timer.stop();
      await coordinator.stop();
    },
  };
}

/** The projector's metrics in the process's registry: lag per projection, and the partitions this process owns. */
export function registerProjectorMetrics(metrics: Metrics, projector: RunningPartitionedProjector): void {
  registerProjectionMetrics(metrics.registry, [projector.runner, projector.warehouse]);
  metrics.gauge('klantcentraal_projector_partitions_owned', 'Projection partitions this projector process owns.', () => projector.coordinator.owned.length);
  metrics.gauge('klantcentraal_projector_partitions', 'Projection partitions in total (PROJECTION_PARTITIONS).', () => projector.coordinator.partitions);
}
