/**
 * feed: the real-time insight feed end to end, with the projector live.
 *
 * - latency: from an HTTP append (`POST /v1/customers/{id}/events`, a detractor NpsResponded) until a kafkajs
 *   consumer of `customer-insights` receives the `insight.detractor-responded` it caused (ingest API → event store →
 *   NOTIFY → projection runner batch with the insights projection → outbox → NOTIFY → relay → broker → consumer); one
 *   append at a time. Also until an SSE client of `GET /v1/feed` receives it (the gateway in Kafka mode).
 * - throughput: insights per second reaching the consumer while demo histories are bulk-loaded over HTTP
 *   (`POST /v1/events`, 1000 events per request), from the first request until the last insight arrived.
 */
import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { AuthModule } from '@klantcentraal/auth';
import { generateCustomerHistories } from '@klantcentraal/demo-data';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { FeedGatewayModule } from '@klantcentraal/feed-gateway';
import { configureHttpApp } from '@klantcentraal/http';
import { IngestApiModule } from '@klantcentraal/ingest-api';
import { CUSTOMER_INSIGHTS_TOPIC, KafkaInsightPublisher, MESSAGING_MIGRATIONS, OutboxRelay } from '@klantcentraal/messaging';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import { PROJECTION_RUNNER_MIGRATIONS, ProjectionRunner } from '@klantcentraal/projections';
import { createProjections, READ_MODEL_MIGRATIONS, startInsightTimer } from '@klantcentraal/read-models';
import { percentile, round } from './support';

export type FeedBenchOptions = Readonly<{
  databaseUrl: string;
  kafkaBrokers: readonly string[];
  /** Latency samples (default 300). */
  samples?: number;
  /** Events bulk-loaded for the throughput figure (default 50 000). */
  bulkEvents?: number;
  log?: (message: string) => void;
}>;

export type FeedBenchResult = {
  feed: {
    latencyP50Ms: number;
    latencyP99Ms: number;
    latencyMaxMs: number;
    sseLatencyP50Ms: number;
    sseLatencyP99Ms: number;
    samples: number;
    insightsPerSecond: number;
    bulkInsights: number;
    bulkEvents: number;
    /** Events per second through the whole pipeline during the bulk load (HTTP ingest to insights on Kafka). */
    bulkEventsPerSecond: number;
    bulkSeconds: number;
  };
};

const INGEST_KEY = 'bench-feed-ingest-key-00000001';
const SALES_KEY = 'bench-feed-sales-key-00000001';
const quiet = { log: () => undefined, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };

type Received = { at: number; subject: string; type: string; surveyId: unknown };

