import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { StreamAppend } from '@klantcentraal/event-store';

const tracer = trace.getTracer('klantcentraal');

/**
 * The append as a span of the request's trace (contract v1.2 "Traces"), and that span's W3C `traceparent` in every
 * appended event's metadata: the projector continues the trace from there. With tracing off the API's no-op tracer
 * yields no valid context, nothing is injected and the events are appended exactly as given.
 *
 * Attributes: counts only (stream names hold customer ids).
 */
export async function tracedAppend<R>(appends: readonly StreamAppend[], append: (appends: StreamAppend[]) => Promise<R>): Promise<R> {
  const events = appends.reduce((n, a) => n + a.events.length, 0);
  return tracer.startActiveSpan(
    'eventstore append',
    { kind: SpanKind.CLIENT, attributes: { 'klantcentraal.streams': appends.length, 'klantcentraal.events': events } },
    async (span) => {
      try {
        const carrier: { traceparent?: string } = {};
        propagation.inject(context.active(), carrier);
        const { traceparent } = carrier;
        const withTrace = traceparent
          ? appends.map((a) => ({ ...a, events: a.events.map((e) => ({ ...e, metadata: { ...e.metadata, traceparent } })) }))
          : [...appends];
        return await append(withTrace);
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
