/**
 * The feed's integration suites: the whole path on real PostgreSQL (and Kafka when given) — ingest API over HTTP,
 * the projection runner with the insights projection, the insight timer, the outbox relay, the gateway.
 */
import { randomUUID } from 'node:crypto';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { AuthModule } from '@klantcentraal/auth';
import type { ApiKeySpec } from '@klantcentraal/config';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { configureHttpApp } from '@klantcentraal/http';
// The specs drive the ingest API over HTTP as a client would; the gateway's production code never imports it.
import { IngestApiModule } from '@klantcentraal/ingest-api';
import { KafkaInsightPublisher, MESSAGING_MIGRATIONS, OutboxRelay } from '@klantcentraal/messaging';
import { runMigrations } from '@klantcentraal/postgres';
import { PROJECTION_RUNNER_MIGRATIONS, ProjectionRunner } from '@klantcentraal/projections';
import { createProjections, InsightTimer, READ_MODEL_MIGRATIONS } from '@klantcentraal/read-models';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { FeedGatewayModule } from '../feed-gateway.module';
import { openSse, type SseItem, type SseMessage } from '../tail/sse-reader';

export const KEYS: ApiKeySpec[] = [
  { key: 'k-ingest-feed-0123456789-abcdef', name: 'crm-sync', roles: ['ingest'] },
  { key: 'k-sales-feed-0123456789-abcdef', name: 'sales-desk', roles: ['sales'] },
  { key: 'k-analyst-feed-0123456789-abcdef', name: 'analyst', roles: ['analyst'] },
  { key: 'k-admin-feed-0123456789-abcdef', name: 'admin', roles: ['admin'] },
];
export const keyOf = (role: string) => KEYS.find((k) => k.roles.includes(role as never))!.key;

export const quiet = { log: () => undefined, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function eventually<T>(probe: () => Promise<T> | T, until: (value: T) => boolean, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (until(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)?.slice(0, 2000)}`);
    await sleep(25);
  }
}

export type Envelope = { type: string; occurredAt: string; data: Record<string, unknown> };
const ev = (type: string, occurredAt: string, data: Record<string, unknown>): Envelope => ({ type, occurredAt, data });
const purchase = (orderId: string, occurredAt: string) =>
  ev('PurchaseMade', occurredAt, { orderId, lines: [{ sku: 'PAP-A4-80', category: 'paper', quantity: 4, unitPrice: 25 }], total: 100, currency: 'EUR' });

/** Personal texts of the scenario: never in an insight. */
export const PERSONAL = ['Jan Jansen', 'jan@loyal.example', 'Piet levert altijd te laat', 'Loyal BV', 'Detractor BV'];

/**
 * Four customers, one per kind of insight the issue names: a customer becoming loyal (u-17), a detractor NPS answer
 * (u-17), a complaint resolved after its 24 h target (u-42), a quote sent after the expected date (u-42).
 */
export const SCENARIO: Record<string, Envelope[]> = {
  'loyal-1': [
    ev('ProspectRegistered', '2026-01-02T09:00:00Z', { name: 'Loyal BV', size: 'medium' }),
    ev('AccountManagerAssigned', '2026-01-02T10:00:00Z', { employeeId: 'u-17', salesRole: 'account-manager' }),
    ev('ContactAdded', '2026-01-03T09:00:00Z', { contactId: 'p-1', name: 'Jan Jansen', email: 'jan@loyal.example', dmuRole: 'buyer' }),
    purchase('O-1', '2026-01-10T09:00:00Z'),
    purchase('O-2', '2026-03-10T09:00:00Z'),
  ],
  'detractor-1': [
    ev('ProspectRegistered', '2026-02-01T09:00:00Z', { name: 'Detractor BV', size: 'small' }),
    ev('AccountManagerAssigned', '2026-02-01T10:00:00Z', { employeeId: 'u-17', salesRole: 'inside-sales' }),
    purchase('D-1', '2026-02-05T09:00:00Z'),
    ev('NpsResponded', '2026-02-20T09:00:00Z', { surveyId: 'S-1', contactId: 'p-9', score: 2, improvement: 'Piet levert altijd te laat' }),
  ],
  'complaint-1': [
    ev('ProspectRegistered', '2026-03-01T09:00:00Z', { name: 'Klacht BV', size: 'large' }),
    ev('AccountManagerAssigned', '2026-03-01T10:00:00Z', { employeeId: 'u-42', salesRole: 'key-account-manager' }),
    ev('ComplaintFiled', '2026-03-05T10:00:00Z', { complaintId: 'CP-1', category: 'delivery', severity: 'high' }),
    ev('ComplaintResolved', '2026-03-06T16:00:00Z', { complaintId: 'CP-1' }), // 30 h: late
  ],
  'quote-1': [
    ev('ProspectRegistered', '2026-04-01T09:00:00Z', { name: 'Offerte BV', size: 'enterprise' }),
    ev('AccountManagerAssigned', '2026-04-01T10:00:00Z', { employeeId: 'u-42', salesRole: 'senior-account-manager' }),
    ev('QuoteRequested', '2026-04-02T09:00:00Z', { quoteId: 'Q-1', expectedWithinDays: 2 }),
    ev('QuoteSent', '2026-04-08T09:00:00Z', { quoteId: 'Q-1', amount: 1200, currency: 'EUR' }), // expected 2026-04-04
  ],
};

/** A complaint that nobody resolves: only time passing breaches its target (2026-05-03T08:00Z). */
export const OPEN_COMPLAINT: Envelope[] = [
  ev('ProspectRegistered', '2026-05-01T09:00:00Z', { name: 'Stil BV', size: 'small' }),
  ev('AccountManagerAssigned', '2026-05-01T10:00:00Z', { employeeId: 'u-42', salesRole: 'account-manager' }),
  ev('ComplaintFiled', '2026-05-02T08:00:00Z', { complaintId: 'CP-9', category: 'service' }),
];

export type FeedStack = {
  url: string;
  db: TestDatabase;
  store: PostgresEventStore;
  runner: ProjectionRunner;
  timer: InsightTimer;
  relay: OutboxRelay | null;
  app: INestApplication;
  /** What the gateway logged (log level). */
  logs: string[];
  /** The insight timer's "now". */
  setNow(iso: string): void;
  ingest(customerId: string, events: readonly Envelope[]): Promise<number>;
  /** Waits until the projections (insights included) have applied `position`. */
  projected(position: number): Promise<void>;
  stop(): Promise<void>;
};

/** Everything of the feed on one fresh database; Kafka mode when brokers are given (relay + gateway consumer). */
export async function startFeedStack(options: { kafkaBrokers: readonly string[] | null; heartbeatMs?: number; topic?: string }): Promise<FeedStack> {
  const db = await createTestDatabase('kc_feed');
  await runMigrations(db.url, [...EVENT_STORE_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS, ...READ_MODEL_MIGRATIONS, ...MESSAGING_MIGRATIONS]);
  const store = new PostgresEventStore(db.pool);
  const runner = new ProjectionRunner({ pool: db.pool, store, projections: createProjections({ insights: true }), logger: quiet });
  runner.start();
  let now = new Date();
  const timer = new InsightTimer({ pool: db.pool, store, clock: () => now });
  let relay: OutboxRelay | null = null;
  if (options.kafkaBrokers) {
    relay = new OutboxRelay({
      pool: db.pool,
      publisher: new KafkaInsightPublisher({ brokers: options.kafkaBrokers, topic: options.topic, clientId: `relay-${db.name}`, logger: quiet, clientLogLevel: 'nothing' }),
      logger: quiet,
    });
    await relay.start();
  }

  const logs: string[] = [];
  @Module({})
  class FeedRoot {}
  const app = await NestFactory.create(
    {
      module: FeedRoot,
      imports: [
        AuthModule.forRoot({ keys: KEYS }),
        IngestApiModule.register({ eventStore: store }),
        FeedGatewayModule.register({
          pool: db.pool,
          kafkaBrokers: options.kafkaBrokers,
          heartbeatMs: options.heartbeatMs ?? 300,
          topic: options.topic,
          groupId: `feed-gateway-${db.name}`,
          logger: { ...quiet, log: (m: string) => logs.push(m) },
        }),
      ],
    },
    { bodyParser: false, logger: ['error'] },
  );
  configureHttpApp(app, { title: 'feed e2e' });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  const ingest = async (customerId: string, events: readonly Envelope[]) => {
    const response = await fetch(`${url}/v1/customers/${customerId}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keyOf('ingest')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: events.map((e) => ({ eventId: randomUUID(), ...e })) }),
    });
    const body = (await response.json()) as { lastPosition: number };
    if (response.status !== 201) throw new Error(`ingest ${customerId}: ${response.status} ${JSON.stringify(body)}`);
    return body.lastPosition;
  };

  return {
    url,
    db,
    store,
    runner,
    timer,
    relay,
    app,
    logs,
    setNow: (iso) => (now = new Date(iso)),
    ingest,
    projected: (position) => runner.waitForPosition(position, 20_000),
    async stop() {
      await app.close();
      await relay?.stop();
      await runner.stop();
      await store.close();
      await db.drop();
    },
  };
}

