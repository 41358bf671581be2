/**
 * The projection runner: one per process. Reads the global log from the lowest checkpoint of its projections and
 * hands every projection, batch by batch, the events it handles — see README.md for the design (checkpoints in the
 * batch transaction, poison events, lag, rebuild).
 */
import type { Pool, PoolClient } from 'pg';
import type { EventStore, RecordedEvent, Subscription } from '@klantcentraal/event-store';
import { lowest, readCheckpoints } from './checkpoints';
import { countParked, parkEvents, selectParked, unparkEvents, type ParkedEvent, type Parking } from './parked-events';
import type { Projection, ProjectionContext } from './projection';
import { applyBatch, applyIsolating, type BatchOutcome } from './projection-batch';
import { describeError, isSystemicError } from './projection-failure';
import { ProjectionLagError } from './projection-lag.error';
import { formatLagMetrics } from './projection-metrics';
import { rebuildProjections, type RebuildOptions, type RebuildResult } from './projection-rebuild';
import { assertSchemaName, checkout, lockSchemaForWrite, sleep } from './sql';

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
  /** Schema the projections' tables and the checkpoints live in (default `read_models`). */
  schema?: string;
  /** Attempts of a failing batch before it is isolated and its poison events are parked (default 3). */
  maxAttempts?: number;
  /** Backoff before the second attempt; doubles per attempt (default 50 ms). */
  retryDelayMs?: number;
  logger?: ProjectorLogger;
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

export type RetryParkedResult = Readonly<{
  /** Parked events that were tried again. */
  retried: number;
  /** Of those, the ones that now applied (their parked rows are gone). */
  succeeded: number;
  /** What is still (or newly) parked for the retried projections and streams. */
  stillParked: readonly ParkedEvent[];
}>;

export type CatchUpOptions = Readonly<{
  onBatch?(position: number, events: number): void | Promise<void>;
}>;

/** Thrown inside a live subscription to restart reading from a lower position. */
class Behind extends Error {
  constructor(readonly from: number) {
    super(`a checkpoint is behind the read position; re-reading from ${from}`);
  }
}

const consoleLogger: ProjectorLogger = {
  log: (m) => console.log(`[projector] ${m}`),
  warn: (m) => console.warn(`[projector] ${m}`),
  error: (m) => console.error(`[projector] ${m}`),
};

export class ProjectionRunner {
  readonly schema: string;
  readonly batchSize: number;
  readonly maxAttempts: number;
  readonly projections: readonly Projection[];
  private readonly pool: Pool;
  private readonly store: EventStore;
  private readonly retryDelayMs: number;
  private readonly logger: ProjectorLogger;
  private readonly names: readonly string[];

  private loop: Promise<void> | null = null;
  private stopping = false;
  private subscription: Subscription | null = null;
  private wakeSleep: (() => void) | null = null;
  private caughtUp = false;
  private lastError: string | null = null;
  private consecutiveFailures = 0;
  /** Lowest checkpoint committed by this runner; drives waitForPosition without a query per wait. */
  private committed: number | null = null;
  private commitWaiters = new Set<() => void>();

