/**
 * The real-time insight feed end to end against a REAL Kafka broker: ingest API over HTTP → projection runner with
 * the insights projection → outbox → OutboxRelay (KafkaInsightPublisher) → topic `customer-insights` → the gateway's
 * consumer → GET /v1/feed as SSE. A kafkajs consumer reads the topic from the beginning alongside.
 */
import { Kafka, logLevel } from 'kafkajs';
import { toCloudEvent, writeInsights } from '@klantcentraal/messaging';
import { InsightFeed } from './feed/insight-feed';
import { kafkaSuiteEnabled, requireKafka, type ResolvedKafka } from '@klantcentraal/testing';
import { feedBehaviour, outboxRows } from './testing/feed-behaviour';
import { eventually, feedUrl, PERSONAL, salesHeaders, sleep, SseCollector, startFeedStack, TopicCollector, type FeedStack } from './testing/feed-fixtures';

const describeKafka = kafkaSuiteEnabled() ? describe : describe.skip;
const TOPIC = 'customer-insights';

describeKafka('insight feed, Kafka mode', () => {
  let kafka: ResolvedKafka | undefined;
  let stack: FeedStack | undefined;
  let topic: TopicCollector | undefined;

  beforeAll(async () => {
    kafka = await requireKafka();
    stack = await startFeedStack({ kafkaBrokers: kafka.brokers });
    // After the gateway started: it waited for the relay to create the topic (6 partitions).
    topic = await TopicCollector.start(kafka.brokers, TOPIC);
  }, 300_000);

  afterAll(async () => {
    await topic?.stop();
    await stack?.stop();
    await kafka?.stop();
  }, 120_000);

  it('says at start-up that live insights come from Kafka', () => {
    if (!stack) throw new Error('the suite\'s setup did not complete (see the beforeAll error)');
    expect(stack.logs.join('\n')).toContain(`live insights from Kafka topic ${TOPIC} on ${kafka!.brokers.join(',')}`);
  });

  feedBehaviour(() => stack);

  it('published every insight to customer-insights: a CloudEvent keyed by customer, once, without personal data', async () => {
    if (!stack || !topic) throw new Error('the suite\'s setup did not complete (see the beforeAll error)');
    await eventually(() => stack!.relay!.status(), (status) => status.unsent === 0, 20_000, 'relay drained');
    const rows = await outboxRows(stack);
    const ids = new Set(rows.map((r) => r.id));
    const ours = () => topic!.records.filter((record) => ids.has(JSON.parse(record.value).id));
    await eventually(() => ours().length, (n) => n >= rows.length, 20_000, 'all insights on the topic');
    await sleep(500);
    const records = ours();
    expect(records).toHaveLength(rows.length); // each once (a healthy run has no redelivery)
    const byId = new Map(records.map((record) => [JSON.parse(record.value).id as string, record]));
    expect(rows.map((r) => r.type)).toContain('complaint-sla-breached'); // the timer's too
    for (const row of rows) {
      const record = byId.get(row.id)!;
      const event = JSON.parse(record.value);
      expect(record.key).toBe(row.customerId);
      expect(record.headers['content-type']).toBe('application/cloudevents+json');
      expect(event).toEqual(toCloudEvent(row));
      expect(event).toEqual({
        specversion: '1.0',
        id: row.id,
        source: '/klantcentraal/projector',
        type: `insight.${row.type}`,
        subject: row.customerId,
        time: row.time,
        datacontenttype: 'application/json',
        data: expect.objectContaining({ customerId: row.customerId, accountManager: row.accountManager, globalPosition: row.globalPosition }),
      });
      expect(Number.isInteger(event.data.globalPosition)).toBe(true);
      expect(new Date(event.time).toISOString()).toBe(event.time);
    }
    // One customer's insights stay on one partition, in outbox order.
    for (const customerId of new Set(rows.map((r) => r.customerId))) {
      const mine = records.filter((r) => r.key === customerId);
      expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
      expect(mine.sort((a, b) => a.offset - b.offset).map((r) => JSON.parse(r.value).id)).toEqual(
        rows.filter((r) => r.customerId === customerId).map((r) => r.id),
      );
    }
    const text = records.map((r) => r.value).join('\n');
    for (const personal of PERSONAL) expect(text).not.toContain(personal);
    expect(text).not.toContain('improvement"');
    // The SSE streams were fed by the gateway's consumer, not by its outbox fallback.
    const { delivered, mode } = stack.app.get(InsightFeed).status();
    expect(mode).toBe('kafka');
    expect(delivered.fromBroker).toBeGreaterThanOrEqual(rows.length);
    expect(delivered.fromOutbox).toBe(0);
  });

  it('a rebuild of the projections publishes no history again', async () => {
    if (!stack || !topic) throw new Error('the suite\'s setup did not complete (see the beforeAll error)');
    const rows = await outboxRows(stack);
    const ids = new Set(rows.map((r) => r.id));
    const ours = () => topic!.records.filter((record) => ids.has(JSON.parse(record.value).id)).length;
    const publishedBefore = ours();
    expect(publishedBefore).toBe(rows.length);
    const result = await stack.runner.rebuild();
    expect(result.swapped).toBe(true);
    await sleep(1_500); // the relay wakes within its poll interval (1 s) if anything was written
    expect(await stack.relay!.status()).toMatchObject({ unsent: 0, lastError: null });
    expect(await outboxRows(stack)).toEqual(rows);
    expect(ours()).toBe(publishedBefore);
  });

  it('delivers an insight whose message never arrives from the outbox after the reorder timeout, and ignores foreign messages', async () => {
    if (!stack || !kafka) throw new Error('the suite\'s setup did not complete (see the beforeAll error)');
    const rows = await outboxRows(stack);
    const live = await SseCollector.open(feedUrl(stack.url), salesHeaders({ 'last-event-id': rows[rows.length - 1].id }));
    const before = stack.app.get(InsightFeed).status().delivered;
    // Another platform's insight on the same broker: not in this outbox, never on this feed.
    const producer = new Kafka({ clientId: 'foreign', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const foreign = { ...toCloudEvent({ ...rows[0], id: 'foreign-insight' }), subject: 'elsewhere' };
    await producer.send({ topic: TOPIC, messages: [{ key: 'elsewhere', value: JSON.stringify(foreign) }] });
    await producer.disconnect();
    // A row marked published whose message is lost: written and marked sent in one transaction, so the relay never sends it.
    const lost = { id: 'lost-insight-1', type: 'customer-at-risk', customerId: 'loyal-1', time: '2026-06-01T00:00:00.000Z', globalPosition: 1, accountManager: 'u-17', data: { reasons: ['detractor'], newReasons: ['detractor'] } };
    const client = await stack.db.pool.connect();
    try {
      await client.query('BEGIN');
      await writeInsights(client, [lost]);
      await client.query(`UPDATE feed.insight_outbox SET sent_at = now() WHERE id = $1`, [lost.id]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const [message] = await live.waitForMessages(1, 10_000);
    expect(message.id).toBe(lost.id);
    await sleep(500);
    expect(live.messages.map((m) => m.id)).toEqual([lost.id]);
    const after = stack.app.get(InsightFeed).status().delivered;
    expect(after.fromOutbox - before.fromOutbox).toBe(1);
    await live.stop();
  });
});
