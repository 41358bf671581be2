/**
 * Audit benchmark.
 *
 * - verify: the whole-store hash-chain verification (`npm run audit -- verify`: keyset pages over every stream, every
 *   hash recomputed in JS from the stored envelope, one consistent snapshot) over at least `events` events of
 *   generated demo histories (`generateCustomerHistories`, ≈ 130 events per customer: 7 700 customers ≈ 1 000 000
 *   events), loaded with `loadDemoData` unless the database already holds that many.
 * - asOf: `GET /v1/audit/customers/{id}/state?asOf=…&basis=…` OVER HTTP (a Nest app with AuditApiModule on a local
 *   port, real API key check) for one customer with `asOfCustomerEvents` events: `asOfQueries` calls with random
 *   moments across the customer's history, alternating `recorded` and `occurred`; p50/p99 of the response time.
 *   Each call reads the stream from the event store and replays it with the domain's pure fold.
 *
 * Uses `databaseUrl` as it is (migrations are applied; a fresh database from bench/support's benchDatabase is meant).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuditApiModule } from '@klantcentraal/audit-api';
import { AuthModule } from '@klantcentraal/auth';
import { generateCustomerHistories, type DemoCustomerHistory } from '@klantcentraal/demo-data';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore, verifyPostgresEventStore, type EventToAppend } from '@klantcentraal/event-store';
import { configureHttpApp } from '@klantcentraal/http';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import { loadDemoData } from '@klantcentraal/demo-data';
import { percentile, round } from './support';

export type AuditBenchmarkOptions = Readonly<{
  databaseUrl: string;
  /** Events to verify at least (default 1 000 000). */
  events?: number;
  /** Events of the as-of customer (default 1 000). */
  asOfCustomerEvents?: number;
  /** As-of calls timed (default 200). */
  asOfQueries?: number;
  log?: (message: string) => void;
}>;

export type AuditBenchmarkResult = {
  audit: {
    verifyEventsPerSecond: number;
    verifyEvents: number;
    verifyStreams: number;
    verifySeconds: number;
    asOfP50Ms: number;
    asOfP99Ms: number;
    asOfCustomerEvents: number;
    asOfQueries: number;
    /** How the as-of calls were made. */
    asOfVia: string;
  };
};

const BENCH_KEY = 'bench-auditor-key-0000000001';

