/**
 * The feed without Kafka (KAFKA_BROKERS unset): live insights straight from the outbox, end to end over HTTP on real
 * PostgreSQL — ingest API → projection runner (insights projection) → outbox → GET /v1/feed.
 */
import { startFeedStack, type FeedStack } from './testing/feed-fixtures';
import { feedBehaviour } from './testing/feed-behaviour';

describe('insight feed, outbox mode (no Kafka)', () => {
  let stack: FeedStack;

  beforeAll(async () => {
    stack = await startFeedStack({ kafkaBrokers: null });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('says at start-up that live insights come from the outbox', () => {
    expect(stack.logs.join('\n')).toContain('KAFKA_BROKERS not set: live insights come from the outbox');
  });

  it('documents GET /v1/feed in the OpenAPI document', async () => {
    const document = (await (await fetch(`${stack.url}/openapi.json`)).json()) as { paths: Record<string, { get?: Record<string, unknown> }> };
    const feed = document.paths['/v1/feed']?.get as { responses: Record<string, { content?: Record<string, unknown> }>; parameters: { name: string }[] };
    expect(Object.keys(feed.responses['200'].content ?? {})).toContain('text/event-stream');
    expect(feed.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['accountManager', 'types', 'lastEventId', 'Last-Event-ID']));
    expect(Object.keys(feed.responses)).toEqual(expect.arrayContaining(['400', '401', '403']));
  });

  feedBehaviour(() => stack);
});
