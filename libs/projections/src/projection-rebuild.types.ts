/**
 * The rebuild's public types and what it needs of the runner (kept apart so the rebuild's parts can share them).
 */
import type { Pool } from 'pg';
import type { EventStore } from '@klantcentraal/event-store';
import type { Projection } from './projection';
import type { PartitionSet } from './partitions';
import type { ProjectorLogger } from './projection-runner.types';

export type RebuildProgress = Readonly<{
  phase: 'replay' | 'swap' | 'done';
  projections: readonly string[];
  position: number;
  headPosition: number;
  /** Events of the log replayed so far. */
  events: number;
  eventsPerSecond: number;
  /** Estimated seconds until the replay reaches the head; null while unknown. */
  etaSeconds: number | null;
  elapsedMs: number;
}>;

export type RebuildOptions = Readonly<{
  onProgress?(progress: RebuildProgress): void;
  /** Minimum time between progress reports during the replay (default 1000 ms). */
  progressIntervalMs?: number;
  /**
   * false: replay into the scratch schema and leave it there (its name is returned) instead of swapping it in —
   * for comparing a rebuild with the live rows. The caller drops it (the next rebuild drops leftovers too).
   */
  swap?: boolean;
  /**
   * During the swap, how long to wait for a lock on a table that moves (a long query on it); on timeout the swap
   * rolls back, the replay catches up again and the swap is retried (5 attempts). Default 10 000 ms.
   */
  swapLockTimeoutMs?: number;
}>;

export type RebuildResult = Readonly<{
  projections: readonly string[];
  /** Where the rebuilt rows are now: the active schema after a swap, else the scratch schema. */
  schema: string;
  swapped: boolean;
  /** The position the rebuilt projections reached. */
  position: number;
  events: number;
  durationMs: number;
  eventsPerSecond: number;
}>;

/** What a rebuild needs of the runner that owns the live schema. */
export type RebuildContext = Readonly<{
  pool: Pool;
  store: EventStore;
  schema: string;
  projections: readonly Projection[];
  batchSize: number;
  logger: ProjectorLogger;
  /**
   * The live runner's partitions (all of them), when the live schema is written by partitioned runners: the tail the
   * live emitting projections apply at the swap then starts at each partition's own checkpoint.
   */
  livePartitions?: PartitionSet;
  /** A runner over `projections` that writes `schema` (the scratch schema); `replay`: see ProjectionContext.replay. */
  createRunner(schema: string, projections: readonly Projection[], replay: boolean): {
    catchUp(options: { onBatch?(position: number, events: number): Promise<void> | void }): Promise<number>;
  };
}>;
