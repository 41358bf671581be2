/**
 * Projection benchmarks:
 * - rebuild.eventsPerSecond: replay of the whole log (≥ 1 000 000 generated events by default) into fresh tables for
 *   EVERY projection — profiles and the read models beside them, insights, and the warehouse — as
 *   `npm run projections -- rebuild` does; the two runners (read_models, warehouse) rebuild side by side. Events of
 *   the log over the wall-clock time of the whole. rebuild.peakRssMb: the bench process's peak resident memory
 *   during the rebuild (sampled every 100 ms), which holds both runners.
 * - profileQuery.p50Ms / p99Ms: `GET /v1/customers/{id}` over HTTP while another client ingests steadily.
 * - projectionLag.p99Ms: from an append's 201 to its position being processed by every projection (queryable),
 *   during that steady ingest.
 */
import { loadConfig } from '@klantcentraal/config';
import { generateCustomerHistories, loadDemoData } from '@klantcentraal/demo-data';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { createWarehouseProjections, WAREHOUSE_MIGRATIONS, WAREHOUSE_SCHEMA } from '@klantcentraal/warehouse';
import { startPlatform } from '@klantcentraal/platform';
import { createPool, freePort, runMigrations } from '@klantcentraal/postgres';
import { ProjectionRunner, waitForCheckpoints } from '@klantcentraal/projections';
import { PROJECTOR_MIGRATIONS } from '@klantcentraal/projector';
import { createProjections, INSIGHTS_PROJECTION } from '@klantcentraal/read-models';
import { percentile, round } from './support';

export type ProjectionsBenchOptions = {
  databaseUrl: string;
  /** Customers of generated history to load first (7 700 ≈ 1 000 000 events); 0 when the database is loaded. */
  customers: number;
  profileQueries: number;
  /** Steady ingest during the query phase: requests per second, each a small batch to one customer. */
  ingestRequestsPerSecond: number;
  log?: (m: string) => void;
};

