/**
 * Stand-alone run of the feed benchmark (not a test):
 *   node -r ./infra/scripts/register.js bench/feed.main.ts [samples] [bulkEvents]
 * PostgreSQL: BENCH_DATABASE_URL, else a throwaway embedded cluster with durable defaults. Kafka: KAFKA_BROKERS, else
 * a throwaway local broker (infra/kafka) or Testcontainers, stopped at the end. Prints the result as JSON.
 */
import { resolveKafkaBrokers } from '@klantcentraal/testing';
import { feedBenchmark } from './feed.bench';
import { benchDatabase } from './support';

async function main() {
  const samples = Number(process.argv[2] ?? 300);
  const bulkEvents = Number(process.argv[3] ?? 50_000);
  const log = (m: string) => console.error(`[feed bench] ${m}`);

  const kafka = await resolveKafkaBrokers();
  if ('skipReason' in kafka) throw new Error(kafka.skipReason);
  try {
    const db = await benchDatabase('feed');
    try {
      log(`kafka ${kafka.source} ${kafka.brokers.join(',')}; ${db.description}; ${samples} samples, ${bulkEvents} bulk events`);
      const result = await feedBenchmark({ databaseUrl: db.url, kafkaBrokers: kafka.brokers, samples, bulkEvents, log });
      console.log(JSON.stringify(result, null, 2));
    } finally {
      await db.stop();
    }
  } finally {
    await kafka.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
