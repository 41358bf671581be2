/**
 * Stand-alone run of the append benchmark on a throwaway embedded PostgreSQL with default, durable settings:
 *   node -r @swc-node/register bench/append.main.ts [events] [customers] [singles] [writers]
 * Prints the result as JSON. (The lead's `npm run bench` runner calls appendBenchmark itself.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmbeddedPostgres } from '@klantcentraal/postgres';
import { appendBenchmark } from './append.bench';

async function main() {
  const [events = 100_000, customers = 10_000, singles = 1_000, writers = 4] = process.argv.slice(2).map(Number);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-bench-append-'));
  const pg = await startEmbeddedPostgres({ dataDir, log: (m) => console.error(`[postgres] ${m}`) });
  try {
    const result = await appendBenchmark({ url: pg.url, events, batchSize: 100, customers, singles, writers });
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (!pg.clusterDir.startsWith(dataDir)) fs.rmSync(pg.clusterDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
