import type { DynamicModule, LoggerService } from '@nestjs/common';
import type pino from 'pino';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { Metrics } from './metrics/metrics';
import { MetricsModule } from './metrics/metrics.module';
import { requestIdMiddleware, requestLoggingModule } from './logging/request-logging';
import { createRootLogger, useRootLogger, type LoggingOptions } from './logging/root-logger';
import { enableTracing, flushTracing, httpTracingMiddleware } from './tracing/tracing';

export type Observability = Readonly<{
  rootLogger: pino.Logger;
  /** For `NestFactory.create(…, { logger })`; every Nest `Logger` already writes through it. */
  nestLogger: LoggerService;
  metrics: Metrics;
  /** Request logging and `GET /metrics`: import them in the root module. */
  modules: DynamicModule[];
  /** Request ids and HTTP metrics, before anything else handles a request: call before configureHttpApp. */
  instrument(app: { use(handler: unknown): unknown }): void;
  /** Whether spans are exported (OTEL_EXPORTER_OTLP_ENDPOINT set, or a test registered an exporter). */
  tracing: boolean;
  /** Exports the spans that have ended; call when the process stops. */
  flush(): Promise<void>;
}>;

/**
 * The one logger, request ids, metrics registry and tracer provider of a process (`npm start` and every standalone
 * service). Tracing is on when OTEL_EXPORTER_OTLP_ENDPOINT is set; off, it installs nothing.
 */
export function createObservability(options: LoggingOptions & Readonly<{ serviceName?: string }>): Observability {
  const tracing = enableTracing({ serviceName: options.serviceName });
  const rootLogger = createRootLogger(options);
  const nestLogger = useRootLogger(rootLogger);
  const metrics = new Metrics();
  return {
    rootLogger,
    nestLogger,
    metrics,
    modules: [requestLoggingModule(rootLogger), MetricsModule.register(metrics)],
    tracing,
    flush: flushTracing,
    instrument(app) {
      if (tracing) app.use(httpTracingMiddleware());
      app.use(requestIdMiddleware());
      app.use(httpMetricsMiddleware(metrics));
    },
  };
}
