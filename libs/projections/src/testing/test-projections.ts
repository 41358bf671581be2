/**
 * Small projections for the runner's own tests: a per-stream counter (order-insensitive), a "last event per stream"
 * table (order-sensitive, with resetStreams) and an event log with serial and identity columns. Switches let a test
 * poison events, slow a schema down or hook into a batch.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { EventStore, RecordedEvent, StreamAppend } from '@klantcentraal/event-store';
import type { Projection, ProjectionContext } from '../projection';

export const TEST_TABLES_SQL = `
  CREATE TABLE read_models.test_stream_counts (stream text PRIMARY KEY, events int NOT NULL, sum_n bigint NOT NULL);
  CREATE TABLE read_models.test_last_event (
    stream text PRIMARY KEY, last_type text NOT NULL, last_position bigint NOT NULL, seen int NOT NULL);
  CREATE TABLE read_models.test_event_log (
    id bigserial PRIMARY KEY, ident bigint GENERATED ALWAYS AS IDENTITY, position bigint NOT NULL UNIQUE, type text NOT NULL);
`;

export type Switches = {
  /** Throw on events whose data has `poison: true` (counter) / `poisonLast: true` (last-event). */
  poison: boolean;
  /** Sleep this long per batch when writing a schema other than read_models (slows a rebuild down). */
  rebuildDelayMs: number;
  /** Runs inside apply, before the writes. */
  onApply?(events: readonly RecordedEvent[], context: ProjectionContext): Promise<void>;
  calls: number;
};

export const switches = (overrides: Partial<Switches> = {}): Switches => ({ poison: false, rebuildDelayMs: 0, calls: 0, ...overrides });

async function prelude(sw: Switches, events: readonly RecordedEvent[], context: ProjectionContext, poisonKey: string): Promise<void> {
  sw.calls += 1;
  if (sw.poison) {
    const bad = events.find((e) => e.data[poisonKey] === true);
    if (bad) throw new Error(`poison event at ${bad.globalPosition}`);
  }
  if (sw.rebuildDelayMs && context.schema !== 'read_models') await new Promise((r) => setTimeout(r, sw.rebuildDelayMs));
  await sw.onApply?.(events, context);
}

export function counterProjection(sw: Switches = switches()): Projection {
  return {
    name: 'counter',
    tables: ['test_stream_counts'],
    eventTypes: ['Ping', 'Pong'],
    async apply(events, context) {
      await prelude(sw, events, context, 'poison');
      await context.client.query(
        `INSERT INTO "${context.schema}".test_stream_counts AS c (stream, events, sum_n)
         SELECT stream, count(*), sum(n) FROM unnest($1::text[], $2::bigint[]) AS t(stream, n) GROUP BY stream
         ON CONFLICT (stream) DO UPDATE SET events = c.events + EXCLUDED.events, sum_n = c.sum_n + EXCLUDED.sum_n`,
        [events.map((e) => e.stream), events.map((e) => Number(e.data.n))],
      );
    },
  };
}

export function lastEventProjection(sw: Switches = switches()): Projection {
  return {
    name: 'last-event',
    tables: ['test_last_event'],
    eventTypes: ['Ping', 'Pong', 'Other'],
    async apply(events, context) {
      await prelude(sw, events, context, 'poisonLast');
      // Order-sensitive on purpose: the last event of the batch overwrites whatever was there.
      await context.client.query(
        `INSERT INTO "${context.schema}".test_last_event AS l (stream, last_type, last_position, seen)
         SELECT DISTINCT ON (stream) stream, type, position, count(*) OVER (PARTITION BY stream)
           FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(stream, type, position)
          ORDER BY stream, position DESC
         ON CONFLICT (stream) DO UPDATE
           SET last_type = EXCLUDED.last_type, last_position = EXCLUDED.last_position, seen = l.seen + EXCLUDED.seen`,
        [events.map((e) => e.stream), events.map((e) => e.type), events.map((e) => e.globalPosition)],
      );
    },
    async resetStreams(streams, { client, schema }) {
      await client.query(`DELETE FROM "${schema}".test_last_event WHERE stream = ANY($1::text[])`, [streams]);
    },
  };
}

export function eventLogProjection(sw: Switches = switches()): Projection {
  return {
    name: 'event-log',
    tables: ['test_event_log'],
    eventTypes: ['Ping', 'Other'],
    async apply(events, context) {
      await prelude(sw, events, context, 'poisonLog');
      await context.client.query(`INSERT INTO "${context.schema}".test_event_log (position, type) SELECT * FROM unnest($1::bigint[], $2::text[])`, [
        events.map((e) => e.globalPosition),
        events.map((e) => e.type),
      ]);
    },
  };
}