export async function projectionsBenchmark(opts: ProjectionsBenchOptions) {
  const log = opts.log ?? (() => undefined);
  await runMigrations(opts.databaseUrl, [...EVENT_STORE_MIGRATIONS, ...PROJECTOR_MIGRATIONS, ...WAREHOUSE_MIGRATIONS]);
  const pool = createPool(opts.databaseUrl, { max: 10 });
  const store = new PostgresEventStore(pool);
  try {
    if (opts.customers > 0 && (await store.headPosition()) === 0) {
      const started = Date.now();
      const loaded = await loadDemoData(store, generateCustomerHistories({ customers: opts.customers, seed: 11 }), {
        checkRules: false,
        customersPerAppend: 100,
      });
      log(`loaded ${loaded.events} events (${loaded.customers} customers) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    const events = await store.headPosition();

    // Rebuild: replay everything into fresh tables, then swap them in — every projection of the platform.
    const projections = createProjections({ insights: true });
    const runner = new ProjectionRunner({ pool, store, projections, logger: silentLogger });
    const warehouse = new ProjectionRunner({ pool, store, schema: WAREHOUSE_SCHEMA, projections: createWarehouseProjections(), logger: silentLogger });
    let lastReport = 0;
    const onProgress = (which: string) => (p: { position: number; headPosition: number; eventsPerSecond: number }) => {
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        log(`rebuild ${which} ${p.position}/${p.headPosition} (${Math.round(p.eventsPerSecond)} events/s)`);
      }
    };
    // A running platform's live insights projection is at the head when someone rebuilds, so the swap emits only the
    // last batch to the outbox. This database's live projector never ran: without this the swap would derive and
    // emit the whole history as live insights, which is the live feed's work, not the rebuild's.
    await pool.query(
      `INSERT INTO read_models.checkpoints (projection, position, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (projection) DO UPDATE SET position = EXCLUDED.position`,
      [INSIGHTS_PROJECTION, events],
    );
    global.gc?.();
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const started = performance.now();
    let rebuilt: Awaited<ReturnType<ProjectionRunner['rebuild']>>;
    try {
      [rebuilt] = await Promise.all([
        runner.rebuild(undefined, { onProgress: onProgress('read models') }),
        warehouse.rebuild(undefined, { onProgress: onProgress('warehouse') }),
      ]);
    } finally {
      clearInterval(sampler);
    }
    const rebuildMs = performance.now() - started;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    log(`rebuild of ${rebuilt.events} events (every projection) in ${(rebuildMs / 1000).toFixed(1)} s, peak RSS ${Math.round(peakRss / 2 ** 20)} MB`);

    const query = await profileQueriesUnderIngest(opts, pool, projections.map((p) => p.name), log);
    return {
      rebuild: {
        eventsPerSecond: Math.round(rebuilt.events / (rebuildMs / 1000)),
        events: rebuilt.events,
        seconds: round(rebuildMs / 1000, 1),
        peakRssMb: Math.round(peakRss / 2 ** 20),
        covers: 'customer-profile, nps-responses, funnel, insights, warehouse',
      },
      profileQuery: { p50Ms: query.p50, p99Ms: query.p99, queries: query.count, concurrentIngestRequestsPerSecond: opts.ingestRequestsPerSecond, storeEvents: events },
      projectionLag: { p50Ms: query.lagP50, p99Ms: query.lagP99, samples: query.lagSamples },
    };
  } finally {
    await store.close();
    await pool.end();
  }
}

const silentLogger = { log: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };

async function profileQueriesUnderIngest(
  opts: ProjectionsBenchOptions,
  pool: ReturnType<typeof createPool>,
  projections: readonly string[],
  log: (m: string) => void,
) {
  const port = await freePort();
  const platform = await startPlatform(
    loadConfig({
      DATABASE_URL: opts.databaseUrl,
      PORT: String(port),
      DEMO_DATA: '0',
      API_KEYS: JSON.stringify({ 'bench-ingest-key-0000000001': ['ingest'], 'bench-analyst-key-0000000001': ['analyst'] }),
    }),
    { quiet: true },
  );
  try {
    const { rows } = await pool.query<{ customer_id: string }>('SELECT customer_id FROM read_models.customer_profiles ORDER BY customer_id');
    const ids = rows.map((r) => r.customer_id);
    let stop = false;
    const lags: number[] = [];
    // Steady ingest: new customers, a registration then touchpoints, at a fixed request rate.
    const ingest = (async () => {
      let n = 0;
      const interval = 1000 / opts.ingestRequestsPerSecond;
      let next = Date.now();
      while (!stop) {
        const customerId = `bench-live-${n++}`;
        const res = await fetch(`${platform.url}/v1/customers/${customerId}/events`, {
          method: 'POST',
          headers: { authorization: 'Bearer bench-ingest-key-0000000001', 'content-type': 'application/json' },
          body: JSON.stringify({
            events: [
              { type: 'ProspectRegistered', data: { name: `Live ${n}`, size: 'small' } },
              { type: 'MailSent', data: { mailId: `m-${n}` } },
              { type: 'WebsiteVisited', data: { url: 'https://example.com/pricing', durationSeconds: 40 } },
            ],
          }),
        });
        const answered = performance.now();
        if (res.status !== 201) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
        const { lastPosition } = (await res.json()) as { lastPosition: number };
        await waitForCheckpoints(pool, lastPosition, { projections, timeoutMs: 10_000, pollMs: 10 });
        lags.push(performance.now() - answered);
        next += interval;
        const wait = next - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    })();
    const latencies: number[] = [];
    for (let i = 0; i < opts.profileQueries; i++) {
      const id = ids[(i * 7919) % ids.length];
      const started = performance.now();
      const res = await fetch(`${platform.url}/v1/customers/${id}`, { headers: { authorization: 'Bearer bench-analyst-key-0000000001' } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`profile query answered ${res.status}`);
      latencies.push(performance.now() - started);
    }
    stop = true;
    await ingest;
    latencies.sort((a, b) => a - b);
    lags.sort((a, b) => a - b);
    log(`${latencies.length} profile queries, ${lags.length} ingest requests during them`);
    return {
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      count: latencies.length,
      lagP50: round(percentile(lags, 50)),
      lagP99: round(percentile(lags, 99)),
      lagSamples: lags.length,
    };
  } finally {
    await platform.stop();
  }
}
