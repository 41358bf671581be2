// The only file that knows kafkajs: swapping the Kafka client means rewriting this adapter, nothing else.
import { Kafka, logLevel, Partitioners, type LogEntry, type Producer } from 'kafkajs';
import type { InsightPublisher, PublishMessage } from './insight-publisher';
import type { MessagingLogger } from './logger';

export const CUSTOMER_INSIGHTS_TOPIC = 'customer-insights';

export type KafkaInsightPublisherOptions = {
  brokers: readonly string[];
  /** Default `customer-insights`. */
  topic?: string;
  /** Partitions when the topic is created (default 6); an existing topic is left as it is. */
  partitions?: number;
  /** Replication factor when the topic is created: 1 for a single broker (default), 3 for a production cluster. */
  replicationFactor?: number;
  clientId?: string;
  /** How long one connection attempt may take (default 3 s). */
  connectionTimeoutMs?: number;
  /** How long the broker may take to acknowledge one produce request (default 10 s). */
  requestTimeoutMs?: number;
  logger?: MessagingLogger;
  /** kafkajs' own logging, routed to `logger` (default `error`). The relay logs every failed publish itself. */
  clientLogLevel?: 'nothing' | 'error' | 'warn' | 'info';
};

/**
 * Publishes to Kafka with an idempotent producer: `acks: -1` (all in-sync replicas), key = customerId so one
 * customer's insights land on one partition in order.
 *
 * kafkajs only keeps an idempotent producer's sequence numbers consistent with one request in flight (the Kafka
 * protocol allows up to 5, kafkajs does not reorder retried batches), hence `maxInFlightRequests: 1`.
 *
 * Failures are bounded and handed to the caller: the producer retries a few times within about three seconds
 * (an idempotent kafkajs producer would otherwise retry forever and a broker outage would hang the relay inside
 * one send), then `publish` rejects and drops the producer. The next `publish` builds a fresh one (a new producer
 * id), which also reconnects after the broker comes back. A resent batch may duplicate messages the broker had
 * written before the failure: delivery is at-least-once, and the CloudEvent ids let consumers dedupe.
 */
export class KafkaInsightPublisher implements InsightPublisher {
  readonly topic: string;
  private readonly kafka: Kafka;
  private readonly partitions: number;
  private readonly replicationFactor: number;
  private readonly logger: MessagingLogger;
  private producer: Producer | undefined;
  private topicChecked = false;
  private starting: Promise<Producer> | undefined;

  constructor(options: KafkaInsightPublisherOptions) {
    if (options.brokers.length === 0) throw new Error('KafkaInsightPublisher needs at least one broker');
    this.topic = options.topic ?? CUSTOMER_INSIGHTS_TOPIC;
    this.partitions = options.partitions ?? 6;
    this.replicationFactor = options.replicationFactor ?? 1;
    this.logger = options.logger ?? console;
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'klantcentraal-outbox-relay',
      brokers: [...options.brokers],
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      // Explicit, so jest (NODE_ENV=test switches kafkajs to other defaults) behaves like production.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000, factor: 0.2, multiplier: 2 },
      logLevel: LOG_LEVELS[options.clientLogLevel ?? 'error'],
      logCreator: () => (entry) => this.logClient(entry),
    });
  }

  /** Creates the topic when missing and connects the producer; safe to call again (e.g. after a failure). */
  async start(): Promise<void> {
    await this.connectedProducer();
  }

  async publish(messages: readonly PublishMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connectedProducer();
    try {
      await producer.send({
        topic: this.topic,
        acks: -1,
        messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers ? { ...m.headers } : undefined })),
      });
    } catch (err) {
      // After a failed send the producer's sequence state is uncertain: never reuse it.
      await this.dropProducer();
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.dropProducer();
  }

  private connectedProducer(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.starting ??= this.connect().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async connect(): Promise<Producer> {
    if (!this.topicChecked) {
      await this.ensureTopic();
      this.topicChecked = true;
    }
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 partitioning: Java clients producing the same keys pick the same partitions.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000, factor: 0.2, multiplier: 2 },
    });
    try {
      await producer.connect();
    } catch (err) {
      await producer.disconnect().catch(() => undefined);
      throw err;
    }
    this.producer = producer;
    return producer;
  }

  private async ensureTopic(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const created = await admin.createTopics({
        topics: [{ topic: this.topic, numPartitions: this.partitions, replicationFactor: this.replicationFactor }],
        waitForLeaders: true,
      });
      if (created) {
        this.logger.log(`created topic ${this.topic} (${this.partitions} partitions, replication ${this.replicationFactor})`);
        return;
      }
      // Partitions are never added here: that would move keys to other partitions and break per-customer order.
      const metadata = await admin.fetchTopicMetadata({ topics: [this.topic] });
      const existing = metadata.topics[0]?.partitions.length ?? 0;
      if (existing !== this.partitions) {
        this.logger.warn(`topic ${this.topic} exists with ${existing} partitions (configured ${this.partitions}); left as it is`);
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private logClient({ namespace, level, log }: LogEntry): void {
    const { message, error } = log;
    const line = `[kafkajs${namespace ? ` ${namespace}` : ''}] ${message}${error ? `: ${error}` : ''}`;
    if (level === logLevel.ERROR) this.logger.error(line);
    else if (level === logLevel.WARN) this.logger.warn(line);
    else this.logger.log(line);
  }
}

const LOG_LEVELS = { nothing: logLevel.NOTHING, error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO } as const;
