/**
 * Relay throughput: insights/s from the outbox to the broker's ack (and `sent_at` committed), for a backlog that is
 * already in the outbox (the catch-up case, e.g. after a broker outage or a rebuild emitting many insights). Also
 * reports how fast `writeInsights` fills the outbox.
 */
import { randomUUID } from 'node:crypto';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import { KafkaInsightPublisher, MESSAGING_MIGRATIONS, OutboxRelay, writeInsights, type OutboxInsight } from '@klantcentraal/messaging';

export type RelayThroughputOptions = {
  databaseUrl: string;
  brokers: readonly string[];
  insights?: number;
  customers?: number;
  batchSizes?: readonly number[];
  log?: (message: string) => void;
};

export type RelayThroughputResult = {
  insights: number;
  outboxWritesPerSecond: number;
  relay: { batchSize: number; insightsPerSecond: number; seconds: number }[];
};

const TYPES = ['customer-at-risk', 'customer-became-loyal', 'detractor-responded', 'complaint-sla-breached', 'expectation-missed'];

export async function relayThroughputBenchmark(options: RelayThroughputOptions): Promise<RelayThroughputResult> {
  const { databaseUrl, brokers, insights = 100_000, customers = 10_000, batchSizes = [500], log = () => undefined } = options;
  await runMigrations(databaseUrl, MESSAGING_MIGRATIONS);
  const pool = createPool(databaseUrl, { max: 4 });
  const quiet = { log: () => undefined, warn: log, error: log };
  const result: RelayThroughputResult = { insights, outboxWritesPerSecond: 0, relay: [] };
  try {
    for (const [round, batchSize] of batchSizes.entries()) {
      const run = randomUUID().slice(0, 8);
      await pool.query('TRUNCATE feed.insight_outbox');

      const writeStarted = process.hrtime.bigint();
      for (let from = 0; from < insights; from += 1_000) {
        const chunk: OutboxInsight[] = [];
        for (let n = from; n < Math.min(insights, from + 1_000); n++) chunk.push(benchInsight(run, n, customers));
        await writeInsights(pool, chunk);
      }
      const writeSeconds = Number(process.hrtime.bigint() - writeStarted) / 1e9;
      if (round === 0) result.outboxWritesPerSecond = Math.round(insights / writeSeconds);

      // Topic creation and the producer's connection happen before the clock starts.
      const publisher = new KafkaInsightPublisher({ brokers, topic: `customer-insights-bench-${run}`, logger: quiet, clientLogLevel: 'error' });
      await publisher.start();
      const relay = new OutboxRelay({ pool, publisher, batchSize, logger: quiet });
      const started = process.hrtime.bigint();
      await relay.start();
      try {
        while ((await relay.status()).sent < insights) await new Promise((r) => setTimeout(r, 20));
      } finally {
        await relay.stop();
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const figure = { batchSize, insightsPerSecond: Math.round(insights / seconds), seconds: Math.round(seconds * 100) / 100 };
      log(`relay batch ${batchSize}: ${figure.insightsPerSecond} insights/s (${insights} in ${figure.seconds} s)`);
      result.relay.push(figure);
    }
  } finally {
    await pool.end();
  }
  return result;
}

function benchInsight(run: string, n: number, customers: number): OutboxInsight {
  const customer = n % customers;
  return {
    id: `${run}-${n}`,
    type: TYPES[n % TYPES.length],
    customerId: `cust-${String(customer).padStart(5, '0')}`,
    time: new Date(Date.UTC(2026, 0, 1) + n * 1_000).toISOString(),
    globalPosition: n + 1,
    accountManager: `am-${customer % 40}`,
    data: { score: n % 11, reasonCode: `R${n % 7}`, previousPhase: 'new-customer', phase: 'loyal-customer' },
  };
}
