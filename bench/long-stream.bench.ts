/**
 * Long-stream benchmark: one customer with `events` events (100 000 by default), the case a fold that copies its
 * state per event turns quadratic.
 *
 * - longStream.asOfMs: `GET /v1/audit/customers/{id}/state?basis=occurred&asOf=…` over HTTP (read the whole stream,
 *   fold it, view it as of a moment in the middle of its history); the median of `asOfQueries` calls.
 * - longStream.profileP99Ms: `GET /v1/customers/{id}` of that customer over HTTP from the query API, after the
 *   customer-profile projection has folded the stream; p50/p99 of `profileQueries` calls.
 * - longStream.profileRebuildSeconds: that projection's rebuild over this one stream (context).
 * Only the profile projection runs here: the insight rules still view the whole state per event (O(events) each),
 * so a 100 000-event customer caught up live by the insights projection is quadratic (README, "Scaling").
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuditApiModule } from '@klantcentraal/audit-api';
import { AuthModule } from '@klantcentraal/auth';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { configureHttpApp } from '@klantcentraal/http';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import { ProjectionRunner } from '@klantcentraal/projections';
import { PROJECTOR_MIGRATIONS } from '@klantcentraal/projector';
import { QueryApiModule } from '@klantcentraal/query-api';
import { CustomerProfileProjection } from '@klantcentraal/read-models';
import { WAREHOUSE_MIGRATIONS } from '@klantcentraal/warehouse';
import { appendLongHistory } from './audit.bench';
import { percentile, round } from './support';

export type LongStreamBenchmarkOptions = Readonly<{
  databaseUrl: string;
  events: number;
  asOfQueries: number;
  profileQueries: number;
  log?: (message: string) => void;
}>;

const AUDITOR_KEY = 'bench-long-auditor-key-000000001';
const ANALYST_KEY = 'bench-long-analyst-key-000000001';
const silentLogger = { log: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };

export async function longStreamBenchmark(options: LongStreamBenchmarkOptions) {
  const log = options.log ?? (() => undefined);
  await runMigrations(options.databaseUrl, [...EVENT_STORE_MIGRATIONS, ...PROJECTOR_MIGRATIONS, ...WAREHOUSE_MIGRATIONS]);
  const pool = createPool(options.databaseUrl, { max: 8 });
  const store = new PostgresEventStore(pool);
  try {
    const customerId = `long-${randomUUID().slice(0, 8)}`;
    const loadStarted = Date.now();
    const span = await appendLongHistory(store, customerId, options.events);
    log(`appended ${options.events} events to one customer in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`);

    // --- as-of over HTTP, basis occurred, a moment in the middle of the history ------------------------------------
    const asOf = new Date((span.from + span.to) / 2).toISOString();
    const asOfTimes = await timedGets(AuditApiModule.register({ eventStore: store }), AUDITOR_KEY, 'auditor', options.asOfQueries, 0,
      `/v1/audit/customers/${customerId}/state?asOf=${encodeURIComponent(asOf)}&basis=occurred`);
    log(`as-of (occurred) of ${options.events} events: median ${round(percentile(asOfTimes, 50))} ms`);

    // --- the profile projection folds the stream; the query API serves it ------------------------------------------
    const rebuildStarted = performance.now();
    await new ProjectionRunner({ pool, store, projections: [new CustomerProfileProjection()], logger: silentLogger }).rebuild();
    const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
    log(`customer-profile projection rebuilt over the stream in ${rebuildSeconds.toFixed(1)} s`);
    const { rows } = await pool.query<{ ready: number; state: number }>(
      `SELECT pg_column_size(ready) AS ready, pg_column_size(state) AS state FROM read_models.customer_profiles`,
    );
    log(`stored row: ready-to-serve profile ${rows[0]?.ready} B, fold state ${rows[0]?.state} B`);
    // Which timed profile requests a garbage collection paused (this process still holds what the as-of calls and the
    // rebuild left behind): the usual cause of a high p99 here.
    const pauses: PerformanceEntry[] = [];
    const gcObserver = new PerformanceObserver((list) => pauses.push(...list.getEntries()));
    gcObserver.observe({ entryTypes: ['gc'] });
    const profileSpans: { start: number; ms: number }[] = [];
    const profileTimes = await timedGets(QueryApiModule.register({ pool }), ANALYST_KEY, 'analyst', options.profileQueries, 10, `/v1/customers/${customerId}`, profileSpans);
    gcObserver.disconnect();
    const paused = profileSpans.filter((r) => pauses.some((g) => g.startTime < r.start + r.ms && g.startTime + g.duration > r.start));
    log(`profile requests during a GC pause: ${paused.length} of ${profileSpans.length} (GC ${round(pauses.reduce((sum, g) => sum + g.duration, 0))} ms in ${pauses.length} pauses; slowest requests ${profileTimes.slice(-3).map((t) => round(t)).join(', ')} ms)`);
    return {
      longStream: {
        events: options.events,
        asOfMs: round(percentile(asOfTimes, 50)),
        asOfQueries: asOfTimes.length,
        profileP50Ms: round(percentile(profileTimes, 50)),
        profileP99Ms: round(percentile(profileTimes, 99)),
        profileQueries: profileTimes.length,
        profileRequestsDuringGc: paused.length,
        profileRebuildSeconds: round(rebuildSeconds, 1),
      },
    };
  } finally {
    await store.close();
    await pool.end();
  }
}

/**
 * `count` timed sequential GETs of `path` from a Nest app of `feature` behind the real API-key check (after `warmUp`);
 * `spans` receives each timed request's start (performance.now()) and duration.
 */
async function timedGets(
  feature: DynamicModule,
  key: string,
  role: 'auditor' | 'analyst',
  count: number,
  warmUp: number,
  path: string,
  spans: { start: number; ms: number }[] = [],
): Promise<number[]> {
  @Module({ imports: [AuthModule.forRoot({ keys: [{ key, name: `bench-${role}`, roles: [role] }] }), feature] })
  class BenchModule {}
  const app = await NestFactory.create(BenchModule, { bodyParser: false, logger: ['error'] });
  configureHttpApp(app, { title: 'long-stream bench' });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const times: number[] = [];
  try {
    for (let i = 0; i < warmUp + count; i++) {
      const started = performance.now();
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${body.slice(0, 200)}`);
      if (i >= warmUp) {
        times.push(performance.now() - started);
        spans.push({ start: started, ms: times[times.length - 1] });
      }
    }
  } finally {
    await app.close();
  }
  return times.sort((a, b) => a - b);
}
