// The gateway's only kafkajs file.
import * as os from 'node:os';
import { Kafka, logLevel, type Admin, type Consumer, type LogEntry } from 'kafkajs';
import type { Pool } from 'pg';
import { OUTBOX_COLUMNS, outboxRowFrom } from '@klantcentraal/messaging';
import type { FeedItem } from './feed-filter';
import { feedItemOf, lastPublishedSeq, seqsOf } from './feed-outbox';
import { errorMessage, type Deliver, type FeedLogger, type LiveSource } from './live-source';

export type KafkaLiveSourceOptions = Readonly<{
  pool: Pool;
  brokers: readonly string[];
  deliver: Deliver;
  logger: FeedLogger;
  /** Default `customer-insights`. */
  topic?: string;
  /** Default `feed-gateway-<hostname>-<pid>`: one group per gateway instance, so every instance sees every insight. */
  groupId?: string;
  /**
   * How long a published insight may be missing from the consumer (another partition lags, a message was lost while
   * the consumer restarted) before it is taken from the outbox instead (default 2000 ms).
   */
  reorderTimeoutMs?: number;
}>;

type Arrived = Readonly<{ id: string; value: string }>;

const PAGE = 1000;

/**
 * Live insights from Kafka `customer-insights` (a consumer of its own group, from the end of the topic as of start;
 * offsets are never committed). Messages of different partitions arrive in any order; the gateway delivers in outbox
 * order (`seq`), so that `Last-Event-ID` resumes exactly where a client stopped. Each consumed batch therefore lines
 * the messages up against the outbox rows after the last one delivered: a row whose message has arrived is delivered
 * with the message's bytes; a row published more than `reorderTimeoutMs` ago whose message has not arrived is
 * delivered from the outbox (the same CloudEvent); the first row neither holds the rest back. Messages the outbox
 * does not know (another database's relay on the same broker) and redeliveries are dropped.
 */
export class KafkaLiveSource implements LiveSource {
  readonly description: string;
  readonly mode = 'kafka';
  readonly delivered = { fromBroker: 0, fromOutbox: 0 };
  private readonly kafka: Kafka;
  private readonly topic: string;
  private readonly groupId: string;
  private readonly reorderTimeoutMs: number;
  private consumer: Consumer | undefined;
  private after = 0;
  private readonly arrived = new Map<string, Arrived>();
  private draining: Promise<void> | null = null;
  private again = false;
  private sweep: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: KafkaLiveSourceOptions) {
    if (options.brokers.length === 0) throw new Error('KafkaLiveSource needs at least one broker');
    this.topic = options.topic ?? 'customer-insights';
    this.groupId = options.groupId ?? `feed-gateway-${os.hostname()}-${process.pid}`;
    this.reorderTimeoutMs = options.reorderTimeoutMs ?? 2_000;
    this.description = `live insights from Kafka topic ${this.topic} on ${options.brokers.join(',')} (consumer group ${this.groupId})`;
    this.kafka = new Kafka({
      clientId: this.groupId,
      brokers: [...options.brokers],
      connectionTimeout: 3_000,
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
      logLevel: logLevel.ERROR,
      logCreator: () => (entry) => this.logClient(entry),
    });
  }

  async start(): Promise<void> {
    this.stopped = false;
    const ends = await this.topicEnds();
    this.after = await lastPublishedSeq(this.options.pool);
    if (this.stopped) return;
    const consumer = this.kafka.consumer({ groupId: this.groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 1_000 });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) =>
      this.options.logger.warn(`feed: Kafka consumer crashed (${payload.error.message})${payload.restart ? '; restarting' : ''}`),
    );
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: false });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) this.receive(message.value?.toString('utf8'));
          this.drain();
        },
      });
      // From the end as of start, whatever the consumer resolved "latest" to when it joined.
      for (const [partition, offset] of ends) consumer.seek({ topic: this.topic, partition, offset });
      if (this.stopped) throw new Error('stopped while starting');
    } catch (err) {
      if (this.consumer === consumer) this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
    this.sweep = setInterval(() => this.drain(), Math.max(50, Math.floor(this.reorderTimeoutMs / 2)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweep);
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    await this.draining;
    this.arrived.clear();
  }

  /** Per partition, the offset the next message will get; waits for the relay to create the topic. */
  private async topicEnds(): Promise<Map<number, string>> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      for (let attempt = 0; ; attempt++) {
        const topics = await admin.listTopics();
        if (topics.includes(this.topic)) break;
        if (attempt === 0) this.options.logger.log(`feed: waiting for topic ${this.topic} (the outbox relay creates it)`);
        if (this.stopped) throw new Error('stopped');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const offsets = await admin.fetchTopicOffsets(this.topic);
      return new Map(offsets.map((o) => [o.partition, o.high]));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private receive(value: string | undefined): void {
    if (value === undefined) return;
    try {
      const event = JSON.parse(value) as { id?: unknown };
      if (typeof event.id === 'string') this.arrived.set(event.id, { id: event.id, value });
    } catch (err) {
      this.options.logger.warn(`feed: skipped a message of ${this.topic} that is not JSON (${errorMessage(err)})`);
    }
  }

  /** Lines up what arrived with the outbox (see the class comment); concurrent calls fold into one more pass. */
  private drain(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = (async () => {
      do {
        this.again = false;
        try {
          while (!this.stopped && (await this.drainPage()) === PAGE);
          await this.forgetStale();
        } catch (err) {
          if (!this.stopped) this.options.logger.warn(`feed: reading the outbox failed (${errorMessage(err)}); retrying shortly`);
        }
      } while (this.again && !this.stopped);
    })().finally(() => (this.draining = null));
  }

  /** Delivers the rows after the last delivered one that are ready, in order; returns how many rows it looked at. */
  private async drainPage(): Promise<number> {
    const { rows } = await this.options.pool.query(
      `SELECT ${OUTBOX_COLUMNS}, sent_at IS NOT NULL AND sent_at < now() - make_interval(secs => $2::float8 / 1000) AS overdue
         FROM feed.insight_outbox WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`,
      [this.after, this.reorderTimeoutMs],
    );
    const ready: FeedItem[] = [];
    for (const row of rows) {
      const item = feedItemOf(outboxRowFrom(row));
      const message = this.arrived.get(item.id);
      if (message) {
        ready.push({ ...item, cloudEvent: message.value });
        this.delivered.fromBroker++;
      } else if (row.overdue === true) {
        ready.push(item);
        this.delivered.fromOutbox++;
      } else break;
      this.arrived.delete(item.id);
    }
    if (ready.length > 0) {
      this.after = ready[ready.length - 1].seq;
      this.options.deliver(ready);
    }
    return ready.length === rows.length ? rows.length : 0;
  }

  /** Drops arrived messages that will never be lined up: already delivered, or not in this outbox at all. */
  private async forgetStale(): Promise<void> {
    if (this.arrived.size === 0) return;
    const ids = [...this.arrived.keys()];
    const seqs = await seqsOf(this.options.pool, ids);
    for (const id of ids) {
      const seq = seqs.get(id);
      if (seq === undefined || seq <= this.after) this.arrived.delete(id);
    }
  }

  private logClient({ namespace, level, log }: LogEntry): void {
    const line = `feed: [kafkajs${namespace ? ` ${namespace}` : ''}] ${log.message}${log.error ? `: ${log.error}` : ''}`;
    if (level === logLevel.ERROR) this.options.logger.error(line);
    else this.options.logger.warn(line);
  }
}
