import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { disableTracing, enableTracing, tracingEnabled, TRACER_NAME } from './tracing';

describe('tracing', () => {
  afterEach(() => disableTracing());

  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT: no provider, no traceparent to pass on', () => {
    expect(enableTracing({ env: {} })).toBe(false);
    expect(tracingEnabled()).toBe(false);
    trace.getTracer(TRACER_NAME).startActiveSpan('noop', (span) => {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      expect(carrier).toEqual({});
      span.end();
    });
  });

  it('registers the SDK once: spans reach the exporter and W3C trace context is propagated', async () => {
    const exporter = new InMemorySpanExporter();
    expect(enableTracing({ exporter, env: {} })).toBe(true);
    expect(enableTracing({ env: {} })).toBe(true); // the first registration stays
    const traceparent = trace.getTracer(TRACER_NAME).startActiveSpan('parent', (span) => {
      const carrier: { traceparent?: string } = {};
      propagation.inject(context.active(), carrier);
      span.end();
      return carrier.traceparent;
    });
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const [span] = exporter.getFinishedSpans();
    expect(traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    const continued = propagation.extract(context.active(), { traceparent });
    expect(trace.getSpanContext(continued)?.traceId).toBe(span.spanContext().traceId);
  });

  it('exports over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
    expect(enableTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' } })).toBe(true);
    expect(tracingEnabled()).toBe(true);
  });
});
