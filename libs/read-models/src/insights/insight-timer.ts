/**
 * Time-caused insights when no event arrives: a complaint passes its target, an expected date passes undelivered, a
 * customer departs by inactivity or becomes at risk through the purchase gap. The insights projection stores per
 * customer when the next such insight falls due (`wake_at`); this timer, running next to the projection runner,
 * reports the due ones.
 *
 * Each tick, per chunk of due customers, one transaction: take the read-model schema's write lock (the one the
 * runner takes per batch, so a tick never interleaves with a batch and sees exactly the committed states), select
 * `wake_at <= horizon`, `dueInsights(state, checked_until, horizon)`, write them to the outbox, move `checked_until`
 * to the horizon and `wake_at` to `nextDueAt`. An insight the timer reports has the same id as when an event later
 * reveals it, so the outbox stores it once.
 *
 * The horizon is now, except while the insights projection is behind the log (given the store): then it is just
 * before the first event it has not applied was recorded, and only customers whose applied events were all recorded
 * by then are looked at. So the timer evaluates each customer as known at the horizon: it never reports what an
 * already recorded but not yet projected event contradicts — a complaint resolved in time is not reported breached,
 * a customer whose history is half applied is not reported departed, because the projector was catching up.
 */
import type { Pool } from 'pg';
import { dueInsights, nextInsightDueAt, type Insight } from '@klantcentraal/domain';
import type { EventStore } from '@klantcentraal/event-store';
import { writeInsights } from '@klantcentraal/messaging';
import { activeCustomerDefinition, type CustomerDefinitionProvider } from '../customer-definition/customer-definition.store';
import { READ_MODEL_SCHEMA, qualified, type Queryable } from '../read-model-schema';
import { advanceWatchedCustomers, dueWatchedCustomers, emitsInsights } from './insight-watch.store';
import { INSIGHTS_PROJECTION } from './insights.projection';

export type InsightTimerLogger = Readonly<{ log(message: string): void; warn(message: string): void; error(message: string): void }>;

export type InsightTimerOptions = Readonly<{
  pool: Pool;
  /** "Now" (default: the system clock). Tests inject one to let time pass. */
  clock?: () => Date;
  /** Time between ticks (default 5000 ms). */
  intervalMs?: number;
  /** Default: the active version in read_models.customer_definitions. */
  definitionProvider?: CustomerDefinitionProvider;
  /**
   * The event store the projector reads. With it the horizon stops before the first event the insights projection
   * has not applied yet (see the file comment); without it the timer trusts that the projection is caught up.
   */
  store?: Pick<EventStore, 'readAll'>;
  /** Customers per transaction (default 500): keeps the schema lock, and so the runner's wait, short. */
  chunkSize?: number;
  logger?: InsightTimerLogger;
}>;

export type InsightTimerTick = Readonly<{
  /** The moment time was evaluated up to. */
  horizon: string;
  /** Customers whose due time had come. */
  customers: number;
  /** Insights written to the outbox (new ones; an id already there is not counted). */
  insights: number;
}>;

export type RunningInsightTimer = Readonly<{
  /** One tick now (also while the background loop runs; ticks never overlap). */
  tick(): Promise<InsightTimerTick>;
  /** Waits for a tick in progress, then stops. */
  stop(): Promise<void>;
}>;

const consoleLogger: InsightTimerLogger = {
  log: (m) => console.log(`[insight-timer] ${m}`),
  warn: (m) => console.warn(`[insight-timer] ${m}`),
  error: (m) => console.error(`[insight-timer] ${m}`),
};

export class InsightTimer {
  private readonly pool: Pool;
  private readonly clock: () => Date;
  private readonly definitionProvider: CustomerDefinitionProvider;
  private readonly store: Pick<EventStore, 'readAll'> | undefined;
  private readonly chunkSize: number;
  private readonly schema = READ_MODEL_SCHEMA;
  private running: Promise<unknown> = Promise.resolve();

  constructor(options: Omit<InsightTimerOptions, 'intervalMs' | 'logger'>) {
    this.pool = options.pool;
    this.clock = options.clock ?? (() => new Date());
    this.definitionProvider = options.definitionProvider ?? activeCustomerDefinition;
    this.store = options.store;
    this.chunkSize = options.chunkSize ?? 500;
    if (!Number.isInteger(this.chunkSize) || this.chunkSize <= 0) throw new TypeError('chunkSize must be a positive integer');
  }

  /** Resolves once no tick is in progress. */
  async idle(): Promise<void> {
    await this.running.catch(() => undefined);
  }