export async function feedBenchmark(options: FeedBenchOptions): Promise<FeedBenchResult> {
  const samples = options.samples ?? 300;
  const bulkEvents = options.bulkEvents ?? 50_000;
  const log = options.log ?? (() => undefined);
  await runMigrations(options.databaseUrl, [...EVENT_STORE_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS, ...READ_MODEL_MIGRATIONS, ...MESSAGING_MIGRATIONS]);
  const pool = createPool(options.databaseUrl, { max: 30 });
  const store = new PostgresEventStore(pool);
  const cleanups: (() => Promise<unknown>)[] = [() => pool.end(), () => store.close()];
  try {
    // The projector process: runner (live), insight timer, relay.
    const applyTimes: Record<string, number[]> = {};
    const projections = createProjections({ insights: true }).map((projection) =>
      process.env.FEED_BENCH_BREAKDOWN
        ? Object.assign(Object.create(projection) as typeof projection, {
            apply: async (events: Parameters<typeof projection.apply>[0], context: Parameters<typeof projection.apply>[1]) => {
              const t = performance.now();
              await projection.apply(events, context);
              (applyTimes[projection.name] ??= []).push(performance.now() - t);
            },
          })
        : projection,
    );
    const runner = new ProjectionRunner({ pool, store, projections, logger: quiet });
    runner.start();
    cleanups.push(() => runner.stop());
    const timer = startInsightTimer({ pool, store, logger: quiet });
    cleanups.push(() => timer.stop());
    const relay = new OutboxRelay({
      pool,
      publisher: new KafkaInsightPublisher({ brokers: options.kafkaBrokers, clientId: 'bench-feed-relay', logger: quiet, clientLogLevel: 'nothing' }),
      logger: quiet,
    });
    await relay.start();
    cleanups.push(() => relay.stop());

    @Module({})
    class FeedBenchRoot {}
    const app = await NestFactory.create(
      {
        module: FeedBenchRoot,
        imports: [
          AuthModule.forRoot({
            keys: [
              { key: INGEST_KEY, name: 'bench-ingest', roles: ['ingest'] },
              { key: SALES_KEY, name: 'bench-sales', roles: ['sales'] },
            ],
          }),
          IngestApiModule.register({ eventStore: store }),
          FeedGatewayModule.register({ pool, kafkaBrokers: options.kafkaBrokers, logger: quiet }),
        ],
      },
      { bodyParser: false, logger: ['error'] },
    );
    configureHttpApp(app, { title: 'feed bench', bodyLimit: '20mb' });
    await app.listen(0, '127.0.0.1');
    cleanups.push(() => app.close());
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    const consumer = await startConsumer(options.kafkaBrokers);
    cleanups.push(() => consumer.stop());
    const sse = await startSse(`${url}/v1/feed?types=detractor-responded`);
    cleanups.push(async () => sse.stop());

    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${INGEST_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as { lastPosition: number };
    };

    // Latency: customers with a purchase, then one detractor answer at a time.
    const customers = Array.from({ length: 50 }, (_, i) => `lat-${i}`);
    const setup = await post('/v1/events', {
      events: customers.flatMap((customerId) => [
        { customerId, type: 'ProspectRegistered', occurredAt: '2026-01-01T09:00:00Z', data: { name: `Bench ${customerId}`, size: 'small' } },
        { customerId, type: 'AccountManagerAssigned', occurredAt: '2026-01-01T10:00:00Z', data: { employeeId: 'u-bench', salesRole: 'account-manager' } },
        {
          customerId,
          type: 'PurchaseMade',
          occurredAt: '2026-01-02T09:00:00Z',
          data: { orderId: `O-${customerId}`, lines: [{ sku: 'X', quantity: 1, unitPrice: 10 }], total: 10, currency: 'EUR' },
        },
      ]),
    });
    await runner.waitForPosition(setup.lastPosition, 60_000);
    const warmup = Math.min(20, Math.ceil(samples / 10));
    const kafkaLatencies: number[] = [];
    const sseLatencies: number[] = [];
    const debug: { surveyId: string; started: number; http: number; kafka: number }[] = [];
    for (let i = 0; i < warmup + samples; i++) {
      const customerId = customers[i % customers.length];
      const surveyId = `S-${i}`;
      const key = `${customerId}|${surveyId}`;
      const fromKafka = consumer.next(key);
      const fromSse = sse.next(key);
      const started = performance.now();
      await post(`/v1/customers/${customerId}/events`, {
        events: [{ eventId: randomUUID(), type: 'NpsResponded', occurredAt: new Date(Date.UTC(2026, 1, 1) + i * 60_000).toISOString(), data: { surveyId, score: 2 } }],
      });
      const httpDone = performance.now();
      const [kafkaAt, sseAt] = await Promise.all([fromKafka, fromSse]);
      if (i >= warmup) {
        kafkaLatencies.push(kafkaAt - started);
        sseLatencies.push(sseAt - started);
        debug.push({ surveyId, started: performance.timeOrigin + started, http: httpDone - started, kafka: kafkaAt - started });
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    kafkaLatencies.sort((a, b) => a - b);
    sseLatencies.sort((a, b) => a - b);
    if (process.env.FEED_BENCH_BREAKDOWN) {
      const { rows } = await pool.query<{ survey: string; recorded: number; created: number; sent: number }>(
        `SELECT e.data ->> 'surveyId' AS survey, extract(epoch FROM e.recorded_at) * 1000 AS recorded,
                extract(epoch FROM o.created_at) * 1000 AS created, extract(epoch FROM o.sent_at) * 1000 AS sent
           FROM event_store.events e JOIN feed.insight_outbox o ON o.global_position = e.global_position AND o.type = 'detractor-responded'
          WHERE e.type = 'NpsResponded'`,
      );
      const bySurvey = new Map(rows.map((r) => [r.survey, r]));
      const stages: Record<string, number[]> = { http: [], appendTx: [], projector: [], relay: [], consumer: [] };
      for (const d of debug) {
        const r = bySurvey.get(d.surveyId);
        if (!r) continue;
        stages.http.push(d.http);
        stages.appendTx.push(r.recorded - d.started);
        stages.projector.push(r.created - r.recorded);
        stages.relay.push(r.sent - r.created);
        stages.consumer.push(d.started + d.kafka - r.sent);
      }
      for (const [name, values] of Object.entries(applyTimes)) stages[`apply ${name}`] = values.slice(-samples);
      for (const [name, values] of Object.entries(stages)) {
        values.sort((a, b) => a - b);
        log(`  ${name}: p50 ${round(percentile(values, 50))} p90 ${round(percentile(values, 90))} p99 ${round(percentile(values, 99))}`);
      }
    }
    log(`latency: p50 ${round(percentile(kafkaLatencies, 50))} ms, p99 ${round(percentile(kafkaLatencies, 99))} ms over ${samples} appends`);

    // Throughput: bulk-load demo histories while everything runs live.
    const bodies: string[] = [];
    let batch: unknown[] = [];
    let total = 0;
    for (const customer of generateCustomerHistories({ seed: 9, customers: 99_999, customerIdPrefix: 'fb-' })) {
      for (const event of customer.events) batch.push({ customerId: customer.customerId, ...event });
      if (batch.length >= 1000 || total + batch.length >= bulkEvents) {
        bodies.push(JSON.stringify({ events: batch }));
        total += batch.length;
        batch = [];
        if (total >= bulkEvents) break;
      }
    }
    const receivedBefore = consumer.count;
    const { rows: before } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM feed.insight_outbox`);
    const started = performance.now();
    let next = 0;
    let lastPosition = 0;
    await Promise.all(
      Array.from({ length: 2 }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          const response = await fetch(`${url}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${INGEST_KEY}`, 'content-type': 'application/json' },
            body,
          });
          if (response.status !== 201) throw new Error(`POST /v1/events answered ${response.status}: ${await response.text()}`);
          lastPosition = Math.max(lastPosition, ((await response.json()) as { lastPosition: number }).lastPosition);
        }
      }),
    );
    await runner.waitForPosition(lastPosition, 600_000);
    const { rows: after } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM feed.insight_outbox`);
    const bulkInsights = after[0].n - before[0].n;
    const deadline = Date.now() + 600_000;
    while (consumer.count - receivedBefore < bulkInsights) {
      if (Date.now() > deadline) throw new Error(`only ${consumer.count - receivedBefore} of ${bulkInsights} insights arrived`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const bulkSeconds = (consumer.lastAt - started) / 1000;
    log(`bulk: ${total} events → ${bulkInsights} insights on Kafka in ${bulkSeconds.toFixed(1)} s`);

    return {
      feed: {
        latencyP50Ms: round(percentile(kafkaLatencies, 50)),
        latencyP99Ms: round(percentile(kafkaLatencies, 99)),
        latencyMaxMs: round(kafkaLatencies[kafkaLatencies.length - 1]),
        sseLatencyP50Ms: round(percentile(sseLatencies, 50)),
        sseLatencyP99Ms: round(percentile(sseLatencies, 99)),
        samples,
        insightsPerSecond: Math.round(bulkInsights / bulkSeconds),
        bulkInsights,
        bulkEvents: total,
        bulkEventsPerSecond: Math.round(total / bulkSeconds),
        bulkSeconds: round(bulkSeconds, 1),
      },
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => console.error(`cleanup: ${(err as Error).message}`));
  }
}

/** Arrival times of detractor insights by `customer|survey`, for one waiter each. */
class Arrivals {
  count = 0;
  lastAt = 0;
  private readonly waiting = new Map<string, (at: number) => void>();
  private readonly early = new Map<string, number>();

  next(key: string): Promise<number> {
    const at = this.early.get(key);
    if (at !== undefined) {
      this.early.delete(key);
      return Promise.resolve(at);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no insight for ${key} within 30 s`)), 30_000);
      this.waiting.set(key, (arrivedAt) => {
        clearTimeout(timer);
        resolve(arrivedAt);
      });
    });
  }

  arrived(received: Received): void {
    this.count++;
    this.lastAt = received.at;
    if (received.type !== 'insight.detractor-responded') return;
    const key = `${received.subject}|${String(received.surveyId)}`;
    const waiter = this.waiting.get(key);
    if (waiter) {
      this.waiting.delete(key);
      waiter(received.at);
    } else if (received.subject.startsWith('lat-')) this.early.set(key, received.at);
  }
}

async function startConsumer(brokers: readonly string[]): Promise<Arrivals & { stop(): Promise<void> }> {
  const kafka = new Kafka({ clientId: 'bench-feed-consumer', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId: `bench-feed-${randomUUID()}`, maxWaitTimeInMs: 500, allowAutoTopicCreation: false });
  const arrivals = new Arrivals();
  let joined!: () => void;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  // From the beginning (the topic may not exist yet), but what a broker kept from earlier runs is not this run's:
  // messages below each partition's end offset as of now are skipped.
  const startOffsets = await topicEndOffsets(kafka);
  await consumer.connect();
  await consumer.subscribe({ topic: CUSTOMER_INSIGHTS_TOPIC, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (Number(message.offset) < (startOffsets.get(partition) ?? 0)) return;
      const at = performance.now();
      const event = JSON.parse(message.value?.toString() ?? '{}') as { subject: string; type: string; data?: { surveyId?: unknown } };
      arrivals.arrived({ at, subject: event.subject, type: event.type, surveyId: event.data?.surveyId });
    },
  });
  await ready;
  return Object.assign(arrivals, { stop: () => consumer.disconnect() });
}

async function topicEndOffsets(kafka: Kafka): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(CUSTOMER_INSIGHTS_TOPIC)) return new Map();
    const offsets = await admin.fetchTopicOffsets(CUSTOMER_INSIGHTS_TOPIC);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

async function startSse(url: string): Promise<Arrivals & { stop(): void }> {
  const arrivals = new Arrivals();
  const abort = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${SALES_KEY}`, accept: 'text/event-stream' }, signal: abort.signal });
  if (response.status !== 200 || !response.body) throw new Error(`GET /v1/feed answered ${response.status}`);
  const decoder = new TextDecoder();
  void (async () => {
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (!data) continue;
          const event = JSON.parse(data.slice(6)) as { subject: string; type: string; data?: { surveyId?: unknown } };
          arrivals.arrived({ at: performance.now(), subject: event.subject, type: event.type, surveyId: event.data?.surveyId });
        }
      }
    } catch {
      // aborted
    }
  })();
  return Object.assign(arrivals, { stop: () => abort.abort() });
}
