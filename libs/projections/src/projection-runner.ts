/**
 * The projection runner: one per process. Reads the global log from the lowest checkpoint of its projections and
 * hands every projection, batch by batch, the events it handles — see README.md for the design (checkpoints in the
 * batch transaction, poison events, lag, rebuild).
 */
import type { Pool } from 'pg';
import type { EventStore, RecordedEvent, Subscription } from '@klantcentraal/event-store';
import { lowest, readCheckpoints } from './checkpoints';
import { CommitWatch } from './commit-watch';
import { selectParked, type ParkedEvent } from './parked-events';
import { readProjectionStatus } from './projection-status';
import type { Projection } from './projection';
import { applyBatch, type BatchOutcome } from './projection-batch';
import { describeError, isSystemicError } from './projection-failure';
import { formatLagMetrics } from './projection-metrics';
import { rebuildProjections, type RebuildOptions, type RebuildResult } from './projection-rebuild';
import { allPartitions, partitionCheckpoint, type PartitionSet } from './partitions';
import { retryParkedEvents, type RetryParkedResult } from './parked-retry';
import type { CatchUpOptions, ProjectionRunnerOptions, ProjectionStatus, ProjectorLogger, Readiness } from './projection-runner.types';
import { assertSchemaName, checkout, rollback, sleep } from './sql';

export type {
  CatchUpOptions,
  ProjectionRunnerOptions,
  ProjectionStatus,
  ProjectorLogger,
  Readiness,
  RetryParkedResult,
} from './projection-runner.types';

/** Thrown inside a live subscription to restart reading from a lower position. */
class Behind extends Error {
  constructor(readonly from: number) {
    super(`a checkpoint is behind the read position; re-reading from ${from}`);
  }
}

/** Thrown inside the loop when a batch was fenced off: the runner stops without committing anything more. */
class Fenced extends Error {}

const consoleLogger: ProjectorLogger = {
  log: (m) => console.log(`[projector] ${m}`),
  warn: (m) => console.warn(`[projector] ${m}`),
  error: (m) => console.error(`[projector] ${m}`),
};

export class ProjectionRunner {
  readonly schema: string;
  readonly batchSize: number;
  readonly rebuildBatchSize: number;
  readonly maxAttempts: number;
  readonly projections: readonly Projection[];
  private readonly pool: Pool;
  private readonly store: EventStore;
  private readonly retryDelayMs: number;
  private readonly logger: ProjectorLogger;
  /** The projections' own checkpoint rows: what readers wait for (kept at the lowest partition when partitioned). */
  private readonly names: readonly string[];
  private partitions: PartitionSet | undefined;
  private readonly fence: ProjectionRunnerOptions['fence'];
  private readonly onFenced: ProjectionRunnerOptions['onFenced'];
  private readonly replay: boolean;

  private loop: Promise<void> | null = null;
  private stopping = false;
  private subscription: Subscription | null = null;
  private wakeSleep: (() => void) | null = null;
  private caughtUp = false;
  private lastError: string | null = null;
  private consecutiveFailures = 0;
  /** What this runner committed; drives waitForPosition without a query per wait. */
  private readonly commits = new CommitWatch();

