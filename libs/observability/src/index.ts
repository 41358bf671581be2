export { Metrics } from './metrics/metrics';
export { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
export { MetricsModule } from './metrics/metrics.module';
export { createRootLogger, defaultLogFormat, useRootLogger, type LogFormat, type LoggingOptions, type LogLevel } from './logging/root-logger';
export { REQUEST_ID_HEADER, requestIdMiddleware, requestLoggingModule } from './logging/request-logging';
export { createObservability, type Observability } from './observability';
export {
  disableTracing,
  enableTracing,
  flushTracing,
  httpTracingMiddleware,
  TRACER_NAME,
  tracingEnabled,
  type TracingOptions,
} from './tracing/tracing';
