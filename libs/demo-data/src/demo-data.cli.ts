/**
 * `npm run demo` — generate the seeded demo data set and load it, or write it out.
 *
 *   npm run demo                               load into the running platform's database (DATABASE_URL, else
 *                                              the embedded cluster that `npm start` runs: <DATA_DIR>/postgres.url)
 *   npm run demo -- --customers 2000 --seed 7 --prefix x-
 *   npm run demo -- --out demo.ndjson          write bulk-ingest envelopes ({customerId, …envelope}) as NDJSON
 */
import * as fs from 'node:fs';
import { loadConfig, redactUrl, resolveDatabaseUrl } from '@klantcentraal/config';
import { EVENT_STORE_MIGRATIONS, openEventStore } from '@klantcentraal/event-store';
import { PRIVACY_MIGRATIONS, privateEventStore } from '@klantcentraal/privacy';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import { generateCustomerHistories } from './demo-data.generator';
import { loadDemoData } from './load-demo-data';

function args(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`expected --flag value pairs, got "${argv[i]}"`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  const known = ['customers', 'seed', 'prefix', 'out', 'database-url'];
  for (const k of Object.keys(out)) if (!known.includes(k)) throw new Error(`unknown flag --${k}; flags: ${known.map((f) => `--${f}`).join(', ')}`);
  return out;
}

async function main() {
  const a = args(process.argv.slice(2));
  const options = {
    customers: a.customers ? Number(a.customers) : undefined,
    seed: a.seed ? Number(a.seed) : undefined,
    customerIdPrefix: a.prefix,
  };
  if (a.out) {
    const out = fs.createWriteStream(a.out);
    let events = 0;
    for (const customer of generateCustomerHistories(options)) {
      for (const event of customer.events) {
        out.write(`${JSON.stringify({ customerId: customer.customerId, ...event })}\n`);
        events++;
      }
    }
    await new Promise((resolve) => out.end(resolve));
    console.log(`wrote ${events} events to ${a.out}`);
    return;
  }
  const url = a['database-url'] ?? resolveDatabaseUrl().url;
  console.log(`loading demo data into ${redactUrl(url)}`);
  await runMigrations(url, [...EVENT_STORE_MIGRATIONS, ...PRIVACY_MIGRATIONS]);
  const pool = createPool(url);
  // Personal fields are stored encrypted, under the same key-encryption key the platform uses.
  const config = loadConfig();
  const store = privateEventStore(pool, config, await openEventStore(config, pool));
  try {
    const started = Date.now();
    const result = await loadDemoData(store, generateCustomerHistories(options), {
      onProgress: (done) => process.stdout.write(`\r  ${done} customers`),
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`\nloaded ${result.customers} customers, ${result.events} events in ${seconds} s`);
    if (result.alreadyStored > 0) {
      console.log(
        `${result.alreadyStored} customers were already stored with the same history (loaded before): nothing written for them. ` +
          'Load more with another --prefix or --seed.',
      );
    }
  } finally {
    await store.close();
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
