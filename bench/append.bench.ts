/**
 * Append benchmark of the PostgreSQL event store.
 *
 * - append: `events` events in batches of `batchSize` (100 in the contract's benchmark) to ONE customer stream each,
 *   spread over `customers` customers, with `writers` (default 4) concurrent connections, each appending with an exact expected
 *   revision ('no-stream' for a customer's first batch). Durable: the server's own settings (fsync and
 *   synchronous_commit on unless the server says otherwise; the result reports them).
 * - copyBaseline: the same rows COPYed (pg-copy-streams, text format, one connection, one transaction) into a plain
 *   table with the same columns and no constraints or indexes, on the same server: the ceiling for raw ingest.
 * - appendSingle: `singles` one-event appends, one after another, latency p50/p99.
 *
 * Runs in a fresh database it creates next to `url`'s and drops afterwards. Payloads are generated before timing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EncryptingEventStore, LocalKeyEncryptionKey, PostgresKeyStore, PRIVACY_MIGRATIONS } from '@klantcentraal/privacy';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { createPool, ensureDatabase, runMigrations, withDatabase } from '@klantcentraal/postgres';
import {
  EVENT_STORE_MIGRATIONS,
  idempotencyHash,
  PostgresEventStore,
  type EventToAppend,
  type ExpectedRevision,
} from '@klantcentraal/event-store';

/** Default concurrent append connections: on 2 cores more writers only queue on the global position lock. */
export const APPEND_WRITERS = 4;

export type AppendBenchmarkOptions = {
  url: string;
  events: number;
  batchSize: number;
  customers: number;
  singles: number;
  /** Concurrent append connections (default APPEND_WRITERS). */
  writers?: number;
};
export type AppendBenchmarkResult = {
  append: {
    eventsPerSecond: number;
    copyBaselineEventsPerSecond: number;
    ratioToCopy: number;
    events: number;
    batchSize: number;
    /** Extra context: concurrent append connections, and whether the server ran with fsync and synchronous_commit on. */
    writers: number;
    durable: boolean;
  };
  appendSingle: { p50Ms: number; p99Ms: number; count: number };
};

// ---------------------------------------------------------------- realistic catalogue-like payloads
const DEPARTMENTS = ['marketing-sales', 'service', 'inbound-logistics', 'operations', 'outbound-logistics', 'procurement', 'technology', 'hrm', 'infrastructure'];
const PAGES = ['/pricing', '/products/pallet-racking', '/products/conveyor-belts', '/contact', '/cases/logistics-bv', '/blog/warehouse-automation-2026'];
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const int = (max: number) => Math.floor(Math.random() * max);
const id = (prefix: string) => `${prefix}-${int(1_000_000).toString().padStart(6, '0')}`;

function catalogueData(): { type: string; data: Record<string, unknown> } {
  switch (int(10)) {
    case 0:
      return { type: 'MailSent', data: { mailId: id('M'), campaignId: id('C'), subject: 'Your quarterly logistics review' } };
    case 1:
      return { type: 'MailOpened', data: { mailId: id('M') } };
    case 2:
      // Personal data (name, e-mail): with MailSent.subject and NpsResponded.improvement, encryption is paid.
      return { type: 'ContactAdded', data: { contactId: id('P'), name: 'Marieke van den Berg', email: 'm.vandenberg@example.com', dmuRole: 'buyer' } };
    case 3:
      return { type: 'MailClicked', data: { mailId: id('M'), url: `https://www.example.com${pick(PAGES)}?utm_source=mail` } };
    case 4:
    case 5:
      return { type: 'WebsiteVisited', data: { url: `https://www.example.com${pick(PAGES)}`, durationSeconds: int(900) } };
    case 6:
      return { type: 'MeetingHeld', data: { meetingId: id('MT'), kind: pick(['visit', 'call', 'video']), contactIds: [id('P'), id('P')] } };
    case 7:
      return { type: 'QuoteSent', data: { quoteId: id('Q'), amount: Math.round(Math.random() * 5_000_000) / 100, currency: 'EUR' } };
    case 8:
      return {
        type: 'PurchaseMade',
        data: {
          orderId: id('O'),
          lines: [
            { sku: id('SKU'), category: 'racking', quantity: 1 + int(20), unitPrice: 149.95 },
            { sku: id('SKU'), category: 'spare-parts', quantity: 1 + int(5), unitPrice: 12.5 },
          ],
          total: 1234.5,
          currency: 'EUR',
        },
      };
    default:
      return { type: 'NpsResponded', data: { surveyId: id('S'), contactId: id('P'), score: int(11), improvement: 'Faster delivery confirmations, please.' } };
  }
}

export function catalogueEvent(): EventToAppend {
  const { type, data } = catalogueData();
  const occurredAt = new Date(Date.now() - int(365 * 86_400_000)).toISOString();
  const recordedBy = { userId: id('u'), department: pick(DEPARTMENTS) };
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: { occurredAt, recordedBy, schemaVersion: 1 },
    idempotencyPayload: { type, data, occurredAt, recordedBy },
  };
}

