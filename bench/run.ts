/**
 * `npm run bench` — every benchmark at its default sizes (about 15 minutes at most on a 2-core machine), a table on
 * stdout and nested JSON in bench/results/latest.json.
 *
 *   npm run bench -- --only append,httpBulk      run some benchmarks (results merge into latest.json)
 *   npm run bench -- --scale 0.1                 scale every size (quick look); --scale 2 for bigger runs
 *   npm run bench -- --append-events 200000      override one size (see SIZES below)
 *   npm run bench -- --out bench/results/x.json  write the figures there instead of latest.json
 *
 * BENCH_DATABASE_URL runs against an existing PostgreSQL instead of a fresh embedded one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appendBenchmark } from './append.bench';
import { httpBulkBenchmark } from './http-bulk.bench';
import { longStreamBenchmark } from './long-stream.bench';
import { auditBenchmark } from './audit.bench';
import { erasureBenchmark } from './erasure.bench';
import { feedBenchmark } from './feed.bench';
import { projectionsBenchmark } from './projections.bench';
import { benchDatabase, type BenchDatabase } from './support';
import { warehouseBenchmark } from './warehouse.bench';

/**
 * One database holding ~1 000 000 generated events, loaded once and shared by the benchmarks that need a big store
 * (projections, warehouse, audit): loading it is the slowest part of the run.
 */
let bigDatabase: Promise<BenchDatabase> | null = null;
const sharedBigDatabase = () => (bigDatabase ??= benchDatabase('big'));

type Figures = Record<string, Record<string, number | string | boolean>>;
type Benchmark = { name: string; run(sizes: Sizes, log: (m: string) => void): Promise<Figures> };

const SIZES = {
  'append-events': 200_000,
  'append-customers': 10_000,
  'append-singles': 2_000,
  'http-bulk-events': 100_000,
  'http-bulk-per-request': 1_000,
  /** 7 700 generated customers ≈ 1 000 000 events. */
  'rebuild-customers': 7_700,
  'profile-queries': 3_000,
  'ingest-requests-per-second': 50,
  'warehouse-queries': 20,
  'feed-samples': 300,
  'feed-bulk-events': 50_000,
  'erasure-customers': 9,
  'long-stream-events': 100_000,
  'long-stream-as-of-queries': 5,
};
type Sizes = typeof SIZES;

const BENCHMARKS: Benchmark[] = [
  {
    name: 'erasure',
    async run(sizes) {
      const db = await benchDatabase('erasure');
      try {
        return { erasure: await erasureBenchmark({ databaseUrl: db.url, customers: sizes['erasure-customers'], eventsPerCustomer: 1000 }) };
      } finally {
        await db.stop();
      }
    },
  },
  {
    name: 'append',
    async run(sizes) {
      const db = await benchDatabase('append');
      try {
        const r = await appendBenchmark({
          url: db.url,
          events: sizes['append-events'],
          batchSize: 100,
          customers: sizes['append-customers'],
          singles: sizes['append-singles'],
        });
        return { append: r.append, appendSingle: r.appendSingle };
      } finally {
        await db.stop();
      }
    },
  },
  {
    name: 'httpBulk',
    async run(sizes) {
      const db = await benchDatabase('http');
      try {
        const r = await httpBulkBenchmark({
          databaseUrl: db.url,
          events: sizes['http-bulk-events'],
          eventsPerRequest: sizes['http-bulk-per-request'],
          concurrency: 2,
        });
        return { httpBulk: r };
      } finally {
        await db.stop();
      }
    },
  },
  {
    name: 'warehouse',
    async run(sizes, log) {
      const db = await sharedBigDatabase();
      // Loads ~1 000 000 events into the shared store (the projections benchmark then reuses them) and rebuilds the
      // warehouse, so that the platform started later has nothing to catch up.
      return warehouseBenchmark({
        databaseUrl: db.url,
        events: Math.round(sizes['rebuild-customers'] * 136),
        queries: sizes['warehouse-queries'],
        incremental: false,
        log,
      });
    },
  },
  {
    name: 'projections',
    async run(sizes, log) {
      const db = await sharedBigDatabase();
      return projectionsBenchmark({
        databaseUrl: db.url,
        customers: sizes['rebuild-customers'],
        profileQueries: sizes['profile-queries'],
        ingestRequestsPerSecond: sizes['ingest-requests-per-second'],
        log,
      });
    },
  },
  {
    name: 'audit',
    async run(sizes, log) {
      const db = await sharedBigDatabase();
      return auditBenchmark({ databaseUrl: db.url, events: Math.round(sizes['rebuild-customers'] * 129), asOfCustomerEvents: 1000, asOfQueries: 200, log });
    },
  },
  {
    name: 'longStream',
    async run(sizes, log) {
      const db = await benchDatabase('long');
      try {
        return await longStreamBenchmark({
          databaseUrl: db.url,
          events: sizes['long-stream-events'],
          asOfQueries: sizes['long-stream-as-of-queries'],
          profileQueries: 300,
          log,
        });
      } finally {
        await db.stop();
      }
    },
  },
  {
    name: 'feed',
    async run(sizes, log) {
      const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
      if (!brokers?.length) {
        log('skipped: KAFKA_BROKERS is not set (infra/kafka/start, then KAFKA_BROKERS=127.0.0.1:9092 npm run bench)');
        return {};
      }
      const db = await benchDatabase('feed');
      try {
        return await feedBenchmark({
          databaseUrl: db.url,
          kafkaBrokers: brokers,
          samples: sizes['feed-samples'],
          bulkEvents: sizes['feed-bulk-events'],
          log,
        });
      } finally {
        await db.stop();
      }
    },
  },
];

