/**
 * httpBulk: events per second over HTTP to `POST /v1/events` of the all-in-one platform (validation, idempotency
 * and rule checks, one atomic append per request), with realistic demo histories.
 */
import { loadConfig } from '@klantcentraal/config';
import { generateCustomerHistories } from '@klantcentraal/demo-data';
import { startPlatform } from '@klantcentraal/platform';
import { freePort } from '@klantcentraal/postgres';

export type HttpBulkOptions = { databaseUrl: string; events: number; eventsPerRequest: number; concurrency: number };
export type HttpBulkResult = { eventsPerSecond: number; events: number; requests: number; eventsPerRequest: number; concurrency: number };

export async function httpBulkBenchmark(opts: HttpBulkOptions): Promise<HttpBulkResult> {
  const port = await freePort();
  const platform = await startPlatform(
    loadConfig({ DATABASE_URL: opts.databaseUrl, PORT: String(port), DEMO_DATA: '0', API_KEYS: JSON.stringify({ 'bench-ingest-key-0000000001': ['ingest'] }) }),
    { quiet: true },
  );
  try {
    // Build request bodies up front so generation is not timed: whole customer histories, in recording order.
    const bodies: string[] = [];
    let batch: unknown[] = [];
    let total = 0;
    for (const customer of generateCustomerHistories({ seed: 7, customers: 99_999, customerIdPrefix: 'hb-' })) {
      for (const event of customer.events) batch.push({ customerId: customer.customerId, ...event });
      if (batch.length >= opts.eventsPerRequest) {
        bodies.push(JSON.stringify({ events: batch }));
        total += batch.length;
        batch = [];
        if (total >= opts.events) break;
      }
    }
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          const res = await fetch(`${platform.url}/v1/events`, {
            method: 'POST',
            headers: { authorization: 'Bearer bench-ingest-key-0000000001', 'content-type': 'application/json' },
            body,
          });
          if (res.status !== 201) throw new Error(`POST /v1/events answered ${res.status}: ${await res.text()}`);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { eventsPerSecond: Math.round(total / seconds), events: total, requests: bodies.length, eventsPerRequest: opts.eventsPerRequest, concurrency: opts.concurrency };
  } finally {
    await platform.stop();
  }
}
