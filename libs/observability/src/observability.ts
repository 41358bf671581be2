import type { DynamicModule, LoggerService } from '@nestjs/common';
import type pino from 'pino';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { Metrics } from './metrics/metrics';
import { MetricsModule } from './metrics/metrics.module';
import { requestIdMiddleware, requestLoggingModule } from './logging/request-logging';
import { createRootLogger, useRootLogger, type LoggingOptions } from './logging/root-logger';

export type Observability = Readonly<{
  rootLogger: pino.Logger;
  /** For `NestFactory.create(…, { logger })`; every Nest `Logger` already writes through it. */
  nestLogger: LoggerService;
  metrics: Metrics;
  /** Request logging and `GET /metrics`: import them in the root module. */
  modules: DynamicModule[];
  /** Request ids and HTTP metrics, before anything else handles a request: call before configureHttpApp. */
  instrument(app: { use(handler: unknown): unknown }): void;
}>;

/** The one logger, request ids and metrics registry of a process (`npm start` and every standalone service). */
export function createObservability(options: LoggingOptions): Observability {
  const rootLogger = createRootLogger(options);
  const nestLogger = useRootLogger(rootLogger);
  const metrics = new Metrics();
  return {
    rootLogger,
    nestLogger,
    metrics,
    modules: [requestLoggingModule(rootLogger), MetricsModule.register(metrics)],
    instrument(app) {
      app.use(requestIdMiddleware());
      app.use(httpMetricsMiddleware(metrics));
    },
  };
}
