/**
 * OpenTelemetry traces (contract v1.2 "Operations → Traces"), through the official SDK. Off unless
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set (or a test registers an exporter): then nothing is registered, the API's no-op
 * tracer answers every call and no middleware is installed, so tracing costs nothing.
 *
 * The asynchronous hops carry W3C trace context themselves (the libraries along the way use only @opentelemetry/api):
 * the ingest request's context goes into each appended event's `metadata.traceparent`, the projector continues it
 * per event, the insights projection stores it in the outbox row, and the relay's publish span sends it as the Kafka
 * header `traceparent`.
 *
 * Spans carry route patterns, event types, positions and counts only: never a path with ids, a body, a key or a
 * personal value.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-node';

export const TRACER_NAME = 'klantcentraal';

export type TracingOptions = Readonly<{
  /** `service.name` of the spans (default: OTEL_SERVICE_NAME, else `klantcentraal`). */
  serviceName?: string;
  /**
   * Where spans go: an exporter given here (tests: the SDK's InMemorySpanExporter, exported as each span ends), else
   * OTLP over HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (batched; the exporter reads the OTEL_EXPORTER_OTLP_* variables).
   */
  exporter?: SpanExporter;
  env?: NodeJS.ProcessEnv;
}>;

let provider: NodeTracerProvider | null = null;

/**
 * Registers the process's tracer provider (once; later calls keep the first) when an exporter is given or
 * OTEL_EXPORTER_OTLP_ENDPOINT is set. Returns whether tracing is on.
 */
export function enableTracing(options: TracingOptions = {}): boolean {
  if (provider) return true;
  const env = options.env ?? process.env;
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!options.exporter && !endpoint) return false;
  const spanProcessor = options.exporter ? new SimpleSpanProcessor(options.exporter) : new BatchSpanProcessor(new OTLPTraceExporter());
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? env.OTEL_SERVICE_NAME ?? 'klantcentraal' }),
    spanProcessors: [spanProcessor],
  });
  // Also the AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  return true;
}

export function tracingEnabled(): boolean {
  return provider !== null;
}

/** Exports what has ended (before a process exits, or a test asserts). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

/** Flushes and unregisters the provider (tests; a process simply flushes before it exits). */
export async function disableTracing(): Promise<void> {
  const current = provider;
  provider = null;
  if (!current) return;
  await current.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
}

type RoutedRequest = IncomingMessage & { baseUrl?: string; route?: { path?: unknown } };

/**
 * A SERVER span per HTTP request, continuing the caller's `traceparent` header when it sends one; everything the
 * request does runs in its context. Named by method and route pattern (`POST /v1/customers/:customerId/events`), never
 * the raw path.
 */
export function httpTracingMiddleware() {
  const tracer = trace.getTracer(TRACER_NAME);
  return (req: RoutedRequest, res: ServerResponse, next: () => void): void => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(`HTTP ${req.method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
    res.once('close', () => {
      const route = req.route?.path ? `${req.baseUrl ?? ''}${String(req.route.path)}` : undefined;
      if (route) {
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
