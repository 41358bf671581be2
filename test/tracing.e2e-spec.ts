/**
 * Traces (contract v1.2 "Operations → Traces"): with tracing on, an HTTP request, its append to the event store, the
 * projection of its events and the Kafka publish of the insight they cause carry one trace id — across the projector
 * and the outbox relay, which pick the work up asynchronously (W3C trace context in the event metadata, the outbox
 * row and the Kafka header `traceparent`). The SDK's InMemorySpanExporter stands in for the OTLP endpoint; the
 * broker is KAFKA_BROKERS when set, else one the testing lib starts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '@klantcentraal/config';
import { CUSTOMER_INSIGHTS_TOPIC } from '@klantcentraal/messaging';
import { disableTracing, enableTracing } from '@klantcentraal/observability';
import { startPlatform, type RunningPlatform } from '@klantcentraal/platform';
import { createTestDatabase, kafkaSuiteEnabled, requireKafka, waitFor, type ResolvedKafka, type TestDatabase } from '@klantcentraal/testing';

const describeKafka = kafkaSuiteEnabled() ? describe : describe.skip;

const KEYS = { 'ingest-tracing-key-0123456789': { name: 'crm-sync', roles: ['ingest'] } };
const ingest = { authorization: 'Bearer ingest-tracing-key-0123456789', 'content-type': 'application/json' };
const PERSONAL_NAME = 'Traceerbaar Persoonlijk BV';

describeKafka('traces: request → append → projection → Kafka publish', () => {
  const exporter = new InMemorySpanExporter();
  let kafka: ResolvedKafka;
  let db: TestDatabase;
  let platform: RunningPlatform;
  let dataDir: string;

  beforeAll(async () => {
    // In-process, in place of OTLP: the platform's createObservability finds tracing already on.
    expect(enableTracing({ exporter, serviceName: 'tracing-e2e' })).toBe(true);
    kafka = await requireKafka();
    db = await createTestDatabase('kc_tracing');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-tracing-'));
    platform = await startPlatform(
      loadConfig({
        PORT: '0',
        DATA_DIR: dataDir,
        DATABASE_URL: db.url,
        DEMO_DATA: '0',
        API_KEYS: JSON.stringify(KEYS),
        KAFKA_BROKERS: kafka.brokers.join(','),
      }),
      { quiet: true },
    );
  }, 300_000);

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
    await kafka?.stop();
    await disableTracing();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('gives the HTTP request, its append, the projection and the publish of the insight one trace id', async () => {
    const customer = `tracing-${Date.now().toString(36)}`;
    const post = (body: unknown) =>
      fetch(`${platform.url}/v1/customers/${customer}/events`, { method: 'POST', headers: ingest, body: JSON.stringify(body) });
    const registered = await post({ events: [{ type: 'ProspectRegistered', data: { name: PERSONAL_NAME, size: 'small' } }] });
    expect(registered.status).toBe(201);
    const detractor = await post({ events: [{ type: 'NpsResponded', data: { surveyId: 'trace-survey', score: 3 } }] });
    expect(detractor.status).toBe(201);
    const { lastPosition } = (await detractor.json()) as { lastPosition: number };

    // The detractor answer's projection span, then the publish span of the insight it caused.
    const spans = () => exporter.getFinishedSpans();
    const projectionOf = (position: number) =>
      spans().find((s) => s.name === 'project insights' && s.attributes['klantcentraal.event.position'] === position);
    await waitFor('the insights projection span of the detractor answer', () => projectionOf(lastPosition) !== undefined, 60_000);
    const traceId = projectionOf(lastPosition)!.spanContext().traceId;
    const inTrace = () => spans().filter((s) => s.spanContext().traceId === traceId);
    const publishOf = () => inTrace().find((s) => s.name === 'kafka publish insight');
    await waitFor('the publish span of the detractor-responded insight', () => publishOf() !== undefined, 60_000);

    const trace = inTrace();
    const server = trace.find((s) => s.kind === SpanKind.SERVER);
    const append = trace.find((s) => s.name === 'eventstore append');
    const projection = projectionOf(lastPosition)!;
    const publish = publishOf()!;
    expect(server).toBeDefined();
    expect(server!.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/customers/:customerId/events',
      'http.response.status_code': 201,
    });
    expect(append).toBeDefined();
    // One trace, and each hop the child of the one before it.
    expect(parentOf(server!)).toBeUndefined();
    expect(parentOf(append!)).toBe(server!.spanContext().spanId);
    expect(parentOf(projection)).toBe(append!.spanContext().spanId);
    expect(parentOf(publish)).toBe(projection.spanContext().spanId);
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(publish.attributes['klantcentraal.insight.type']).toBe('detractor-responded');
    // The first request is a trace of its own.
    expect(trace.filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(1);

    // The message on the topic carries the publish span's context.
    const traceparent = `00-${traceId}-${publish.spanContext().spanId}-01`;
    const headers = await findMessageHeaders(kafka.brokers, (h) => h.traceparent === traceparent);
    expect(JSON.parse(headers.value)).toMatchObject({ type: 'insight.detractor-responded', subject: customer });

    // No personal value, key or body in any span.
    const everything = JSON.stringify(spans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })));
    expect(everything).not.toContain(PERSONAL_NAME);
    expect(everything).not.toContain('tracing-key');
    expect(everything).not.toContain('trace-survey');
    expect(everything).not.toContain(customer);
  });
});

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** Reads the topic from the beginning until a message's headers match; its value and headers. */
async function findMessageHeaders(
  brokers: readonly string[],
  match: (headers: Record<string, string>) => boolean,
  timeoutMs = 60_000,
): Promise<{ value: string; headers: Record<string, string> }> {
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const kafka = new Kafka({ clientId: `tracing-reader-${suffix}`, brokers: [...brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `tracing-reader-${suffix}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: CUSTOMER_INSIGHTS_TOPIC, fromBeginning: true });
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message with the expected traceparent within ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
            if (!match(headers)) return;
            clearTimeout(timer);
            resolve({ value: message.value?.toString() ?? '', headers });
          },
        })
        .catch((err: unknown) => {
          clearTimeout(timer);
          reject(err);
        });
    });
  } finally {
    await consumer.disconnect();
  }
}
