export { Metrics } from './metrics/metrics';
export { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
export { MetricsModule } from './metrics/metrics.module';
