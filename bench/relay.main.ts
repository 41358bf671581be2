/**
 * Stand-alone relay throughput run (not a test):
 *   node -r ./infra/scripts/register.js bench/relay.main.ts [insights] [batchSizes, e.g. 100,500,2000]
 * PostgreSQL: BENCH_DATABASE_URL, else a throwaway embedded cluster with durable defaults. Kafka: KAFKA_BROKERS, else
 * a throwaway local broker (infra/kafka), stopped at the end. Prints the result as JSON.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDatabase, startEmbeddedPostgres, withDatabase, type RunningPostgres } from '@klantcentraal/postgres';
import { resolveKafkaBrokers } from '@klantcentraal/testing';
import { relayThroughputBenchmark } from './relay.bench';

async function main() {
  const insights = Number(process.argv[2] ?? 100_000);
  const batchSizes = (process.argv[3] ?? '100,500,2000').split(',').map(Number);
  const log = (m: string) => console.error(`[relay bench] ${m}`);

  const kafka = await resolveKafkaBrokers();
  if ('skipReason' in kafka) throw new Error(kafka.skipReason);
  let pg: RunningPostgres | undefined;
  let dataDir: string | undefined;
  try {
    let url = process.env.BENCH_DATABASE_URL;
    if (url) {
      const name = `kc_bench_relay_${Date.now().toString(36)}`;
      await ensureDatabase(url, name);
      url = withDatabase(url, name);
    } else {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-bench-relay-'));
      fs.chmodSync(dataDir, 0o755);
      pg = await startEmbeddedPostgres({ dataDir, log: () => undefined });
      await ensureDatabase(pg.url, 'bench');
      url = withDatabase(pg.url, 'bench');
    }
    log(`kafka ${kafka.source} ${kafka.brokers.join(',')}; ${insights} insights; batch sizes ${batchSizes.join(', ')}`);
    const result = await relayThroughputBenchmark({ databaseUrl: url, brokers: kafka.brokers, insights, batchSizes, log });
    console.log(JSON.stringify({ relay: result }, null, 2));
  } finally {
    await kafka.stop();
    if (pg) {
      await pg.stop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      if (dataDir && !pg.clusterDir.startsWith(dataDir)) fs.rmSync(pg.clusterDir, { recursive: true, force: true });
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