  constructor(options: ProjectionRunnerOptions) {
    this.pool = options.pool;
    this.store = options.store;
    this.projections = [...options.projections];
    this.schema = assertSchemaName(options.schema ?? 'read_models');
    this.batchSize = options.batchSize ?? 5000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 50;
    this.logger = options.logger ?? consoleLogger;
    if (!Number.isInteger(this.batchSize) || this.batchSize <= 0) throw new TypeError('batchSize must be a positive integer');
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts <= 0) throw new TypeError('maxAttempts must be a positive integer');
    this.names = this.projections.map((p) => p.name);
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
        const from = lowest(await readCheckpoints(this.pool, this.schema, this.names));
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
        return await this.catchUpFrom(lowest(await readCheckpoints(this.pool, this.schema, this.names)), options);
      } catch (err) {
        if (!(err instanceof Behind)) throw err;
      }
    }
  }

  private async catchUpFrom(start: number, options: CatchUpOptions = {}): Promise<number> {
    let position = start;
    let next: Promise<readonly RecordedEvent[]> | null = this.store.readAll(position, this.batchSize);
    try {
      // stop() ends the live loop's catch-up between batches; a one-off catchUp() (no loop) runs to the end.
      while (next && !(this.stopping && this.loop !== null)) {
        const events = await next;
        next = null;
        if (events.length === 0) break;
        const last = events[events.length - 1].globalPosition;
        // Read ahead while this batch is written: reading and writing overlap during catch-up.
        if (events.length === this.batchSize) next = this.store.readAll(last, this.batchSize);
        const outcome = await this.processBatch(position, events);
        if (outcome.kind === 'behind') throw new Behind(outcome.from);
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
        const outcome = await applyBatch(client, this.schema, this.projections, from, events, { isolate, attempts: this.maxAttempts });
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
    this.committed = lowest(outcome.checkpoints);
    for (const parked of outcome.parked) {
      this.logger.error(
        `parked event ${parked.event.globalPosition} (${parked.event.type}, ${parked.event.eventId}) for projection "${parked.projection}": ${parked.error}`,
      );
    }
    const waiters = [...this.commitWaiters];
    this.commitWaiters.clear();
    for (const wake of waiters) wake();
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
    if (this.committed !== null && this.committed >= position) return;
    const deadline = Date.now() + timeoutMs;
    let reached = lowest(await readCheckpoints(this.pool, this.schema, this.names));
    while (reached < position) {
      const left = deadline - Date.now();
      if (left <= 0) throw new ProjectionLagError(position, reached, timeoutMs);
      const woken = await this.nextCommit(Math.min(left, this.running ? 250 : 25));
      reached =
        woken && this.committed !== null ? this.committed : lowest(await readCheckpoints(this.pool, this.schema, this.names));
    }
  }

  /** true when woken by a commit of this runner, false on timeout. */
  private nextCommit(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.commitWaiters.delete(wake);
        resolve(false);
      }, ms);
      this.commitWaiters.add(wake);
    });
  }

  /** Per projection: checkpoint, head, lag in events and in time, parked events. Reads the database, not memory. */
  async status(): Promise<ProjectionStatus[]> {
    const [checkpoints, parked] = await Promise.all([readCheckpoints(this.pool, this.schema, this.names), countParked(this.pool, this.schema)]);
    const head = await this.store.headPosition(); // after the checkpoints, so lag is never negative
    const now = Date.now();
    const oldest = new Map<number, number>();
    for (const position of new Set(checkpoints.values())) {
      if (position >= head) continue;
      const [next] = await this.store.readAll(position, 1);
      if (next) oldest.set(position, Math.max(0, now - Date.parse(next.recordedAt)));
    }
    return this.names.map((name) => {
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

  /** Prometheus text exposition: `klantcentraal_projection_lag_events{projection="…"}`, `…_lag_seconds`, … */
  async metrics(): Promise<string> {
    return formatLagMetrics([this]);
  }

  readiness(): Readiness {
    return {
      ready: this.running && this.lastError === null,
      running: this.running,
      caughtUp: this.caughtUp,
      position: this.committed,
      lastError: this.lastError,
    };
  }

  /** For a health module: true while the runner runs and its last batch succeeded. */
  readonly isReady = (): boolean => this.readiness().ready;

  // --- parked events -----------------------------------------------------------------------------------------------

  listParked(projection?: string): Promise<ParkedEvent[]> {
    return selectParked(this.pool, this.schema, { projection });
  }

  /**
   * Re-apply parked events (after a code fix), per projection in one transaction under the schema's write lock, in
   * position order; success removes the parked row, failure updates its error and attempts.
   *
   * Order: a parked event is older than the rows it is now applied to. A projection with `resetStreams` gets it right
   * anyway: the parked events' streams are reset and replayed in log order up to the checkpoint (events that still
   * throw stay parked). Without `resetStreams` only the parked events are applied, out of order — correct for
   * order-insensitive folds (counts, sums, sets); for anything else rebuild the projection instead
   * (`rebuild([name])`), which also clears its parked events that now succeed.
   */
  async retryParked(projection?: string, position?: number): Promise<RetryParkedResult> {
    if (projection !== undefined && !this.names.includes(projection)) throw new Error(`unknown projection "${projection}"`);
    const parked = await selectParked(this.pool, this.schema, { projection, position });
    let retried = 0;
    let succeeded = 0;
    const stillParked: ParkedEvent[] = [];
    // Parked events of projections this process does not run are left alone.
    for (const p of this.projections) {
      const rows = parked.filter((row) => row.projection === p.name);
      if (rows.length === 0) continue;
      const result = await this.retryProjection(p, rows);
      retried += result.retried;
      succeeded += result.succeeded;
      stillParked.push(...result.stillParked);
    }
    return { retried, succeeded, stillParked };
  }

  private async retryProjection(projection: Projection, requested: readonly ParkedEvent[]): Promise<RetryParkedResult> {
    const { client, release } = await checkout(this.pool);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await lockSchemaForWrite(client, this.schema);
      const checkpoint = (await readCheckpoints(client, this.schema, [projection.name], { forUpdate: true })).get(projection.name) ?? 0;
      const context: ProjectionContext = { client, schema: this.schema };
      let retrying: ParkedEvent[];
      let events: RecordedEvent[];
      if (projection.resetStreams) {
        // Exact: reset the streams and replay them in order. Every parked event of those streams is retried with them.
        const streams = [...new Set(requested.map((p) => p.stream))];
        retrying = await selectParked(client, this.schema, { projection: projection.name, streams, forUpdate: true });
        await projection.resetStreams(streams, context);
        events = [];
        for (const stream of streams) {
          for await (const e of this.store.readStream(stream, { toPosition: checkpoint, types: projection.eventTypes })) events.push(e);
        }
        events.sort((a, b) => a.globalPosition - b.globalPosition);
      } else {
        retrying = await selectParked(client, this.schema, { projection: projection.name, forUpdate: true }).then((rows) =>
          rows.filter((r) => requested.some((q) => q.globalPosition === r.globalPosition)),
        );
        const found = new Map((await this.store.findByEventIds(retrying.map((p) => p.eventId))).map((e) => [e.eventId, e]));
        events = retrying.flatMap((p) => found.get(p.eventId) ?? []).sort((a, b) => a.globalPosition - b.globalPosition);
      }
      const failures = await applyIsolating(client, projection, context, events);
      const failedAt = new Set(failures.map((f) => f.event.globalPosition));
      const wasParked = new Set(retrying.map((p) => p.globalPosition));
      const parkings: Parking[] = failures.map((f) => ({
        projection: projection.name,
        event: f.event,
        error: describeError(f.error),
        attempts: 1,
      }));
      await parkEvents(client, this.schema, parkings);
      const succeededAt = retrying.filter((p) => !failedAt.has(p.globalPosition)).map((p) => p.globalPosition);
      await unparkEvents(client, this.schema, projection.name, succeededAt);
      await client.query('COMMIT');
      for (const p of parkings) this.logger.warn(`retry of event ${p.event.globalPosition} for "${projection.name}" failed: ${p.error}`);
      const streams = projection.resetStreams ? [...new Set(requested.map((p) => p.stream))] : undefined;
      const stillParked = await selectParked(this.pool, this.schema, { projection: projection.name, streams }).then((rows) =>
        streams ? rows : rows.filter((r) => wasParked.has(r.globalPosition)),
      );
      return { retried: retrying.length, succeeded: succeededAt.length, stillParked };
    } catch (err) {
      broken = await rollback(client, err);
      throw err;
    } finally {
      release(broken);
    }
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
        createRunner: (schema, projections) =>
          new ProjectionRunner({
            pool: this.pool,
            store: this.store,
            projections,
            schema,
            batchSize: this.batchSize,
            maxAttempts: this.maxAttempts,
            retryDelayMs: this.retryDelayMs,
            logger: this.logger,
          }),
      },
      names,
      options,
    );
  }
}

/** ROLLBACK after a failure; returns the error to destroy the client with when even that fails. */
async function rollback(client: PoolClient, cause: unknown): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch {
    return cause instanceof Error ? cause : new Error(String(cause));
  }
}
