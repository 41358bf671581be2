/**
 * Stand-alone run of the warehouse benchmark (not a test):
 *   node -r ./infra/scripts/register.js bench/warehouse.main.ts [events=1050000] [queries=20]
 * PostgreSQL: BENCH_DATABASE_URL, else a throwaway embedded cluster with durable defaults (fsync and synchronous
 * commit on). Prints the result as JSON.
 */
import { benchDatabase } from './support';
import { warehouseBenchmark } from './warehouse.bench';

async function main() {
  const [events = 1_050_000, queries = 20] = process.argv.slice(2).map(Number);
  const log = (m: string) => console.error(`[warehouse bench] ${m}`);
  const db = await benchDatabase('warehouse');
  log(db.description);
  try {
    const result = await warehouseBenchmark({ databaseUrl: db.url, events, queries, log });
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await db.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
