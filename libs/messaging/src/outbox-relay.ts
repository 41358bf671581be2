import type { Pool, PoolClient } from 'pg';
import { insightMessage, type InsightPublisher } from './insight-publisher';
import type { MessagingLogger } from './logger';
import { startPublishSpans } from './publish-tracing';
import { INSIGHTS_CHANNEL, OUTBOX_COLUMNS, outboxRowFrom, type OutboxRow } from './outbox';

export type OutboxRelayOptions = {
  pool: Pool;
  publisher: InsightPublisher;
  /** Rows per publish (default 500). */
  batchSize?: number;
  /** Wait after a failure: doubles from `initialMs` up to `maxMs` (defaults 200 ms, 10 s); retried forever. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Look for work at least this often when no notification arrives (default 1 s). */
  pollIntervalMs?: number;
  logger?: MessagingLogger;
};

export type OutboxRelayStatus = {
  running: boolean;
  unsent: number;
  /** Age of the oldest unsent insight (since it entered the outbox); null when nothing waits. */
  oldestUnsentAgeMs: number | null;
  /** The latest failure while the relay is still failing; null once a batch goes through again. */
  lastError: { message: string; at: string; consecutiveFailures: number } | null;
  /** Insights this relay has had acknowledged since it started. */
  sent: number;
  lastSentAt: string | null;
};

/** Only one relay per database publishes at a time (see `relayOnce`). */
const RELAY_LOCK = 'klantcentraal:outbox-relay';
const LISTEN_RETRY_MS = 5_000;

/**
 * Moves insights from `feed.insight_outbox` to the broker, in `seq` order.
 *
 * Each batch is one transaction: lock the oldest unsent rows, publish them, and mark them sent only after the broker
 * acknowledged them; on failure the transaction rolls back, the rows' `attempts`/`last_error` are updated in a
 * separate small transaction, and the relay backs off (exponentially, up to `backoff.maxMs`) and tries again,
 * forever. It wakes on `LISTEN kc_insights` (sent by `writeInsights` on commit) and polls as a fallback.
 *
 * Delivery is at-least-once: a crash (or a lost connection) between the broker's ack and the commit of `sent_at`
 * leaves the rows unsent, and they are published again, with the same CloudEvent id and the same content (the
 * message is a pure function of the row). A failed publish may also have reached the broker in part. Consumers
 * dedupe by id.
 *
 * Several relays may run against one database (e.g. one per service instance): a transaction-scoped advisory lock
 * lets one of them publish at a time, so per-customer order holds across instances, and a crashed holder's lock
 * goes with its connection. `FOR UPDATE SKIP LOCKED` additionally guarantees that no two relays ever hold the same
 * row, whatever else runs.
 */
export class OutboxRelay {
  private readonly pool: Pool;
  private readonly publisher: InsightPublisher;
  private readonly batchSize: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly pollIntervalMs: number;
  private readonly logger: MessagingLogger;

  private loop: Promise<void> | undefined;
  private stopping = false;
  private publisherStarted = false;
  private listener: PoolClient | undefined;
  private listenRetryAt = 0;
  private notified = false;
  private interruptWait: ((reason: 'notify' | 'stop') => void) | undefined;
  private consecutiveFailures = 0;
  private lastError: OutboxRelayStatus['lastError'] = null;
  private sent = 0;
  private lastSentAt: string | null = null;

  constructor(options: OutboxRelayOptions) {
    this.pool = options.pool;
    this.publisher = options.publisher;
    this.batchSize = options.batchSize ?? 500;
    this.initialBackoffMs = options.backoff?.initialMs ?? 200;
    this.maxBackoffMs = options.backoff?.maxMs ?? 10_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.logger = options.logger ?? console;
    if (!(this.batchSize >= 1)) throw new RangeError('batchSize must be at least 1');
  }

