import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from './metrics';

/** What Express adds to a request once a route matched it. */
type RoutedRequest = IncomingMessage & { baseUrl?: string; route?: { path?: unknown } };

/**
 * Counts and times every HTTP response by its route pattern (`/v1/customers/:customerId`, never the raw path, so an
 * id cannot blow up the label set). Requests no route matched (404s, static docs) count as `unmatched`.
 */
export function httpMetricsMiddleware(metrics: Metrics) {
  return (req: RoutedRequest, res: ServerResponse, next: () => void): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = req.route?.path ? `${req.baseUrl ?? ''}${String(req.route.path)}` : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
