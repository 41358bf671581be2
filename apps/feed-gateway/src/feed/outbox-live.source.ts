import type { Pool, PoolClient } from 'pg';
import { INSIGHTS_CHANNEL } from '@klantcentraal/messaging';
import { lastSeq, outboxItems } from './feed-outbox';
import { errorMessage, type Deliver, type FeedLogger, type LiveSource } from './live-source';

const PAGE = 1000;
const LISTEN_RETRY_MS = 5_000;
const EVERYTHING = { accountManager: null, types: null } as const;

/**
 * Live insights straight from the outbox, for when no Kafka is configured: `LISTEN kc_insights` (notified by
 * `writeInsights` on commit) wakes a read of every row after the last one delivered; a poll every `pollIntervalMs`
 * covers a lost LISTEN connection. Insights are live as soon as the projector commits them.
 */
export class OutboxLiveSource implements LiveSource {
  readonly description: string;
  readonly mode = 'outbox';
  readonly delivered = { fromBroker: 0, fromOutbox: 0 };
  private after = 0;
  private listener: PoolClient | undefined;
  private listenRetryAt = 0;
  private poll: NodeJS.Timeout | undefined;
  private reading: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    private readonly deliver: Deliver,
    private readonly logger: FeedLogger,
    private readonly pollIntervalMs = 1_000,
  ) {
    this.description = `KAFKA_BROKERS not set: live insights come from the outbox (LISTEN ${INSIGHTS_CHANNEL}, polling every ${pollIntervalMs} ms)`;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.after = await lastSeq(this.pool);
    await this.listen();
    this.poll = setInterval(() => {
      void this.listen();
      this.read();
    }, this.pollIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    await this.reading;
    const listener = this.listener;
    this.listener = undefined;
    listener?.release(true);
  }

  /** Reads everything after the last delivered row; concurrent calls fold into one more pass. */
  private read(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        try {
          for (;;) {
            const items = await outboxItems(this.pool, this.after, EVERYTHING, PAGE);
            if (items.length === 0) break;
            this.after = items[items.length - 1].seq;
            this.delivered.fromOutbox += items.length;
            this.deliver(items);
            if (items.length < PAGE) break;
          }
        } catch (err) {
          if (!this.stopped) this.logger.warn(`feed: reading the outbox failed (${errorMessage(err)}); the next poll tries again`);
        }
      } while (this.again && !this.stopped);
    })().finally(() => (this.reading = null));
  }

  private async listen(): Promise<void> {
    if (this.listener || this.stopped || Date.now() < this.listenRetryAt) return;
    let client: PoolClient | undefined;
    try {
      client = await this.pool.connect();
      const listener = client;
      listener.on('notification', (message) => {
        if (message.channel === INSIGHTS_CHANNEL) this.read();
      });
      listener.on('error', (err) => {
        if (this.listener !== listener) return;
        this.logger.warn(`feed: lost the LISTEN connection (${err.message}); polling until it is back`);
        this.listener = undefined;
        this.listenRetryAt = Date.now() + LISTEN_RETRY_MS;
        listener.release(err);
      });
      await listener.query(`LISTEN ${INSIGHTS_CHANNEL}`);
      if (this.stopped) {
        listener.release(true);
        return;
      }
      this.listener = listener;
      this.read(); // whatever was committed before LISTEN took effect
    } catch (err) {
      client?.release(err instanceof Error ? err : new Error(String(err)));
      this.listenRetryAt = Date.now() + LISTEN_RETRY_MS;
      this.logger.warn(`feed: cannot LISTEN ${INSIGHTS_CHANNEL} (${errorMessage(err)}); polling instead`);
    }
  }
}