// ---------------------------------------------------------------- helpers
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** COPY text format escaping (backslash, tab, newline, carriage return). */
function copyText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------- the benchmark
export async function appendBenchmark(opts: AppendBenchmarkOptions): Promise<AppendBenchmarkResult> {
  const database = `kc_bench_append_${Date.now().toString(36)}`;
  await ensureDatabase(opts.url, database);
  const url = withDatabase(opts.url, database);
  const writers = opts.writers ?? APPEND_WRITERS;
  const pool = createPool(url, { max: writers + 2 });
  try {
    await runMigrations(url, [...EVENT_STORE_MIGRATIONS, ...PRIVACY_MIGRATIONS]);
    const settings = await pool.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit')`,
    );
    const durable = settings.rows.every((r) => r.setting === 'on');
    // As the platform appends: personal fields encrypted per data subject on the way in.
    const store = new EncryptingEventStore(new PostgresEventStore(pool), new PostgresKeyStore(pool, new LocalKeyEncryptionKey(randomBytes(32))));

    // Batches: batchSize events to one customer stream each; customers round-robin over a random permutation,
    // partitioned over the writers so each writer knows its customers' exact revisions (no conflicts by design).
    const batchCount = Math.ceil(opts.events / opts.batchSize);
    const customers = Array.from({ length: opts.customers }, (_, i) => `customer-C${String(i).padStart(6, '0')}`);
    const batches = Array.from({ length: batchCount }, (_, b) => ({
      stream: customers[(b * 7919) % customers.length],
      events: Array.from({ length: Math.min(opts.batchSize, opts.events - b * opts.batchSize) }, catalogueEvent),
    }));
    const perWriter: (typeof batches)[] = Array.from({ length: writers }, () => []);
    for (const batch of batches) perWriter[Number.parseInt(batch.stream.slice(-6), 10) % writers].push(batch);

    // Warm-up (prepared statements on every connection), then the timed run.
    await Promise.all(Array.from({ length: writers }, (_, w) => store.appendToStream(`warmup-${w}`, 'any', [catalogueEvent()])));
    const revisions = new Map<string, number>();
    const appendStart = process.hrtime.bigint();
    await Promise.all(
      perWriter.map(async (mine) => {
        for (const batch of mine) {
          const known = revisions.get(batch.stream);
          const expected: ExpectedRevision = known === undefined ? 'no-stream' : known;
          const result = await store.appendToStream(batch.stream, expected, batch.events);
          revisions.set(batch.stream, result.lastRevision);
        }
      }),
    );
    const appendSeconds = Number(process.hrtime.bigint() - appendStart) / 1e9;

    // COPY baseline: the same rows into a plain table (same columns, no constraints, no indexes).
    await pool.query(`CREATE TABLE bench_copy_events (global_position BIGINT, stream TEXT, stream_revision INT, event_id UUID, type TEXT,
      data JSONB, metadata JSONB, payload_hash TEXT, recorded_at TIMESTAMPTZ DEFAULT now())`);
    const copyClient = await pool.connect();
    let copySeconds: number;
    try {
      const copyStart = process.hrtime.bigint();
      await copyClient.query('BEGIN');
      const sink = copyClient.query(copyFrom('COPY bench_copy_events (global_position, stream, stream_revision, event_id, type, data, metadata, payload_hash) FROM STDIN'));
      let position = 0;
      const revisionOf = new Map<string, number>();
      async function* rows() {
        for (const batch of batches) {
          const chunk: string[] = [];
          let revision = revisionOf.get(batch.stream) ?? -1;
          for (const e of batch.events) {
            position += 1;
            revision += 1;
            chunk.push(
              `${position}\t${copyText(batch.stream)}\t${revision}\t${e.eventId}\t${copyText(e.type)}\t${copyText(JSON.stringify(e.data))}\t` +
                `${copyText(JSON.stringify(e.metadata))}\t${idempotencyHash(e.idempotencyPayload)}\n`,
            );
          }
          revisionOf.set(batch.stream, revision);
          yield chunk.join('');
        }
      }
      await pipeline(Readable.from(rows()), sink);
      await copyClient.query('COMMIT');
      copySeconds = Number(process.hrtime.bigint() - copyStart) / 1e9;
    } finally {
      copyClient.release();
    }

    // Single-event appends, one after another, to existing customers with their exact revision.
    const latencies: number[] = [];
    const streams = [...revisions.keys()];
    for (let i = 0; i < opts.singles; i++) {
      const stream = streams[int(streams.length)] ?? `single-${i}`;
      const expected: ExpectedRevision = revisions.get(stream) ?? 'no-stream';
      const started = process.hrtime.bigint();
      const result = await store.appendToStream(stream, expected, [catalogueEvent()]);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      revisions.set(stream, result.lastRevision);
    }
    latencies.sort((a, b) => a - b);
    await store.close();

    const eventsPerSecond = opts.events / appendSeconds;
    const copyBaselineEventsPerSecond = opts.events / copySeconds;
    return {
      append: {
        eventsPerSecond: round(eventsPerSecond),
        copyBaselineEventsPerSecond: round(copyBaselineEventsPerSecond),
        ratioToCopy: round(eventsPerSecond / copyBaselineEventsPerSecond, 3),
        events: opts.events,
        batchSize: opts.batchSize,
        writers,
        durable,
      },
      appendSingle: { p50Ms: round(percentile(latencies, 50), 3), p99Ms: round(percentile(latencies, 99), 3), count: latencies.length },
    };
  } finally {
    await pool.end();
    const admin = createPool(opts.url, { max: 1 });
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
}
