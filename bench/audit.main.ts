/**
 * Stand-alone run of the audit benchmark on a fresh embedded PostgreSQL with default, durable settings
 * (or BENCH_DATABASE_URL):
 *   node -r ./infra/scripts/register.js bench/audit.main.ts [events=1000000] [asOfCustomerEvents=1000] [asOfQueries=200]
 * Prints the result as JSON. (The lead's `npm run bench` runner calls auditBenchmark itself.)
 */
import { auditBenchmark } from './audit.bench';
import { benchDatabase } from './support';

async function main() {
  const [events = 1_000_000, asOfCustomerEvents = 1000, asOfQueries = 200] = process.argv.slice(2).map(Number);
  const db = await benchDatabase('audit');
  console.error(`[audit bench] ${db.description}`);
  try {
    const result = await auditBenchmark({ databaseUrl: db.url, events, asOfCustomerEvents, asOfQueries, log: (m) => console.error(`[audit bench] ${m}`) });
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await db.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