  /** Reports what is due up to now (or the horizon); ticks are serialised. */
  tick(): Promise<InsightTimerTick> {
    const next = this.running.catch(() => undefined).then(() => this.tickNow());
    this.running = next;
    return next;
  }

  private async tickNow(): Promise<InsightTimerTick> {
    const now = this.clock().toISOString();
    let customers = 0;
    let insights = 0;
    let horizon = now;
    for (;;) {
      const chunk = await this.chunk(now);
      horizon = chunk.horizon;
      customers += chunk.customers;
      insights += chunk.insights;
      if (chunk.customers < this.chunkSize) return { horizon, customers, insights };
    }
  }

  private async chunk(now: string): Promise<InsightTimerTick> {
    // Most ticks find nothing due: look without the lock first (the horizon is never later than now).
    if ((await dueWatchedCustomers(this.pool, this.schema, now, 1)).length === 0) return { horizon: now, customers: 0, insights: 0 };
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (err: Error) => (broken = err);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      await lockSchemaForWrite(client, this.schema);
      const { horizon, behind } = await this.horizon(client, now);
      if (!(await emitsInsights(client, this.schema))) {
        await client.query('ROLLBACK');
        return { horizon, customers: 0, insights: 0 };
      }
      const due = await dueWatchedCustomers(client, this.schema, horizon, this.chunkSize, behind ? horizon : null);
      if (due.length === 0) {
        await client.query('ROLLBACK');
        return { horizon, customers: 0, insights: 0 };
      }
      const definition = await this.definitionProvider(client);
      const found: Insight[] = [];
      const advanced = due.map((customer) => {
        const from = customer.checkedUntil ?? customer.state.lastTouchpointAt;
        const until = from !== null && from > horizon ? from : horizon;
        if (from !== null) found.push(...dueInsights(customer.state, from, until, definition));
        return { customerId: customer.customerId, checkedUntil: until, wakeAt: nextInsightDueAt(customer.state, until, definition) };
      });
      const written = await writeInsights(client, found);
      await advanceWatchedCustomers(client, this.schema, advanced);
      await client.query('COMMIT');
      return { horizon, customers: due.length, insights: written };
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken ??= rollbackError));
      throw err;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** Now, or just before the first event the insights projection has not applied when it is behind. */
  private async horizon(client: Queryable, now: string): Promise<{ horizon: string; behind: boolean }> {
    if (!this.store) return { horizon: now, behind: false };
    const { rows } = await client.query<{ position: string | number }>(
      `SELECT position FROM ${qualified(this.schema, 'checkpoints')} WHERE projection = $1`,
      [INSIGHTS_PROJECTION],
    );
    const checkpoint = rows.length === 0 ? 0 : Number(rows[0].position);
    const [next] = await this.store.readAll(checkpoint, 1);
    if (next === undefined) return { horizon: now, behind: false };
    const before = new Date(Date.parse(next.recordedAt) - 1).toISOString();
    return { horizon: before < now ? before : now, behind: true };
  }
}

/**
 * Starts ticking every `intervalMs` (default 5 s) in the background; the first tick runs at once. A failing tick is
 * logged and the next one tries again. Run it in the process that runs the projection runner (after the read-model
 * and messaging migrations); several instances are safe (the schema lock serialises them, and ids dedupe).
 */
export function startInsightTimer(options: InsightTimerOptions): RunningInsightTimer {
  const timer = new InsightTimer(options);
  const intervalMs = options.intervalMs ?? 5_000;
  const logger = options.logger ?? consoleLogger;
  if (!(intervalMs > 0)) throw new RangeError('intervalMs must be positive');
  let stopped = false;
  let handle: NodeJS.Timeout | undefined;
  let failures = 0;
  const loop = async () => {
    if (stopped) return;
    try {
      const tick = await timer.tick();
      if (failures > 0) logger.log(`ticking again after ${failures} failed tick(s)`);
      failures = 0;
      if (tick.insights > 0) logger.log(`${tick.insights} time-caused insight(s) for ${tick.customers} customer(s) up to ${tick.horizon}`);
    } catch (err) {
      failures++;
      logger.error(`tick failed (${failures} in a row): ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!stopped) handle = setTimeout(loop, intervalMs);
  };
  handle = setTimeout(loop, 0);
  return {
    tick: () => timer.tick(),
    async stop() {
      stopped = true;
      clearTimeout(handle);
      await timer.idle();
    },
  };
}

/**
 * The projection runner's schema write lock (libs/projections `lockSchemaForWrite`, which that lib does not export):
 * the same advisory key, so a tick and a batch never interleave. insight-timer.int-spec.ts proves it against a
 * running batch.
 */
async function lockSchemaForWrite(client: Queryable, schema: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`klantcentraal:projections:${schema}`]);
}
