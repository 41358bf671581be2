import { kafkaSuiteEnabled, requireKafka, type ResolvedKafka, type TestDatabase } from '@klantcentraal/testing';
import { CLOUD_EVENTS_CONTENT_TYPE } from './cloud-event';
import { CUSTOMER_INSIGHTS_TOPIC, KafkaInsightPublisher } from './kafka-insight-publisher';
import { writeInsights, type OutboxInsight } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { readTopicToEnd, topicPartitionCount } from './testing/kafka-fixtures';
import { createOutboxDatabase, insightFor, newRun } from './testing/outbox-fixtures';

// Outbox → relay → real Kafka → a kafkajs consumer reading `customer-insights` from the beginning.
const describeKafka = kafkaSuiteEnabled() ? describe : describe.skip;

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeKafka('OutboxRelay → Kafka customer-insights', () => {
  let kafka: ResolvedKafka;
  let db: TestDatabase;

  beforeAll(async () => {
    kafka = await requireKafka();
    db = await createOutboxDatabase();
  }, 300_000);

  afterAll(async () => {
    await db?.drop();
    await kafka?.stop();
  }, 60_000);

  it('delivers every insight as a CloudEvent keyed by customer, in per-customer order, and marks it sent', async () => {
    const run = newRun();
    const insights = Array.from({ length: 300 }, (_, n) => insightFor(run, n, 17));
    // Written in three transactions while the relay runs, as the projector would.
    const publisher = new KafkaInsightPublisher({ brokers: kafka.brokers, clientId: `relay-${run}`, logger: quiet, clientLogLevel: 'nothing' });
    const relay = new OutboxRelay({ pool: db.pool, publisher, batchSize: 64, logger: quiet });
    await relay.start();
    try {
      for (let i = 0; i < insights.length; i += 100) await writeInsights(db.pool, insights.slice(i, i + 100));
      const deadline = Date.now() + 60_000;
      while ((await relay.status()).unsent > 0) {
        if (Date.now() > deadline) throw new Error(`relay did not drain: ${JSON.stringify(await relay.status())}`);
        await sleep(50);
      }
      expect(await relay.status()).toMatchObject({ unsent: 0, lastError: null, sent: 300 });
    } finally {
      await relay.stop();
    }

    expect(await topicPartitionCount(kafka.brokers, CUSTOMER_INSIGHTS_TOPIC)).toBe(6);
    const ours = (await readTopicToEnd(kafka.brokers, CUSTOMER_INSIGHTS_TOPIC)).filter((m) => m.key.startsWith(`cust-${run}-`));
    const byId = new Map(insights.map((i) => [i.id, i]));
    expect(ours.map((m) => JSON.parse(m.value).id).sort()).toEqual([...byId.keys()].sort());

    for (const message of ours) {
      const event = JSON.parse(message.value);
      const insight = byId.get(event.id) as OutboxInsight;
      expect(event).toEqual({
        specversion: '1.0',
        id: insight.id,
        source: '/klantcentraal/projector',
        type: `insight.${insight.type}`,
        subject: insight.customerId,
        time: insight.time,
        datacontenttype: 'application/json',
        data: {
          ...insight.data,
          customerId: insight.customerId,
          accountManager: insight.accountManager,
          globalPosition: insight.globalPosition,
        },
      });
      expect(event.type).toMatch(/^insight\.[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(message.key).toBe(insight.customerId);
      expect(message.headers['content-type']).toBe(CLOUD_EVENTS_CONTENT_TYPE);
    }

    // One customer's insights sit on one partition, in the order they were written (global position order here).
    const perCustomer = new Map<string, { partitions: Set<number>; positions: number[] }>();
    for (const m of ours) {
      const entry = perCustomer.get(m.key) ?? { partitions: new Set<number>(), positions: [] };
      entry.partitions.add(m.partition);
      entry.positions.push(JSON.parse(m.value).data.globalPosition);
      perCustomer.set(m.key, entry);
    }
    expect(perCustomer.size).toBe(17);
    for (const { partitions, positions } of perCustomer.values()) {
      expect(partitions.size).toBe(1);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
    expect(new Set([...perCustomer.values()].map((c) => [...c.partitions][0])).size).toBeGreaterThan(1);

    const { rows } = await db.pool.query(`SELECT count(*)::int AS unsent FROM feed.insight_outbox WHERE sent_at IS NULL`);
    expect(rows[0].unsent).toBe(0);
  }, 120_000);
});