function parseArgs(argv: string[]): { only: string[] | null; sizes: Sizes; out: string | null } {
  const sizes = { ...SIZES };
  let only: string[] | null = null;
  let out: string | null = null;
  let scale = 1;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--only') only = value.split(',');
    else if (flag === '--scale') scale = Number(value);
    else if (flag === '--out') out = value;
    else if (flag.startsWith('--') && flag.slice(2) in sizes) sizes[flag.slice(2) as keyof Sizes] = Number(value);
    else throw new Error(`unknown flag ${flag}; flags: --only, --scale, --out, ${Object.keys(SIZES).map((k) => `--${k}`).join(', ')}`);
    i++;
  }
  if (!(scale > 0)) throw new Error('--scale must be a positive number');
  for (const key of Object.keys(sizes) as (keyof Sizes)[]) {
    if (key.endsWith('per-request') || key.endsWith('per-second') || key === 'append-customers' || key.endsWith('queries')) continue;
    sizes[key] = Math.max(1, Math.round(sizes[key] * scale));
  }
  const known = BENCHMARKS.map((b) => b.name);
  for (const name of only ?? []) if (!known.includes(name)) throw new Error(`unknown benchmark ${name}; known: ${known.join(', ')}`);
  return { only, sizes, out };
}

function printTable(figures: Figures) {
  const rows: [string, string][] = [];
  for (const [section, values] of Object.entries(figures)) {
    for (const [key, value] of Object.entries(values)) rows.push([`${section}.${key}`, String(value)]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${'figure'.padEnd(width)}  value`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(12)}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

async function main() {
  const { only, sizes, out } = parseArgs(process.argv.slice(2));
  const resultsFile = out === null ? path.join(__dirname, 'results', 'latest.json') : path.resolve(out);
  const previous: Figures = fs.existsSync(resultsFile) && only ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : {};
  const figures: Figures = {};
  const kafka = process.env.KAFKA_BROKERS;
  console.log(`benchmarks on ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(kafka ? `KAFKA_BROKERS=${kafka}` : 'KAFKA_BROKERS not set: Kafka benchmarks are skipped');
  try {
    for (const bench of BENCHMARKS) {
      if (only && !only.includes(bench.name)) continue;
      const started = Date.now();
      console.log(`\n▶ ${bench.name}`);
      const result = await bench.run(sizes, (m) => console.log(`  ${m}`));
      Object.assign(figures, result);
      console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    // Never leave the shared cluster running, also when a benchmark fails.
    if (bigDatabase) await (await bigDatabase).stop();
  }
  // The HTTP path against the bare store when both ran in this run: what the API layer costs on top of the append.
  const append = figures.append?.eventsPerSecond;
  if (figures.httpBulk && typeof append === 'number' && append > 0) {
    figures.httpBulk.ratioToAppend = Math.round((Number(figures.httpBulk.eventsPerSecond) / append) * 1000) / 1000;
  }
  const merged = {
    ...previous,
    ...figures,
    meta: { at: new Date().toISOString(), cores: os.cpus().length, node: process.version, sizes: { ...sizes } },
  };
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, `${JSON.stringify(merged, null, 2)}\n`);
  printTable(figures);
  console.log(`\nwritten to ${path.relative(process.cwd(), resultsFile)}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
