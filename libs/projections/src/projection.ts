import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@klantcentraal/event-store';

/** What a projection gets for one batch: the runner's open transaction and where its tables live. */
export type ProjectionContext = Readonly<{
  /** The runner's transaction: everything written here commits together with the checkpoint. */
  client: PoolClient;
  /**
   * Schema holding the projection's tables: `read_models` normally; a scratch schema during a rebuild.
   * Always qualify table names with it (`"${schema}".customer_profiles`); never rely on search_path.
   */
  schema: string;
  /**
   * The W3C traceparent of this projection's span for the event at that position, when the event was appended under
   * a trace and tracing is on (contract v1.2 "Traces"); what the projection writes on its behalf may carry it on.
   */
  traceparentOf?(globalPosition: number): string | undefined;
  /**
   * True while a rebuild replays the log into its scratch schema (never for the swap's tail, never live). A projection
   * with `finishReplay` may then leave what it can derive from its other tables in one go to that hook.
   */
  replay?: boolean;
}>;

/**
 * A read model's writer: a pure fold (in libs/domain) plus set-based SQL. Registered with the projection runner,
 * which reads the global log from the projection's checkpoint and calls `apply` with ascending batches, inside
 * one transaction that also stores the checkpoint (each event takes effect exactly once).
 */
export interface Projection {
  /** Stable name: checkpoint key, `npm run projections -- rebuild <name>`. */
  readonly name: string;
  /** Tables it owns in the read-model schema (created by migrations; a rebuild copies their definitions). */
  readonly tables: readonly string[];
  /** Event types it handles; the runner passes only these (but advances the checkpoint past all). */
  readonly eventTypes: readonly string[];
  /**
   * Apply a batch (ascending globalPosition). Must be deterministic: a replay from position 0 produces the same
   * rows. Write set-based (multi-row upserts, unnest, COPY), never row-by-row ORM saves.
   */
  apply(events: readonly RecordedEvent[], context: ProjectionContext): Promise<void>;
  /**
   * Optional: delete every row these streams contributed to. With it, `retryParked` replays the parked events'
   * streams in order (exact, also for order-sensitive folds such as "last seen" or phase transitions); without it a
   * retry re-applies only the parked events, out of order — right only for order-insensitive folds (counts, sums).
   * Projections whose rows are per customer should implement it (a `DELETE … WHERE customer_id = ANY($1)`).
   */
  resetStreams?(streams: readonly string[], context: ProjectionContext): Promise<void>;
  /**
   * Optional: tables in the schema the projection writes but does not own, shared with other writers — the seam for
   * the insights outbox. A rebuild gives the replay an empty scratch copy and discards it at the swap (history is not
   * emitted again); the live table is carried over, after the live projection has caught up to the swap position.
   */
  readonly sharedTables?: readonly string[];
  /**
   * Optional: names of indexes on its tables that only readers use — none of the projection's own statements needs
   * them. A rebuild builds these once after the replay instead of maintaining them through it. Naming an index the
   * writer does need only makes the replay slower (its lookups scan); naming one that does not exist changes nothing.
   */
  readonly readIndexes?: readonly string[];
  /**
   * Optional: called once when a rebuild's replay has reached the head (before the swap's tail, which applies
   * incrementally again), in its own transaction on the scratch schema. For aggregates kept incrementally live but
   * cheaper to compute once from the finished rows: during the replay (`context.replay`) `apply` skips them, and
   * this computes them. The result must equal what incremental application gives — the rebuild specs compare.
   */
  finishReplay?(context: ProjectionContext): Promise<void>;
}