/** An SSE connection that collects in the background. */
export class SseCollector {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  status = 0;
  contentType: string | null = null;
  private close: () => void = () => undefined;
  private done: Promise<void> = Promise.resolve();

  static async open(url: string, headers: Record<string, string>): Promise<SseCollector> {
    const collector = new SseCollector();
    const connection = await openSse(url, headers);
    collector.status = connection.status;
    collector.contentType = connection.headers.get('content-type');
    collector.close = connection.close;
    collector.done = (async () => {
      for await (const item of connection.items as AsyncIterable<SseItem>) {
        if (item.kind === 'message') collector.messages.push(item);
        else collector.comments.push(item.text);
      }
    })().catch(() => undefined);
    return collector;
  }

  /** The CloudEvents received, parsed. */
  get events(): Record<string, unknown>[] {
    return this.messages.map((m) => JSON.parse(m.data));
  }

  async waitForMessages(count: number, timeoutMs = 20_000): Promise<SseMessage[]> {
    await eventually(() => this.messages.length, (n) => n >= count, timeoutMs, `${count} SSE messages`);
    return this.messages;
  }

  async stop(): Promise<void> {
    this.close();
    await this.done;
  }
}

export const feedUrl = (base: string, query: Record<string, string> = {}) => {
  const params = new URLSearchParams(query).toString();
  return `${base}/v1/feed${params ? `?${params}` : ''}`;
};

export const salesHeaders = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${keyOf('sales')}`, ...extra });

export type KafkaRecord = { key: string; value: string; partition: number; offset: number; headers: Record<string, string> };

/** A consumer of `topic` from the beginning (its own group) that collects every message. */
export class TopicCollector {
  readonly records: KafkaRecord[] = [];
  private constructor(private readonly consumer: Consumer) {}

  static async start(brokers: readonly string[], topic: string): Promise<TopicCollector> {
    const suffix = `${process.pid}-${randomUUID().slice(0, 8)}`;
    const kafka = new Kafka({ clientId: `collector-${suffix}`, brokers: [...brokers], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `collector-${suffix}`, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
    const collector = new TopicCollector(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        collector.records.push({
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          partition,
          offset: Number(message.offset),
          headers,
        });
      },
    });
    return collector;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