  constructor(options: ProjectionRunnerOptions) {
    this.pool = options.pool;
    this.store = options.store;
    this.projections = [...options.projections];
    this.schema = assertSchemaName(options.schema ?? 'read_models');
    this.batchSize = options.batchSize ?? 5000;
    this.rebuildBatchSize = options.rebuildBatchSize ?? options.batchSize ?? 25_000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 50;
    this.logger = options.logger ?? consoleLogger;
    if (!Number.isInteger(this.batchSize) || this.batchSize <= 0) throw new TypeError('batchSize must be a positive integer');
    if (!Number.isInteger(this.rebuildBatchSize) || this.rebuildBatchSize <= 0) throw new TypeError('rebuildBatchSize must be a positive integer');
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts <= 0) throw new TypeError('maxAttempts must be a positive integer');
    this.names = this.projections.map((p) => p.name);
    this.partitions = options.partitions;
    this.fence = options.fence;
    this.onFenced = options.onFenced;
    this.replay = options.replay ?? false;
    const seen = new Set<string>();
    const owners = new Map<string, string>();
    for (const p of this.projections) {
      if (!p.name) throw new TypeError('a projection needs a name');
      if (seen.has(p.name)) throw new TypeError(`projection "${p.name}" is registered twice`);
      seen.add(p.name);
      for (const table of p.tables) {
        if (table === 'checkpoints' || table === 'parked_events') throw new TypeError(`projection "${p.name}": table name "${table}" is reserved`);
        const owner = owners.get(table);
        if (owner) throw new TypeError(`table "${table}" is owned by both "${owner}" and "${p.name}"`);
        owners.set(table, p.name);
      }
    }
  }

  /** The checkpoint rows this runner advances: its partitions' rows, or the projections' own. */
  private get keys(): string[] {
    const partitions = this.partitions;
    if (!partitions) return [...this.names];
    return this.names.flatMap((name) => partitions.owned.map((i) => partitionCheckpoint(name, i, partitions.count)));
  }

  /** The partitions this runner applies (undefined: unpartitioned). */
  get assigned(): PartitionSet | undefined {
    return this.partitions;
  }

  /**
   * Change the partitions: the batch in hand commits under the old assignment, then the runner goes on from the
   * lowest checkpoint of the new one (not started again when it owns none).
   */
  async assign(partitions: PartitionSet): Promise<void> {
    if (!this.partitions) throw new Error('assign: this runner was created without partitions');
    await this.stop();
    this.partitions = { count: partitions.count, owned: [...partitions.owned].sort((a, b) => a - b) };
    this.caughtUp = false;
    this.commits.position = null;
    if (this.partitions.owned.length > 0) this.start();
  }

  get running(): boolean {
    return this.loop !== null && !this.stopping;
  }

  /** Start processing: catch up in large batches, then follow the log live. Returns at once. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run().finally(() => (this.loop = null));
  }

  /** Let the batch in hand commit, then stop. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeSleep?.();
    await this.subscription?.stop();
    await this.loop;
  }

  // --- processing ------------------------------------------------------------------------------------------------

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const from = lowest(await readCheckpoints(this.pool, this.schema, this.keys));
        const head = await this.store.headPosition();
        if (head > from) this.logger.log(`catching up from position ${from} to ${head} (${head - from} events)`);
        const position = await this.catchUpFrom(from);
        if (this.stopping) break;
        this.markCaughtUp(position);
        await this.followLive(position);
      } catch (err) {
        if (err instanceof Behind) {
          this.logger.warn(err.message);
          continue;
        }
        if (err instanceof Fenced) {
          this.logger.warn(`stopped: ${err.message}`);
          this.stopping = true;
          this.onFenced?.(err.message);
          break;
        }
        this.consecutiveFailures += 1;
        this.lastError = describeError(err);
        const delay = Math.min(5000, this.retryDelayMs * 2 ** Math.min(this.consecutiveFailures, 10));
        this.logger.error(`projection batch failed, retrying from the checkpoints in ${delay} ms: ${this.lastError}`);
        await this.interruptibleSleep(delay);
      }
    }
  }

  /**
   * Process the log once up to the head, in batches of `batchSize`, reading the next batch while the current one is
   * written. No live phase; returns the position reached. Used by rebuilds and tools.
   */
  async catchUp(options: CatchUpOptions = {}): Promise<number> {
    for (;;) {
      try {
        return await this.catchUpFrom(lowest(await readCheckpoints(this.pool, this.schema, this.keys)), options);
      } catch (err) {
        if (!(err instanceof Behind)) throw err;
      }
    }
  }

  private async catchUpFrom(start: number, options: CatchUpOptions = {}): Promise<number> {
    let position = start;
    // Projections never look at the hash chain: leave its columns out of the read (a fifth of a read's cost).
    const read = (from: number) => this.store.readAll(from, this.batchSize, { hashes: false });
    let next: Promise<readonly RecordedEvent[]> | null = read(position);
    try {
      // stop() ends the live loop's catch-up between batches; a one-off catchUp() (no loop) runs to the end.
      while (next && !(this.stopping && this.loop !== null)) {
        const events = await next;
        next = null;
        if (events.length === 0) break;
        const last = events[events.length - 1].globalPosition;
        // Read ahead while this batch is written: reading and writing overlap during catch-up.
        if (events.length === this.batchSize) next = read(last);
        const outcome = await this.processBatch(position, events);
        if (outcome.kind === 'behind') throw new Behind(outcome.from);
        if (outcome.kind === 'fenced') throw new Fenced(outcome.reason);
        position = last;
        await options.onBatch?.(position, events.length);
      }
      return position;
    } finally {
      next?.catch(() => undefined); // an abandoned read-ahead must not become an unhandled rejection
    }
  }

  private async followLive(from: number): Promise<void> {
    let position = from;
    const subscription = this.store.subscribeToAll({
      fromPosition: from,
      batchSize: this.batchSize,
      onEvents: async (events) => {
        const outcome = await this.processBatch(position, events);
        if (outcome.kind === 'behind') throw new Behind(outcome.from);
        if (outcome.kind === 'fenced') throw new Fenced(outcome.reason);
        position = events[events.length - 1].globalPosition;
      },
      onCaughtUp: (at) => this.markCaughtUp(at),
    });
    this.subscription = subscription;
    try {
      if (this.stopping) await subscription.stop();
      await subscription.done;
    } finally {
      this.subscription = null;
    }
  }

  private markCaughtUp(position: number): void {
    if (!this.caughtUp) this.logger.log(`caught up at position ${position}; following the log live`);
    this.caughtUp = true;
    // Reaching the head proves the database answers again (after an outage no new event may come to say so).
    if (this.lastError !== null) this.logger.log(`recovered: following the log again at position ${position}`);
    this.lastError = null;
    this.consecutiveFailures = 0;
  }

  /**
   * One transaction per batch (see applyBatch). A failing batch is rolled back and tried again `maxAttempts` times
   * with backoff; then once more in isolation, which parks the events that throw, for the projection that threw only.
   * Systemic failures (connection lost, missing table, deadlock …) are never isolated: they go up to run(), which
   * retries from the checkpoints with a longer backoff.
   */
  private async processBatch(from: number, events: readonly RecordedEvent[]): Promise<BatchOutcome> {
    for (let attempt = 1; ; attempt++) {
      const isolate = attempt > this.maxAttempts;
      const { client, release } = await checkout(this.pool);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const outcome = await applyBatch(client, this.schema, this.projections, from, events, {
          isolate,
          attempts: this.maxAttempts,
          partitions: this.partitions,
          fence: this.fence,
          replay: this.replay,
        });
        await client.query(outcome.kind === 'applied' ? 'COMMIT' : 'ROLLBACK');
        if (outcome.kind === 'applied') this.committedBatch(outcome);
        return outcome;
      } catch (err) {
        broken = await rollback(client, err);
        if (isolate || isSystemicError(err)) throw err;
        const delay = this.retryDelayMs * 2 ** (attempt - 1);
        this.logger.warn(
          `batch (${from}, ${events[events.length - 1]?.globalPosition}] failed (attempt ${attempt} of ${this.maxAttempts}): ${describeError(err)}`,
        );
        await sleep(delay);
      } finally {
        release(broken);
      }
    }
  }

  private committedBatch(outcome: Extract<BatchOutcome, { kind: 'applied' }>): void {
    this.lastError = null;
    this.consecutiveFailures = 0;
    // In-process waits may trust this runner's own commits only when it applies every partition.
    const partitions = this.partitions;
    const committed = !partitions || partitions.owned.length === partitions.count ? lowest(outcome.checkpoints) : null;
    for (const parked of outcome.parked) {
      this.logger.error(
        `parked event ${parked.event.globalPosition} (${parked.event.type}, ${parked.event.eventId}) for projection "${parked.projection}": ${parked.error}`,
      );
    }
    this.commits.committed(committed);
  }

  private interruptibleSleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleep = done;
    }).finally(() => (this.wakeSleep = null));
  }

  // --- read-your-writes, lag, readiness --------------------------------------------------------------------------

  /**
   * Resolves once every projection's checkpoint is at or past `position` (the contract's `X-Min-Position`);
   * rejects with ProjectionLagError after `timeoutMs`. Woken by this runner's commits when it runs in-process,
   * otherwise it polls the checkpoints table (another process runs the projector).
   */
  async waitForPosition(position: number, timeoutMs = 5000): Promise<void> {
    await this.commits.waitFor(position, timeoutMs, {
      readLowest: async () => lowest(await readCheckpoints(this.pool, this.schema, this.names)),
      pollMs: () => (this.running ? 250 : 25),
    });
  }

  /** Per projection: checkpoint, head, lag in events and in time, parked events. Reads the database, not memory. */
  status(): Promise<ProjectionStatus[]> {
    return readProjectionStatus(this.pool, this.store, this.schema, this.names);
  }

  /** Prometheus text exposition: `klantcentraal_projection_lag_events{projection="…"}`, `…_lag_seconds`, … */
  async metrics(): Promise<string> {
    return formatLagMetrics([this]);
  }

  readiness(): Readiness {
    return {
      ready: this.running && this.lastError === null,
      running: this.running,
      caughtUp: this.caughtUp,
      position: this.commits.position,
      lastError: this.lastError,
    };
  }

  /** For a health module: true while the runner runs and its last batch succeeded. */
  readonly isReady = (): boolean => this.readiness().ready;

  // --- parked events -----------------------------------------------------------------------------------------------

  listParked(projection?: string): Promise<ParkedEvent[]> {
    return selectParked(this.pool, this.schema, { projection });
  }

  /** See parked-retry.ts: re-apply parked events (after a code fix), per projection in one transaction. */
  retryParked(projection?: string, position?: number): Promise<RetryParkedResult> {
    if (projection !== undefined && !this.projections.some((p) => p.name === projection)) {
      return Promise.reject(new Error(`unknown projection "${projection}"`));
    }
    return retryParkedEvents({ pool: this.pool, store: this.store, schema: this.schema, projections: this.projections, logger: this.logger }, projection, position);
  }

  // --- rebuild -----------------------------------------------------------------------------------------------------

  /**
   * Replay the named projections (default: all) from position 0 into fresh tables in a scratch schema while the
   * current tables keep serving, then swap the schemas in one transaction. See projection-rebuild.ts.
   */
  rebuild(names?: readonly string[], options: RebuildOptions = {}): Promise<RebuildResult> {
    return rebuildProjections(
      {
        pool: this.pool,
        store: this.store,
        schema: this.schema,
        projections: this.projections,
        batchSize: this.batchSize,
        logger: this.logger,
        livePartitions: this.partitions ? allPartitions(this.partitions.count) : undefined,
        createRunner: (schema, projections, replay) =>
          new ProjectionRunner({
            pool: this.pool,
            store: this.store,
            projections,
            schema,
            batchSize: this.rebuildBatchSize,
            maxAttempts: this.maxAttempts,
            retryDelayMs: this.retryDelayMs,
            logger: this.logger,
            replay,
          }),
      },
      names,
      options,
    );
  }
}