  /**
   * Starts relaying in the background and returns. An unreachable broker does not make this fail: the relay keeps
   * retrying, and `status()` shows the error.
   */
  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    await this.ensureListening();
    this.loop = this.run();
  }

  /** Finishes the batch in flight (published and marked, or rolled back), then releases everything. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.interruptWait?.('stop');
    await this.loop;
    this.loop = undefined;
    this.unlisten();
    this.publisherStarted = false;
    await this.publisher.stop();
  }

  async status(): Promise<OutboxRelayStatus> {
    const { rows } = await this.pool.query<{ unsent: number; oldest_ms: number | null }>(
      `SELECT count(*)::int AS unsent, (extract(epoch FROM now() - min(created_at)) * 1000)::float8 AS oldest_ms
         FROM feed.insight_outbox WHERE sent_at IS NULL`,
    );
    return {
      running: this.loop !== undefined && !this.stopping,
      unsent: rows[0].unsent,
      oldestUnsentAgeMs: rows[0].oldest_ms === null ? null : Math.max(0, Math.round(rows[0].oldest_ms)),
      lastError: this.lastError,
      sent: this.sent,
      lastSentAt: this.lastSentAt,
    };
  }

  /**
   * One batch: publishes up to `batchSize` of the oldest unsent insights and marks them sent. Returns how many were
   * sent: 0 when nothing waits or another relay holds the publishing lock. Throws when publishing failed (after
   * recording the attempt on the rows). The background loop calls this; tools and tests may call it directly.
   */
  async relayOnce(): Promise<number> {
    if (!this.publisherStarted) {
      await this.publisher.start();
      this.publisherStarted = true;
    }
    const client = await this.pool.connect();
    let lost: Error | undefined;
    const onError = (err: Error) => {
      lost = err; // a checked-out client that loses its connection emits 'error': fail the next query, not the process
    };
    client.on('error', onError);
    let batch: OutboxRow[] = [];
    let traceparents: (string | null)[] = [];
    try {
      await client.query('BEGIN');
      const { rows: lock } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok',
        [RELAY_LOCK],
      );
      if (lock[0].ok) {
        const { rows } = await client.query(
          `SELECT ${OUTBOX_COLUMNS}, traceparent FROM feed.insight_outbox
            WHERE sent_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [this.batchSize],
        );
        batch = rows.map(outboxRowFrom);
        traceparents = rows.map((r: { traceparent: string | null }) => r.traceparent);
      }
      if (batch.length > 0) {
        const spans = startPublishSpans(
          batch.map((row, i) => ({ type: row.type, traceparent: traceparents[i] })),
          batch.length,
        );
        try {
          await this.publisher.publish(batch.map((row, i) => spans.message(i, insightMessage(row))));
        } catch (err) {
          spans.end(err);
          this.publisherStarted = false; // the port may need `start` again (e.g. to reconnect)
          throw err;
        }
        spans.end();
        await client.query(
          `UPDATE feed.insight_outbox SET sent_at = now(), attempts = attempts + 1 WHERE seq = ANY($1::bigint[])`,
          [batch.map((r) => r.seq)],
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        lost ??= rollbackError;
      });
      if (batch.length > 0) await this.recordFailure(batch, err);
      throw err;
    } finally {
      client.off('error', onError);
      client.release(lost);
    }
    if (batch.length > 0) {
      this.sent += batch.length;
      this.lastSentAt = new Date().toISOString();
    }
    return batch.length;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.ensureListening();
        this.notified = false; // a notification from here on means "look again"
        const sent = await this.relayOnce();
        if (this.consecutiveFailures > 0) {
          this.logger.log(`outbox relay: publishing again after ${this.consecutiveFailures} failed attempt(s)`);
        }
        this.consecutiveFailures = 0;
        this.lastError = null;
        if (sent === 0) await this.pause(this.pollIntervalMs, true);
      } catch (err) {
        this.consecutiveFailures++;
        const message = errorMessage(err);
        this.lastError = { message, at: new Date().toISOString(), consecutiveFailures: this.consecutiveFailures };
        const delay = this.backoffMs(this.consecutiveFailures);
        this.logger.warn(
          `outbox relay: attempt ${this.consecutiveFailures} failed (${message}); retrying in ${delay} ms`,
        );
        // Notifications do not cut a backoff short: while the broker is down every insert would trigger a retry.
        await this.pause(delay, false);
      }
    }
  }

  /** Exponential, with jitter (between half and all of the step) so that several relays do not retry in lockstep. */
  private backoffMs(failures: number): number {
    const step = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.min(failures - 1, 30));
    return Math.round(step / 2 + (Math.random() * step) / 2);
  }

  private pause(ms: number, wakeOnNotify: boolean): Promise<void> {
    if (this.stopping || (wakeOnNotify && this.notified)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.interruptWait = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.interruptWait = (reason) => {
        if (reason === 'stop' || wakeOnNotify) done();
      };
    });
  }

  private async recordFailure(batch: readonly OutboxRow[], err: unknown): Promise<void> {
    try {
      await this.pool.query(
        `UPDATE feed.insight_outbox SET attempts = attempts + 1, last_error = left($2, 2000)
          WHERE seq = ANY($1::bigint[]) AND sent_at IS NULL`,
        [batch.map((r) => r.seq), errorMessage(err)],
      );
    } catch (bookkeepingError) {
      this.logger.warn(`outbox relay: could not record the failed attempt: ${errorMessage(bookkeepingError)}`);
    }
  }

  /** LISTEN on a dedicated pooled connection; when that fails (or breaks later) the poll keeps things moving. */
  private async ensureListening(): Promise<void> {
    if (this.listener || this.stopping || Date.now() < this.listenRetryAt) return;
    let client: PoolClient | undefined;
    try {
      client = await this.pool.connect();
      const listener = client;
      listener.on('notification', (msg) => {
        if (msg.channel !== INSIGHTS_CHANNEL) return;
        this.notified = true;
        this.interruptWait?.('notify');
      });
      listener.on('error', (err) => {
        if (this.listener !== listener) return;
        this.logger.warn(`outbox relay: lost the LISTEN connection (${err.message}); polling until it is back`);
        this.listener = undefined;
        this.listenRetryAt = Date.now() + LISTEN_RETRY_MS;
        listener.release(err);
      });
      await listener.query(`LISTEN ${INSIGHTS_CHANNEL}`);
      this.listener = listener;
    } catch (err) {
      client?.release(err instanceof Error ? err : new Error(String(err)));
      this.listenRetryAt = Date.now() + LISTEN_RETRY_MS;
      this.logger.warn(`outbox relay: cannot LISTEN ${INSIGHTS_CHANNEL} (${errorMessage(err)}); polling instead`);
    }
  }

  private unlisten(): void {
    const listener = this.listener;
    this.listener = undefined;
    // Closed rather than returned to the pool: it carries this relay's handlers and listened on a channel.
    listener?.release(true);
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
