import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's one metrics registry (contract v1.2 "Metrics"): HTTP request counts and latencies by route, process
 * metrics, and whatever the composition adds (projection lag, outbox backlog, pool waiters). One registry means each
 * metric's HELP/TYPE appears once in `/metrics`, as Prometheus requires.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // prom-client names these gauges `…_total`, a suffix Prometheus reserves for counters (`promtool check metrics`
    // rejects them); the event-loop, heap and GC metrics say more anyway.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(name);
    }
    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to finishing its response, by route pattern.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  /**
   * A gauge read at scrape time. `read` may fail (e.g. the database is down): the gauge then keeps its last value
   * and the scrape still succeeds.
   */
  gauge(name: string, help: string, read: () => number | Promise<number>): Gauge {
    return new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        try {
          this.set(await read());
        } catch {
          // keep the last value; readiness and `klantcentraal_database_up` report the outage
        }
      },
    });
  }

  /** Gauges of the database the process uses: reachability and connection-pool waiters. */
  watchDatabase(pool: Pool): void {
    new Gauge({
      name: 'klantcentraal_database_up',
      help: '1 when the database answered the last scrape, 0 when it did not.',
      registers: [this.registry],
      async collect() {
        this.set(await pool.query('SELECT 1').then(() => 1, () => 0));
      },
    });
    this.gauge('klantcentraal_db_pool_waiting', 'Queries waiting for a free database connection of the pool.', () => pool.waitingCount);
    this.gauge('klantcentraal_db_pool_connections', 'Open database connections of the pool.', () => pool.totalCount);
  }

  /** Prometheus text exposition (version 0.0.4). */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
