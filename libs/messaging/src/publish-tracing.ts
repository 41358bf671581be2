import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { PublishMessage } from './insight-publisher';

const tracer = trace.getTracer('klantcentraal');

/**
 * The Kafka publish of traced insights (contract v1.2 "Traces"): per outbox row with a `traceparent` a PRODUCER span,
 * child of the projection that wrote the row, open while the batch is published; the message carries that span's
 * context as the header `traceparent`. Rows without one (tracing off when they were written) and a process without
 * tracing publish exactly as before. Attributes: topic-free counts and the insight type only.
 */
export type PublishSpans = Readonly<{
  /** The message with the span's `traceparent` header added (or as given). */
  message(index: number, message: PublishMessage): PublishMessage;
  end(error?: unknown): void;
}>;

export function startPublishSpans(rows: readonly { type: string; traceparent: string | null }[], batchSize: number): PublishSpans {
  const spans = new Map<number, { span: Span; traceparent: string | undefined }>();
  rows.forEach((row, index) => {
    if (!row.traceparent) return;
    const parent = propagation.extract(ROOT_CONTEXT, { traceparent: row.traceparent });
    if (!trace.getSpanContext(parent)) return; // tracing is off in this process
    const span = tracer.startSpan(
      'kafka publish insight',
      { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka', 'klantcentraal.insight.type': row.type, 'messaging.batch.message_count': batchSize } },
      parent,
    );
    const carrier: { traceparent?: string } = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    spans.set(index, { span, traceparent: carrier.traceparent });
  });
  return {
    message(index, message) {
      const traceparent = spans.get(index)?.traceparent;
      return traceparent ? { ...message, headers: { ...message.headers, traceparent } } : message;
    },
    end(error) {
      for (const { span } of spans.values()) {
        if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
        span.end();
      }
    },
  };
}
