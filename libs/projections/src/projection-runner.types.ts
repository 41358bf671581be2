/** The projection runner's options and the shapes it reports (status, readiness, catch-up progress). */
import type { Pool, PoolClient } from 'pg';
import type { EventStore } from '@klantcentraal/event-store';
import type { PartitionSet } from './partitions';
import type { Projection } from './projection';
export type { RetryParkedResult } from './parked-retry';

export type ProjectorLogger = Readonly<{
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}>;

export type ProjectionRunnerOptions = Readonly<{
  pool: Pool;
  store: EventStore;
  projections: readonly Projection[];
  /** Events per read and per transaction (default 5000). Live batches are whatever has arrived, up to this. */
  batchSize?: number;
  /**
   * Events per read and per transaction while a rebuild replays the log into its scratch schema (default: `batchSize`
   * when that is given, else 25 000). Nobody reads the scratch schema and nobody waits for its checkpoints, so big
   * batches cost no latency; they divide the per-batch work (state loads, one upsert per table, the aggregates'
   * joins) over five times as many events. The swap's tail still applies in `batchSize`.
   */
  rebuildBatchSize?: number;
  /** Set by a rebuild for the runner that replays into its scratch schema (see `ProjectionContext.replay`). */
  replay?: boolean;
  /** Schema the projections' tables and the checkpoints live in (default `read_models`). */
  schema?: string;
  /** Attempts of a failing batch before it is isolated and its poison events are parked (default 3). */
  maxAttempts?: number;
  /** Backoff before the second attempt; doubles per attempt (default 50 ms). */
  retryDelayMs?: number;
  logger?: ProjectorLogger;
  /**
   * Apply only the events of these partitions (partition-coordinator.ts assigns them; `assign` changes them). Absent:
   * every event, one checkpoint per projection.
   */
  partitions?: PartitionSet;
  /** Fencing, checked in every batch's transaction (see BatchMode.fence). */
  fence?(client: PoolClient): Promise<string | null>;
  /** The runner stopped because a batch was fenced off: another process owns (some of) its partitions now. */
  onFenced?(reason: string): void;
}>;

export type ProjectionStatus = Readonly<{
  projection: string;
  /** Checkpoint: the projection's rows reflect every event up to here. */
  position: number;
  headPosition: number;
  /** Events in the log after the checkpoint (exact for the PostgreSQL store, whose positions have no gaps). */
  lagEvents: number;
  /** Age of the oldest event not processed yet (its recordedAt); 0 when caught up. */
  lagMs: number;
  parked: number;
}>;

export type Readiness = Readonly<{
  ready: boolean;
  running: boolean;
  /** Has reached the head of the log at least once since start. */
  caughtUp: boolean;
  /** Lowest checkpoint this runner committed (null before its first batch). */
  position: number | null;
  /** The last failure, cleared by the next successful batch. */
  lastError: string | null;
}>;

export type CatchUpOptions = Readonly<{
  onBatch?(position: number, events: number): void | Promise<void>;
}>;
