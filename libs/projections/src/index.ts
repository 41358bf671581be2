export type { Projection, ProjectionContext } from './projection';
export {
  ProjectionRunner,
  type CatchUpOptions,
  type ProjectionRunnerOptions,
  type ProjectionStatus,
  type ProjectorLogger,
  type Readiness,
  type RetryParkedResult,
} from './projection-runner';
export type { RebuildOptions, RebuildProgress, RebuildResult } from './projection-rebuild';
export type { ParkedEvent } from './parked-events';
export { ProjectionLagError } from './projection-lag.error';
export { formatLagMetrics, registerProjectionMetrics, type ProjectionStatusSource } from './projection-metrics';
export {
  createRunnerBookkeeping,
  PROJECTION_RUNNER_MIGRATIONS,
  ProjectionRunnerSchema1767225601000,
  ProjectorPartitionLeases1767830400000,
} from './projection-runner.migrations';
export { waitForCheckpoints, type WaitForCheckpointsOptions } from './wait-for-position';
export {
  allPartitions,
  assertPartitionCount,
  DEFAULT_PARTITIONS,
  partitionCheckpoint,
  partitionOfKey,
  partitionOfStream,
  type PartitionSet,
} from './partitions';
export {
  PartitionCoordinator,
  readPartitionOwnership,
  type PartitionCoordinatorOptions,
  type PartitionOwnership,
} from './partition-coordinator';
export { readPartitionCheckpoints, type PartitionCheckpoint } from './checkpoints';