export const TEST_OUTBOX_SQL = `
  CREATE TABLE read_models.test_emitted (stream text PRIMARY KEY, pings int NOT NULL);
  CREATE TABLE read_models.test_outbox (position bigint PRIMARY KEY, stream text NOT NULL);
`;

/** Emits one outbox row per Ping into a table it shares (the insights outbox seam) and keeps its own count. */
export function emitterProjection(): Projection {
  return {
    name: 'emitter',
    tables: ['test_emitted'],
    sharedTables: ['test_outbox'],
    eventTypes: ['Ping'],
    async apply(events, { client, schema }) {
      await client.query(
        `INSERT INTO "${schema}".test_emitted AS e (stream, pings) SELECT stream, count(*) FROM unnest($1::text[]) AS t(stream) GROUP BY stream
         ON CONFLICT (stream) DO UPDATE SET pings = e.pings + EXCLUDED.pings`,
        [events.map((e) => e.stream)],
      );
      await client.query(`INSERT INTO "${schema}".test_outbox (position, stream) SELECT * FROM unnest($1::bigint[], $2::text[])`, [
        events.map((e) => e.globalPosition),
        events.map((e) => e.stream),
      ]);
    },
  };
}

const TYPES = ['Ping', 'Pong', 'Other'] as const;

/**
 * Append `count` events round-robin over `streams` streams (`s-<k>`), types cycling Ping/Pong/Other, `data.n` = the
 * running index; `mark(i)` adds fields (e.g. `{ poison: true }`). Returns the last position.
 */
export async function appendTestEvents(
  store: EventStore,
  count: number,
  options: { streams?: number; first?: number; chunk?: number; mark?(i: number): Record<string, unknown> | undefined } = {},
): Promise<number> {
  const streams = options.streams ?? 50;
  const first = options.first ?? 0;
  const chunk = options.chunk ?? 1000;
  let last = 0;
  for (let start = first; start < first + count; start += chunk) {
    const byStream = new Map<string, StreamAppend['events'][number][]>();
    for (let i = start; i < Math.min(first + count, start + chunk); i++) {
      const stream = `s-${i % streams}`;
      const data = { n: i, ...(options.mark?.(i) ?? {}) };
      const list = byStream.get(stream) ?? [];
      list.push({ eventId: randomUUID(), type: TYPES[i % 3], data, metadata: {}, idempotencyPayload: data });
      byStream.set(stream, list);
    }
    const result = await store.appendMany([...byStream].map(([stream, events]) => ({ stream, expectedRevision: 'any' as const, events })));
    last = result.lastPosition;
  }
  return last;
}

/** What the test projections' tables must hold, computed from the log itself (not by the projections). */
export async function expectedRows(store: EventStore, options: { skipPositions?: ReadonlySet<number> } = {}) {
  const counts = new Map<string, { events: number; sum_n: number }>();
  const last = new Map<string, { last_type: string; last_position: number; seen: number }>();
  for (let from = 0; ; ) {
    const events = await store.readAll(from, 5000);
    if (events.length === 0) break;
    for (const e of events) {
      if ((e.type === 'Ping' || e.type === 'Pong') && !options.skipPositions?.has(e.globalPosition)) {
        const c = counts.get(e.stream) ?? { events: 0, sum_n: 0 };
        counts.set(e.stream, { events: c.events + 1, sum_n: c.sum_n + Number(e.data.n) });
      }
      const l = last.get(e.stream);
      last.set(e.stream, { last_type: e.type, last_position: e.globalPosition, seen: (l?.seen ?? 0) + 1 });
    }
    from = events[events.length - 1].globalPosition;
  }
  const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([stream, v]) => ({ stream, ...v }));
  return { counts: sorted(counts), last: sorted(last) };
}

export async function tableRows(pool: Pool, schema: string, table: 'test_stream_counts' | 'test_last_event') {
  const { rows } = await pool.query(`SELECT * FROM "${schema}".${table} ORDER BY stream`);
  return rows;
}

/**
 * Rows of `table` in one schema but not the other (EXCEPT ALL both ways) over `columns` (default: all columns).
 * Empty both ways and equal counts = row-for-row identical.
 */
export async function tableDifference(pool: Pool, a: string, b: string, table: string, columns = '*') {
  const { rows } = await pool.query<{ only_a: number; only_b: number; count_a: number; count_b: number }>(
    `SELECT (SELECT count(*) FROM (SELECT ${columns} FROM "${a}".${table} EXCEPT ALL SELECT ${columns} FROM "${b}".${table}) x)::int AS only_a,
            (SELECT count(*) FROM (SELECT ${columns} FROM "${b}".${table} EXCEPT ALL SELECT ${columns} FROM "${a}".${table}) x)::int AS only_b,
            (SELECT count(*) FROM "${a}".${table})::int AS count_a,
            (SELECT count(*) FROM "${b}".${table})::int AS count_b`,
  );
  return rows[0];
}
