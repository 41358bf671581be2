import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { RecordedEvent } from '@klantcentraal/event-store';

const tracer = trace.getTracer('klantcentraal');

/**
 * The projection of traced events (contract v1.2 "Traces"): an event appended under a trace carries its W3C
 * `traceparent` in its metadata; projecting it is a span of that trace, one per event and projection, open while the
 * projection applies the batch holding it. `traceparentOf` answers that span's own traceparent, for what the
 * projection passes on (the insights projection stores it in the outbox row, the relay continues from there).
 *
 * With tracing off no span is started and `traceparentOf` answers undefined (events appended while tracing was off
 * carry no traceparent at all). Attributes: projection name, event type and position only.
 */
export type ProjectionSpans = Readonly<{
  traceparentOf(globalPosition: number): string | undefined;
  end(error?: unknown): void;
}>;

const NONE: ProjectionSpans = { traceparentOf: () => undefined, end: () => undefined };

export function startProjectionSpans(projection: string, events: readonly RecordedEvent[]): ProjectionSpans {
  let spans: Map<number, { span: Span; traceparent: string | undefined }> | null = null;
  for (const event of events) {
    const parent = event.metadata?.traceparent;
    if (typeof parent !== 'string') continue;
    const parentContext = propagation.extract(ROOT_CONTEXT, { traceparent: parent });
    if (!trace.getSpanContext(parentContext)) continue; // no propagator registered: tracing is off
    const span = tracer.startSpan(
      `project ${projection}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: { 'klantcentraal.projection': projection, 'klantcentraal.event.type': event.type, 'klantcentraal.event.position': event.globalPosition },
      },
      parentContext,
    );
    const carrier: { traceparent?: string } = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    (spans ??= new Map()).set(event.globalPosition, { span, traceparent: carrier.traceparent });
  }
  if (!spans) return NONE;
  const opened = spans;
  return {
    traceparentOf: (position) => opened.get(position)?.traceparent,
    end(error) {
      for (const { span } of opened.values()) {
        if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
        span.end();
      }
    },
  };
}