export async function auditBenchmark(options: AuditBenchmarkOptions): Promise<AuditBenchmarkResult> {
  const events = options.events ?? 1_000_000;
  const asOfCustomerEvents = options.asOfCustomerEvents ?? 1000;
  const asOfQueries = options.asOfQueries ?? 200;
  const log = options.log ?? (() => undefined);

  await runMigrations(options.databaseUrl, EVENT_STORE_MIGRATIONS);
  const pool = createPool(options.databaseUrl, { max: 8 });
  const store = new PostgresEventStore(pool);
  try {
    // --- data: demo histories up to `events`, and the as-of customer -------------------------------------------
    const head = await store.headPosition();
    if (head < events) {
      log(`loading ≥ ${events - head} events of generated demo histories …`);
      const started = Date.now();
      const loaded = await loadDemoData(store, upTo(generateCustomerHistories({ seed: 4242, customers: 1_000_000, customerIdPrefix: `ab${Date.now().toString(36)}-` }), events - head), {
        checkRules: false, // generated histories are rule-valid by construction (the demo-data spec proves it)
        onProgress: (done) => done % 1000 === 0 && log(`  ${done} customers`),
      });
      log(`loaded ${loaded.events} events of ${loaded.customers} customers in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    const customerId = `asof-bench-${randomUUID().slice(0, 8)}`;
    const span = await appendLongHistory(store, customerId, asOfCustomerEvents);

    // --- verify ----------------------------------------------------------------------------------------------------
    log('verifying every hash of every stream …');
    const verified = await verifyPostgresEventStore(pool, {
      onProgress: (p) => log(`  ${p.events} events, ${p.eventsPerSecond} events/s`),
      progressIntervalMs: 5000,
    });
    if (!verified.valid) throw new Error(`the store does not verify: ${JSON.stringify(verified.broken.slice(0, 5))}`);

    // --- as-of over HTTP -------------------------------------------------------------------------------------------
    @Module({
      imports: [
        AuthModule.forRoot({ keys: [{ key: BENCH_KEY, name: 'bench-auditor', roles: ['auditor'] }] }),
        AuditApiModule.register({ eventStore: store }),
      ],
    })
    class AuditBenchModule {}
    const app = await NestFactory.create(AuditBenchModule, { bodyParser: false, logger: ['error'] });
    configureHttpApp(app, { title: 'audit bench' });
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const latencies: number[] = [];
    try {
      const call = async (i: number) => {
        const moment = new Date(span.from + Math.random() * (span.to - span.from)).toISOString();
        const basis = i % 2 === 0 ? 'recorded' : 'occurred';
        // `recorded` moments must fall after the recording to find the customer: use now for those.
        const asOf = basis === 'recorded' ? new Date().toISOString() : moment;
        const started = process.hrtime.bigint();
        const res = await fetch(`${base}/v1/audit/customers/${customerId}/state?asOf=${encodeURIComponent(asOf)}&basis=${basis}`, {
          headers: { authorization: `Bearer ${BENCH_KEY}` },
        });
        const body = await res.text();
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (res.status !== 200) throw new Error(`state answered ${res.status}: ${body.slice(0, 200)}`);
        return ms;
      };
      for (let i = 0; i < 10; i++) await call(i); // warm-up
      for (let i = 0; i < asOfQueries; i++) latencies.push(await call(i));
    } finally {
      await app.close();
    }
    latencies.sort((a, b) => a - b);
    return {
      audit: {
        verifyEventsPerSecond: verified.eventsPerSecond,
        verifyEvents: verified.events,
        verifyStreams: verified.streams,
        verifySeconds: round(verified.durationMs / 1000, 1),
        asOfP50Ms: round(percentile(latencies, 50), 2),
        asOfP99Ms: round(percentile(latencies, 99), 2),
        asOfCustomerEvents,
        asOfQueries: latencies.length,
        asOfVia: 'HTTP (GET …/state, sequential, alternating recorded/occurred)',
      },
    };
  } finally {
    await store.close();
    await pool.end();
  }
}

/** Whole customers from `customers` until at least `events` events. */
function* upTo(customers: Iterable<DemoCustomerHistory>, events: number): Generator<DemoCustomerHistory> {
  let total = 0;
  for (const customer of customers) {
    if (total >= events) return;
    total += customer.events.length;
    yield customer;
  }
}

/**
 * One customer with `count` events over ~3 years: registration, then a year-round mix of mails, visits, meetings,
 * quotes, purchases, complaints and NPS answers (every kind the profile folds), appended in batches of 500.
 */
export async function appendLongHistory(store: PostgresEventStore, customerId: string, count: number): Promise<{ from: number; to: number }> {
  const from = Date.UTC(2023, 0, 1);
  const step = Math.floor((3 * 365 * 86_400_000) / count);
  const events: EventToAppend[] = [];
  const add = (i: number, type: string, data: Record<string, unknown>) => {
    const occurredAt = new Date(from + i * step).toISOString();
    const recordedBy = { userId: `u-${1 + (i % 25)}`, department: 'marketing-sales' };
    events.push({
      eventId: randomUUID(),
      type,
      data,
      metadata: { occurredAt, recordedBy, schemaVersion: 1, customerId },
      idempotencyPayload: { type, data, occurredAt, recordedBy },
    });
  };
  add(0, 'ProspectRegistered', { name: 'Groothandel Jansen BV', size: 'large', industry: 'wholesale' });
  for (let i = 1; events.length < count; i++) {
    const n = Math.floor(i / 12);
    switch (i % 12) {
      case 0: add(i, 'MailSent', { mailId: `M-${n}`, campaignId: `C-${n % 7}` }); break;
      case 1: add(i, 'MailOpened', { mailId: `M-${n}` }); break;
      case 2: add(i, 'WebsiteVisited', { url: `https://www.example.com/p/${n % 40}`, durationSeconds: 30 + (n % 300) }); break;
      case 3: add(i, 'ContactAdded', { contactId: `P-${n % 9}`, name: `Contact ${n % 9}`, dmuRole: 'buyer' }); break;
      case 4: add(i, 'MeetingHeld', { meetingId: `MT-${n}`, kind: 'visit', contactIds: [`P-${n % 9}`] }); break;
      case 5: add(i, 'QuoteRequested', { quoteId: `Q-${n}`, expectedWithinDays: 5 }); break;
      case 6: add(i, 'QuoteSent', { quoteId: `Q-${n}`, amount: 1000 + n, currency: 'EUR' }); break;
      case 7: add(i, 'PurchaseMade', { orderId: `O-${n}`, lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: 500 }], total: 1000, currency: 'EUR' }); break;
      case 8: add(i, 'ComplaintFiled', { complaintId: `CP-${n}`, category: 'delivery' }); break;
      case 9: add(i, 'ComplaintResolved', { complaintId: `CP-${n}` }); break;
      case 10: add(i, 'NpsResponded', { surveyId: `S-${n}`, score: n % 11 }); break;
      default: add(i, 'AccountManagerAssigned', { employeeId: `u-${1 + (n % 25)}`, salesRole: 'account-manager' });
    }
  }
  const stream = `customer-${customerId}`;
  for (let i = 0; i < events.length; i += 500) await store.appendToStream(stream, i === 0 ? 'no-stream' : i - 1, events.slice(i, i + 500));
  return { from, to: from + count * step };
}
