import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { kafkaSuiteEnabled, requireKafka, ResolvedKafka } from './kafka';

// Smoke test of the broker resolution (KAFKA_BROKERS, Testcontainers or infra/kafka): a 3-partition topic,
// 10 keyed messages through an idempotent producer, read back by a consumer group from the beginning.
const describeKafka = kafkaSuiteEnabled() ? describe : describe.skip;

describeKafka('Kafka test broker (resolveKafkaBrokers)', () => {
  let resolved: ResolvedKafka;

  beforeAll(async () => {
    resolved = await requireKafka();
  }, 300_000);

  afterAll(async () => {
    await resolved?.stop();
  }, 60_000);

  it('round-trips keyed messages through an idempotent producer and a consumer group', async () => {
    const suffix = randomBytes(4).toString('hex');
    const topic = `smoke-${suffix}`;
    const kafka = new Kafka({ clientId: `smoke-${suffix}`, brokers: resolved.brokers, logLevel: logLevel.WARN });

    const admin = kafka.admin();
    await admin.connect();
    try {
      const created = await admin.createTopics({
        topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      expect(created).toBe(true);
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0].partitions).toHaveLength(3);
    } finally {
      await admin.disconnect();
    }

    const sent = Array.from({ length: 10 }, (_, i) => ({ key: `customer-${i}`, value: JSON.stringify({ id: i, suffix }) }));
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: sent });
    } finally {
      await producer.disconnect();
    }

    const received = new Map<string, { value: string; partition: number }>();
    const consumer = kafka.consumer({ groupId: `smoke-group-${suffix}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const allArrived = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.size}/10 messages arrived`)), 60_000);
        consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              received.set(message.key?.toString() ?? '', { value: message.value?.toString() ?? '', partition });
              if (received.size === sent.length) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
      await allArrived;
    } finally {
      await consumer.disconnect();
    }

    expect(received.size).toBe(10);
    for (const m of sent) expect(received.get(m.key)?.value).toBe(m.value);
    // Keyed messages are spread over the partitions by key hash: more than one partition gets data.
    expect(new Set([...received.values()].map((r) => r.partition)).size).toBeGreaterThan(1);
  }, 120_000);
});
