/**
 * Warehouse: the star schema over about a million touchpoints (libs/demo-data, ~136 events per customer), built
 * incrementally by its projection runner and rebuilt by replay, then the analyses timed as the API runs them.
 *
 * Figures: touchpointsGroupByP95Ms (daily pre-aggregate + partial days from facts, the API's path),
 * touchpointsFromFactsP95Ms (the same queries on fact_touchpoint ⋈ dim_customer, for comparison), basketP95Ms,
 * cohortsP95Ms, rfmP95Ms, projectEventsPerSecond (incremental catch-up), rebuildEventsPerSecond (replay into a scratch
 * schema and swap), touchpointFacts.
 */
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { generateCustomerHistories, loadDemoData, type DemoCustomerHistory } from '@klantcentraal/demo-data';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import { PROJECTION_RUNNER_MIGRATIONS, ProjectionRunner } from '@klantcentraal/projections';
import { READ_MODEL_MIGRATIONS } from '@klantcentraal/read-models';
import {
  basketRules,
  BASKET_DEFAULTS,
  cohortRetention,
  createWarehouseProjections,
  rfmScores,
  touchpointsByDimensions,
  WAREHOUSE_MIGRATIONS,
  WAREHOUSE_SCHEMA,
  type TouchpointDimension,
} from '@klantcentraal/warehouse';
import { percentile, round } from './support';

export type WarehouseBenchmarkOptions = Readonly<{
  databaseUrl: string;
  /** Events to load (default 1 050 000: about 7 700 demo customers). Loaded only into an empty store. */
  events?: number;
  /** Runs of each analysis (default 20). */
  queries?: number;
  /** Also time the incremental catch-up before the rebuild (default true; false saves about two minutes). */
  incremental?: boolean;
  log?: (message: string) => void;
}>;

export type WarehouseFigures = {
  touchpointsGroupByP95Ms: number;
  touchpointsFromFactsP95Ms: number;
  basketP95Ms: number;
  cohortsP95Ms: number;
  rfmP95Ms: number;
  /** null when the incremental catch-up was skipped. */
  projectEventsPerSecond: number | null;
  rebuildEventsPerSecond: number;
  touchpointFacts: number;
  orders: number;
  customerVersions: number;
  events: number;
  customers: number;
};

const GROUPINGS: readonly (readonly TouchpointDimension[])[] = [
  ['month', 'type'],
  ['week'],
  ['month', 'phase'],
  ['type', 'size', 'phase'],
  ['channel', 'department'],
  ['month', 'week', 'type', 'channel', 'department', 'size', 'phase'],
  [],
  ['size'],
];

function* upTo(events: number, seed: number): Generator<DemoCustomerHistory> {
  let total = 0;
  for (const customer of generateCustomerHistories({ customers: 1_000_000, seed, customerIdPrefix: 'wh-' })) {
    if (total >= events) return;
    total += customer.events.length;
    yield customer;
  }
}

async function timed<T>(runs: number, run: (index: number) => Promise<T>): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index < runs; index++) {
    const started = process.hrtime.bigint();
    await run(index);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return round(percentile(times.sort((a, b) => a - b), 95), 1);
}

export async function warehouseBenchmark(options: WarehouseBenchmarkOptions): Promise<{ warehouse: WarehouseFigures }> {
  const { databaseUrl, events = 1_050_000, queries = 20, incremental = true, log = () => undefined } = options;
  await runMigrations(databaseUrl, [...EVENT_STORE_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS, ...READ_MODEL_MIGRATIONS, ...WAREHOUSE_MIGRATIONS]);
  const pool = createPool(databaseUrl, { max: 6 });
  const store = new PostgresEventStore(pool);
  const quiet = { log: () => undefined, warn: log, error: log };
  try {
    if ((await store.headPosition()) === 0) {
      const started = Date.now();
      const loaded = await loadDemoData(store, upTo(events, 42), { checkRules: false });
      log(`loaded ${loaded.events} events of ${loaded.customers} customers in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    const head = await store.headPosition();
    const { rows: customerRows } = await pool.query<{ n: number }>('SELECT count(DISTINCT stream)::int AS n FROM event_store.events');

    const runner = new ProjectionRunner({ pool, store, projections: createWarehouseProjections(), schema: WAREHOUSE_SCHEMA, logger: quiet });
    let projectSeconds: number | null = null;
    if (incremental) {
      const projectStarted = Date.now();
      await runner.catchUp({
        onBatch: (position) => {
          if (position % 100_000 < 5000) log(`projected ${position} of ${head}`);
        },
      });
      projectSeconds = (Date.now() - projectStarted) / 1000;
      log(`projected ${head} events in ${projectSeconds.toFixed(0)} s`);
    }

    const rebuild = await runner.rebuild(undefined, {
      onProgress: (p) => p.phase !== 'replay' || log(`rebuild ${p.position}/${p.headPosition} (${p.eventsPerSecond} events/s)`),
      progressIntervalMs: 15_000,
    });
    log(`rebuilt ${rebuild.events} events in ${(rebuild.durationMs / 1000).toFixed(0)} s`);
    // Fresh tables: give the planner statistics, as autovacuum would shortly.
    await pool.query(`ANALYZE`);

    const { rows: counts } = await pool.query<{ facts: number; orders: number; versions: number }>(
      `SELECT (SELECT count(*) FROM warehouse.fact_touchpoint)::int AS facts,
              (SELECT count(DISTINCT global_position) FROM warehouse.fact_order_line)::int AS orders,
              (SELECT count(*) FROM warehouse.dim_customer)::int AS versions`,
    );
    const to = '2026-11-01T00:00:00Z';
    const periods = [
      { from: null, to },
      { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      { from: '2025-03-14T09:30:00Z', to: '2026-06-02T17:45:00Z' },
    ];
    const touchpointQuery = (index: number) => ({ ...periods[index % periods.length], groupBy: GROUPINGS[index % GROUPINGS.length] });
    const figures: WarehouseFigures = {
      touchpointsGroupByP95Ms: await timed(queries, (i) => touchpointsByDimensions(pool, { ...touchpointQuery(i), source: 'aggregate' })),
      touchpointsFromFactsP95Ms: await timed(queries, (i) => touchpointsByDimensions(pool, { ...touchpointQuery(i), source: 'facts' })),
      basketP95Ms: await timed(queries, (i) =>
        basketRules(pool, { ...BASKET_DEFAULTS, level: i % 2 ? 'category' : 'sku', minSupport: [0.001, 0.01, 0.05][i % 3], from: null, to: null }),
      ),
      cohortsP95Ms: await timed(queries, (i) => cohortRetention(pool, { by: i % 2 ? 'quarter' : 'month', asOf: to })),
      rfmP95Ms: await timed(queries, () => rfmScores(pool, { asOf: to })),
      projectEventsPerSecond: projectSeconds === null ? null : Math.round(head / projectSeconds),
      rebuildEventsPerSecond: rebuild.eventsPerSecond,
      touchpointFacts: counts[0].facts,
      orders: counts[0].orders,
      customerVersions: counts[0].versions,
      events: head,
      customers: customerRows[0].n,
    };
    log(JSON.stringify(figures));
    return { warehouse: figures };
  } finally {
    await store.close();
    await pool.end();
  }
}
