import { randomBytes } from 'node:crypto';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { runMigrations } from '@klantcentraal/postgres';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import type { Projection } from './projection';
import { ProjectionLagError } from './projection-lag.error';
import { ProjectionRunner, type ProjectionRunnerOptions, type ProjectorLogger } from './projection-runner';
import { PROJECTION_RUNNER_MIGRATIONS } from './projection-runner.migrations';
import { waitForCheckpoints } from './wait-for-position';
import {
  appendTestEvents,
  counterProjection,
  emitterProjection,
  eventLogProjection,
  expectedRows,
  lastEventProjection,
  switches,
  tableDifference,
  tableRows,
  TEST_OUTBOX_SQL,
  TEST_TABLES_SQL,
} from './testing/test-projections';

type Env = { db: TestDatabase; store: PostgresEventStore; logs: string[]; logger: ProjectorLogger; runners: ProjectionRunner[] };

const envs: Env[] = [];

async function environment(): Promise<Env> {
  const db = await createTestDatabase('kc_projections');
  await runMigrations(db.url, [...EVENT_STORE_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS]);
  await db.pool.query(TEST_TABLES_SQL);
  const store = new PostgresEventStore(db.pool, { pollIntervalMs: 200 });
  const logs: string[] = [];
  const logger: ProjectorLogger = {
    log: (m) => logs.push(`log ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    error: (m) => logs.push(`error ${m}`),
  };
  const env = { db, store, logs, logger, runners: [] };
  envs.push(env);
  return env;
}

function runner(env: Env, projections: Projection[], options: Partial<ProjectionRunnerOptions> = {}): ProjectionRunner {
  const r = new ProjectionRunner({ pool: env.db.pool, store: env.store, projections, logger: env.logger, ...options });
  env.runners.push(r);
  return r;
}

afterEach(async () => {
  for (const env of envs.splice(0)) {
    await Promise.all(env.runners.map((r) => r.stop()));
    await env.store.close();
    await env.db.drop();
  }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function checkpoints(env: Env, schema = 'read_models') {
  const { rows } = await env.db.pool.query(`SELECT projection, position FROM "${schema}".checkpoints ORDER BY projection`);
  return Object.fromEntries(rows.map((r) => [r.projection, Number(r.position)]));
}

describe('ProjectionRunner', () => {
  it('catches up from the checkpoints in large batches, then follows the log live with low latency', async () => {
    const env = await environment();
    const head = await appendTestEvents(env.store, 12_000, { streams: 300 });
    const counter = switches();
    const r = runner(env, [counterProjection(counter), lastEventProjection()], { batchSize: 1000 });
    r.start();
    await r.waitForPosition(head, 60_000);
    const expected = await expectedRows(env.store);
    expect(await tableRows(env.db.pool, 'read_models', 'test_stream_counts')).toEqual(expected.counts);
    expect(await tableRows(env.db.pool, 'read_models', 'test_last_event')).toEqual(expected.last);
    expect(await checkpoints(env)).toEqual({ counter: head, 'last-event': head });
    expect(counter.calls).toBeLessThanOrEqual(13); // 12 batches of 1000 (+ at most one live batch), not one call per event
    expect(r.readiness()).toMatchObject({ ready: true, running: true, caughtUp: true, position: head });

    // Live: append one event at a time and time until its row is visible to an ordinary reader.
    const latencies: number[] = [];
    for (let i = 0; i < 15; i++) {
      const started = Date.now();
      const position = await appendTestEvents(env.store, 1, { first: 30_000 + i * 3, streams: 7 }); // a Ping to s-<k>
      for (;;) {
        const { rows } = await env.db.pool.query('SELECT last_position FROM read_models.test_last_event WHERE last_position = $1', [position]);
        if (rows.length) break;
        if (Date.now() - started > 5000) throw new Error(`event ${position} not visible after 5 s`);
        await sleep(2);
      }
      latencies.push(Date.now() - started);
    }
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)];
    console.log(`live latency append → visible: median ${median} ms, max ${latencies[latencies.length - 1]} ms`);
    expect(median).toBeLessThan(100);
    const final = await expectedRows(env.store);
    expect(await tableRows(env.db.pool, 'read_models', 'test_stream_counts')).toEqual(final.counts);
  });

  it('re-reads from a checkpoint found below its read position (a projection reset by hand) instead of skipping events', async () => {
    const env = await environment();
    const head = await appendTestEvents(env.store, 3000, { streams: 30 });
    const r = runner(env, [counterProjection(), lastEventProjection()], { batchSize: 1000 });
    r.start();
    await r.waitForPosition(head, 30_000);
    // Reset the counter while the runner follows the log live: its rows and its checkpoint go.
    await env.db.pool.query(`BEGIN; TRUNCATE read_models.test_stream_counts; DELETE FROM read_models.checkpoints WHERE projection = 'counter'; COMMIT`);
    const next = await appendTestEvents(env.store, 10, { first: 3000, streams: 30 });
    await r.waitForPosition(next, 30_000);
    const expected = await expectedRows(env.store);
    expect(await tableRows(env.db.pool, 'read_models', 'test_stream_counts')).toEqual(expected.counts);
    expect(await tableRows(env.db.pool, 'read_models', 'test_last_event')).toEqual(expected.last);
    expect(env.logs.some((l) => l.includes('re-reading from 0'))).toBe(true);
  });

  it('commits rows and checkpoint together: a transaction killed mid-batch leaves nothing behind and nothing is counted twice', async () => {
    const env = await environment();
    const head = await appendTestEvents(env.store, 6000, { streams: 40 });
    let kills = 0;
    const sw = switches({
      onApply: async (events, { client }) => {
        // Kill the batch's connection from outside after the last-event rows of this batch were written
        // (last-event runs first), on three different batches.
        if (kills < 3 && events[0].globalPosition > kills * 1500 + 700) {
          kills += 1;
          const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
          await env.db.pool.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
        }
      },
    });
    const r = runner(env, [lastEventProjection(), counterProjection(sw)], { batchSize: 500, retryDelayMs: 5 });
    r.start();
    await r.waitForPosition(head, 60_000);
    expect(kills).toBe(3);
    // Each kill surfaced as a failed batch (connection lost: systemic, so retried from the checkpoints, never parked).
    expect(env.logs.filter((l) => l.startsWith('error projection batch failed')).length).toBeGreaterThanOrEqual(3);
    const expected = await expectedRows(env.store);
    expect(await tableRows(env.db.pool, 'read_models', 'test_stream_counts')).toEqual(expected.counts);
    expect(await tableRows(env.db.pool, 'read_models', 'test_last_event')).toEqual(expected.last);
    expect(await r.listParked()).toEqual([]);
    expect(r.readiness().lastError).toBeNull();
  });

  it('parks a poison event after bounded retries, for that projection only, and goes on; retryParked applies it after the fix', async () => {
    const env = await environment();
    const poisoned = new Set([301, 1501]); // indexes of Pongs (i % 3 == 1), both in stream s-1, in different batches
    const head = await appendTestEvents(env.store, 2000, { streams: 50, mark: (i) => (poisoned.has(i) ? { poison: true } : undefined) });
    const { rows: poisonRows } = await env.db.pool.query(
      `SELECT global_position, event_id, type FROM event_store.events WHERE data ? 'poison' ORDER BY global_position`,
    );
    expect(poisonRows).toHaveLength(2);
    const counter = switches({ poison: true });
    const r = runner(env, [counterProjection(counter), lastEventProjection()], { batchSize: 400, maxAttempts: 3, retryDelayMs: 5 });
    r.start();
    await r.waitForPosition(head, 30_000);

    const parked = await r.listParked();
    expect(parked).toEqual(
      poisonRows.map((row) =>
        expect.objectContaining({
          projection: 'counter',
          globalPosition: Number(row.global_position),
          eventId: row.event_id,
          eventType: row.type,
          attempts: 3,
          error: expect.stringContaining('poison event at'),
          retriedAt: null,
        }),
      ),
    );
    const skip = new Set(parked.map((p) => p.globalPosition));
    const expected = await expectedRows(env.store, { skipPositions: skip });
    expect(await tableRows(env.db.pool, 'read_models', 'test_stream_counts')).toEqual(expected.counts);
    // The other projection applied every event, the poison ones included.
    expect(await tableRows(env.db.pool, 'read_models', 'test_last_event')).toEqual(expected.last);
    expect(env.logs.filter((l) => l.includes('attempt'))).toHaveLength(3 * 2); // attempts 1–3 warned per poison batch, then isolated

    // The projector goes on: later events are applied too.
    const later = await appendTestEvents(env.store, 300, { first: 2000, streams: 50 });
    await r.waitForPosition(later, 10_000);
    const status = await r.status();
    expect(status.find((s) => s.projection === 'counter')).toMatchObject({ position: later, lagEvents: 0, parked: 2 });

    // Still broken: a retry fails, updating error and attempts.
    const failed = await r.retryParked('counter');
    expect(failed).toMatchObject({ retried: 2, succeeded: 0 });
    expect(failed.stillParked.map((p) => [p.attempts, p.retriedAt !== null])).toEqual([
      [4, true],
      [4, true],
    ]);

    // Fixed: both apply (counts are order-insensitive, so applying them late is right) and the rows are gone.
    counter.poison = false;
    const retried = await r.retryParked('counter');
    expect(retried).toEqual({ retried: 2, succeeded: 2, stillParked: [] });
    expect(await r.listParked()).toEqual([]);
    const full = await expectedRows(env.store);
    expect(await tableRows(env.db.pool, 'read_models', 'test_stream_counts')).toEqual(full.counts);
  });

  it('retries a parked event of an order-sensitive projection by replaying its stream in order (resetStreams)', async () => {
    const env = await environment();
    // Event 4 (type Pong, stream s-0 of 4 streams) is poison for last-event; stream s-0 gets later events after it.
    const head = await appendTestEvents(env.store, 400, { streams: 4, mark: (i) => (i === 4 ? { poisonLast: true } : undefined) });
    const sw = switches({ poison: true });
    const r = runner(env, [lastEventProjection(sw), counterProjection()], { batchSize: 100, retryDelayMs: 1 });
    r.start();
    await r.waitForPosition(head, 30_000);
    const [parked] = await r.listParked('last-event');
    expect(parked).toMatchObject({ eventType: 'Pong', stream: 's-0' });
    await r.retryParked('last-event', parked.globalPosition + 1); // no such parked event: nothing happens
    expect(await r.listParked()).toHaveLength(1);

    sw.poison = false;
    const result = await r.retryParked('last-event', parked.globalPosition);
    expect(result).toEqual({ retried: 1, succeeded: 1, stillParked: [] });
    const expected = await expectedRows(env.store);
    // Applied out of order, the old Pong would now be s-0's last type; replayed in order, it is not.
    expect(await tableRows(env.db.pool, 'read_models', 'test_last_event')).toEqual(expected.last);
    expect(expected.last.find((l) => l.stream === 's-0')!.last_type).not.toBe('Pong');
  });

  it('reports lag (events and age), Prometheus metrics and readiness; waitForPosition resolves or fails with ProjectionLagError', async () => {
    const env = await environment();
    const head = await appendTestEvents(env.store, 100, { streams: 5 });
    await sleep(300);
    const r = runner(env, [counterProjection(), lastEventProjection()], { batchSize: 1000 });
    expect(r.readiness()).toMatchObject({ ready: false, running: false });

    const behind = await r.status();
    expect(behind).toEqual([
      expect.objectContaining({ projection: 'counter', position: 0, headPosition: head, lagEvents: 100, parked: 0 }),
      expect.objectContaining({ projection: 'last-event', position: 0, headPosition: head, lagEvents: 100, parked: 0 }),
    ]);
    expect(behind[0].lagMs).toBeGreaterThanOrEqual(250);
    expect(behind[0].lagMs).toBeLessThan(60_000);
    const text = await r.metrics();
    expect(text).toContain('# TYPE klantcentraal_projection_lag_events gauge');
    expect(text).toContain('klantcentraal_projection_lag_events{projection="counter"} 100');
    const lagSeconds = Number(/klantcentraal_projection_lag_seconds\{projection="last-event"\} ([\d.]+)\n/.exec(text)?.[1]);
    expect(lagSeconds).toBeGreaterThanOrEqual(0.25);

    const lagError = await r.waitForPosition(head, 150).catch((e: unknown) => e);
    expect(lagError).toBeInstanceOf(ProjectionLagError);
    expect(lagError).toMatchObject({ code: 'projection-lag', position: head, reached: 0, timeoutMs: 150 });

    // A wait that starts before the projector does resolves once it has processed the position.
    const waiting = r.waitForPosition(head, 10_000);
    r.start();
    await waiting;
    expect(await r.status()).toEqual([
      { projection: 'counter', position: head, headPosition: head, lagEvents: 0, lagMs: 0, parked: 0 },
      { projection: 'last-event', position: head, headPosition: head, lagEvents: 0, lagMs: 0, parked: 0 },
    ]);
    expect(await r.metrics()).toContain('klantcentraal_projection_lag_seconds{projection="counter"} 0\n');
    expect(r.readiness()).toMatchObject({ ready: true, caughtUp: true });
    expect(r.isReady()).toBe(true);

    // Another process's view: a runner that is not started, or waitForCheckpoints, polls the checkpoints table.
    const reader = runner(env, [counterProjection(), lastEventProjection()]);
    await reader.waitForPosition(head, 1000);
    const next = await appendTestEvents(env.store, 10, { first: 100 });
    await reader.waitForPosition(next, 5000);
    await waitForCheckpoints(env.db.pool, next, { timeoutMs: 1000 });
    await waitForCheckpoints(env.db.pool, next, { projections: ['counter', 'last-event'], timeoutMs: 1000 });
    await expect(waitForCheckpoints(env.db.pool, next + 1, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'projection-lag', reached: next });
    await expect(waitForCheckpoints(env.db.pool, 1, { projections: ['not-registered'], timeoutMs: 50 })).rejects.toBeInstanceOf(ProjectionLagError);

    await r.stop();
    expect(r.readiness()).toMatchObject({ ready: false, running: false });
  });

  it('rebuilds from scratch into a scratch schema with exactly the rows incremental processing produced', async () => {
    const env = await environment();
    const head = await appendTestEvents(env.store, 5000, { streams: 121 });
    // Incremental, in small batches and with a few forced retries along the way.
    let failures = 0;
    const flaky = switches({
      onApply: async () => {
        if (failures < 2 && Math.random() < 0.2) {
          failures += 1;
          throw new Error('transient');
        }
      },
    });
    const live = runner(env, [counterProjection(flaky), lastEventProjection(), eventLogProjection()], { batchSize: 137, retryDelayMs: 1 });
    live.start();
    await live.waitForPosition(head, 60_000);
    await live.stop();

    const progress: number[] = [];
    const rebuilder = runner(env, [counterProjection(), lastEventProjection(), eventLogProjection()], { batchSize: 2000 });
    const result = await rebuilder.rebuild(undefined, { swap: false, progressIntervalMs: 0, onProgress: (p) => progress.push(p.position) });
    expect(result).toMatchObject({ swapped: false, position: head, events: head, projections: ['counter', 'last-event', 'event-log'] });
    expect(result.schema).toMatch(/^read_models_rebuild_\d+$/);
    expect(progress[progress.length - 1]).toBe(head);
    for (const [table, columns] of [
      ['test_stream_counts', '*'],
      ['test_last_event', '*'],
      ['test_event_log', 'position, type'],
      ['checkpoints', 'projection, position'],
    ]) {
      expect({ table, ...(await tableDifference(env.db.pool, 'read_models', result.schema, table, columns)) }).toEqual({
        table,
        only_a: 0,
        only_b: 0,
        count_a: expect.any(Number),
        count_b: expect.any(Number),
      });
    }
    const counts = await tableDifference(env.db.pool, 'read_models', result.schema, 'test_stream_counts');
    expect(counts.count_a).toBe(121);
    expect(counts.count_b).toBe(121);
    // The live schema was not touched.
    expect(await tableRows(env.db.pool, 'read_models', 'test_stream_counts')).toEqual((await expectedRows(env.store)).counts);
    await env.db.pool.query(`DROP SCHEMA "${result.schema}" CASCADE`);
  });

  it('rebuilds while serving: readers never see a missing table or partial data; the swap is atomic and the live runner continues', async () => {
    const env = await environment();
    const role = `kc_reader_${randomBytes(4).toString('hex')}`;
    await env.db.pool.query(`CREATE ROLE ${role}`);
    try {
      await env.db.pool.query(`GRANT USAGE ON SCHEMA read_models TO ${role}`);
      await env.db.pool.query(`GRANT SELECT ON read_models.test_stream_counts TO ${role}`);
      await env.db.pool.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA read_models GRANT SELECT ON TABLES TO ${role}`);
      // Something a migration might keep in the schema that no projection owns: it must survive the swap.
      await env.db.pool.query(`CREATE TABLE read_models.settings (k text PRIMARY KEY, v text); INSERT INTO read_models.settings VALUES ('a', 'b')`);
      await env.db.pool.query(`CREATE SEQUENCE read_models.standalone_seq START 41; SELECT nextval('read_models.standalone_seq')`);

      await appendTestEvents(env.store, 20_000, { streams: 200 });
      const slow = switches({ rebuildDelayMs: 15 });
      const projections = () => [counterProjection(slow), lastEventProjection(), eventLogProjection()];
      const live = runner(env, projections(), { batchSize: 500 });
      live.start();
      await live.waitForPosition(await env.store.headPosition(), 60_000);
      const { rows: before } = await env.db.pool.query(`SELECT 'read_models.settings'::regclass::oid AS oid`);

      // Writers keep appending and readers keep reading throughout.
      let stop = false;
      const writer = (async () => {
        for (let i = 0; !stop; i++) {
          await appendTestEvents(env.store, 30, { first: 20_000 + i * 30, streams: 200 });
          await sleep(20);
        }
      })();
      const samples: { total: number; streams: number }[] = [];
      const readerErrors: unknown[] = [];
      const reader = (async () => {
        const client = await env.db.pool.connect();
        try {
          while (!stop) {
            try {
              // A named (prepared) statement: its plan must follow the swap, not keep reading the old table.
              const { rows } = await client.query({
                name: 'kc_test_reader',
                text: 'SELECT count(*)::int AS streams, coalesce(sum(events), 0)::int AS total FROM read_models.test_stream_counts',
              });
              samples.push(rows[0]);
            } catch (err) {
              readerErrors.push(err);
            }
            await sleep(1);
          }
        } finally {
          client.release();
        }
      })();

      const phases: string[] = [];
      const result = await runner(env, projections(), { batchSize: 500 }).rebuild(undefined, {
        progressIntervalMs: 50,
        onProgress: (p) => phases.push(p.phase),
      });
      const afterSwap = await appendTestEvents(env.store, 30, { first: 900_000, streams: 200 });
      await live.waitForPosition(afterSwap, 10_000);
      stop = true;
      await Promise.all([writer, reader]);

      expect(result).toMatchObject({ swapped: true, schema: 'read_models' });
      expect(phases).toContain('replay');
      expect(phases.slice(-2)).toEqual(['swap', 'done']);
      expect(readerErrors).toEqual([]);
      expect(samples.length).toBeGreaterThan(50);
      for (let i = 1; i < samples.length; i++) {
        // Counts only grow: a partial (rebuilding) table would show fewer.
        expect(samples[i].total).toBeGreaterThanOrEqual(samples[i - 1].total);
        expect(samples[i].streams).toBe(200);
      }

      const head = await env.store.headPosition();
      await live.waitForPosition(head, 10_000);
      const expected = await expectedRows(env.store);
      expect(await tableRows(env.db.pool, 'read_models', 'test_stream_counts')).toEqual(expected.counts);
      expect(await tableRows(env.db.pool, 'read_models', 'test_last_event')).toEqual(expected.last);
      const { rows: log } = await env.db.pool.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, count(DISTINCT ident)::int AS idents FROM read_models.test_event_log');
      const { rows: want } = await env.db.pool.query(`SELECT count(*)::int AS n FROM event_store.events WHERE type IN ('Ping', 'Other')`);
      expect(log[0]).toEqual({ n: want[0].n, ids: want[0].n, idents: want[0].n }); // serial + identity kept working after the swap

      // Everything else came along; scratch and old schemas are gone; privileges survived.
      const { rows: schemas } = await env.db.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'read_models%' ORDER BY 1`);
      expect(schemas.map((s) => s.nspname)).toEqual(['read_models']);
      const { rows: after } = await env.db.pool.query(`SELECT 'read_models.settings'::regclass::oid AS oid, (SELECT v FROM read_models.settings) AS v`);
      expect(after[0]).toEqual({ oid: before[0].oid, v: 'b' }); // moved, not copied
      const { rows: seq } = await env.db.pool.query(`SELECT nextval('read_models.standalone_seq')::int AS v`);
      expect(seq[0].v).toBe(42);
      const { rows: privileges } = await env.db.pool.query(
        `SELECT has_schema_privilege($1, 'read_models', 'USAGE') AS usage,
                has_table_privilege($1, 'read_models.test_stream_counts', 'SELECT') AS counts,
                has_table_privilege($1, 'read_models.test_last_event', 'SELECT') AS last`,
        [role],
      );
      expect(privileges[0]).toEqual({ usage: true, counts: true, last: false });
    } finally {
      await env.db.pool.query(`DROP OWNED BY ${role}`);
      await env.db.pool.query(`DROP ROLE ${role}`);
    }
  });

  it('rebuilds only the named projections: the others keep their tables, checkpoints and parked events', async () => {
    const env = await environment();
    const head = await appendTestEvents(env.store, 3000, { streams: 30, mark: (i) => (i === 10 ? { poison: true } : undefined) });
    const live = runner(env, [counterProjection(switches({ poison: true })), lastEventProjection()], { batchSize: 700, retryDelayMs: 1 });
    live.start();
    await live.waitForPosition(head, 30_000);
    await live.stop();
    const { rows: oids } = await env.db.pool.query(`SELECT 'read_models.test_stream_counts'::regclass::oid AS counts`);
    const countsBefore = await tableRows(env.db.pool, 'read_models', 'test_stream_counts');
    // Corrupt the last-event rows: the rebuild must restore them.
    await env.db.pool.query(`UPDATE read_models.test_last_event SET seen = -1`);

    const result = await runner(env, [counterProjection(), lastEventProjection()]).rebuild(['last-event']);
    expect(result).toMatchObject({ projections: ['last-event'], swapped: true, position: head });
    const { rows: after } = await env.db.pool.query(`SELECT 'read_models.test_stream_counts'::regclass::oid AS counts`);
    expect(after[0].counts).toBe(oids[0].counts);
    expect(await tableRows(env.db.pool, 'read_models', 'test_stream_counts')).toEqual(countsBefore);
    expect(await tableRows(env.db.pool, 'read_models', 'test_last_event')).toEqual((await expectedRows(env.store)).last);
    expect(await checkpoints(env)).toEqual({ counter: head, 'last-event': head });
    expect((await live.listParked()).map((p) => p.projection)).toEqual(['counter']);

    await expect(runner(env, [counterProjection()]).rebuild(['nope'])).rejects.toThrow('unknown projection(s): nope');
  });

  it('keeps shared tables (the outbox seam): a rebuild does not emit history again, and the tail is emitted once, live', async () => {
    const env = await environment();
    await env.db.pool.query(TEST_OUTBOX_SQL);
    await appendTestEvents(env.store, 900, { streams: 9 });
    const live = runner(env, [emitterProjection(), counterProjection()], { batchSize: 200 });
    live.start();
    await live.waitForPosition(await env.store.headPosition(), 30_000);
    await live.stop();
    const tail = await appendTestEvents(env.store, 90, { first: 900, streams: 9 }); // not yet seen by the live runner
    const { rows: before } = await env.db.pool.query(`SELECT 'read_models.test_outbox'::regclass::oid AS oid`);

    const result = await runner(env, [emitterProjection(), counterProjection()], { batchSize: 200 }).rebuild(['emitter']);
    expect(result).toMatchObject({ swapped: true, position: tail });
    const { rows } = await env.db.pool.query(
      `SELECT (SELECT count(*)::int FROM read_models.test_outbox) AS outbox,
              (SELECT count(*)::int FROM event_store.events WHERE type = 'Ping') AS pings,
              (SELECT sum(pings)::int FROM read_models.test_emitted) AS counted,
              'read_models.test_outbox'::regclass::oid AS oid`,
    );
    expect(rows[0]).toEqual({ outbox: 330, pings: 330, counted: 330, oid: before[0].oid });
  });

  it('retries the swap when a long query holds a table that has to move, and keeps the replay', async () => {
    const env = await environment();
    const head = await appendTestEvents(env.store, 500, { streams: 10 });
    await env.db.pool.query(`CREATE TABLE read_models.settings (k text PRIMARY KEY)`);
    const longReader = await env.db.pool.connect();
    await longReader.query(`BEGIN; SELECT * FROM read_models.settings`); // holds ACCESS SHARE until it ends
    // Let go only once the swap has timed out on the lock at least once: a fixed delay races the replay's speed.
    const released = (async () => {
      const deadline = Date.now() + 60_000;
      while (!env.logs.some((l) => l.includes('timed out waiting for a lock')) && Date.now() < deadline) await sleep(20);
      await longReader.query('COMMIT');
    })();
    try {
      const result = await runner(env, [counterProjection(), lastEventProjection()]).rebuild(undefined, { swapLockTimeoutMs: 200 });
      expect(result).toMatchObject({ swapped: true, position: head });
      expect(env.logs.filter((l) => l.includes('timed out waiting for a lock')).length).toBeGreaterThanOrEqual(1);
    } finally {
      await released;
      longReader.release();
    }
    expect(await tableRows(env.db.pool, 'read_models', 'test_last_event')).toEqual((await expectedRows(env.store)).last);
  });

  it('refuses to rebuild a schema holding objects a swap cannot carry, and changes nothing', async () => {
    const env = await environment();
    await appendTestEvents(env.store, 10);
    await env.db.pool.query(`CREATE VIEW read_models.counts_view AS SELECT * FROM read_models.test_stream_counts`);
    const r = runner(env, [counterProjection()]);
    await expect(r.rebuild()).rejects.toThrow(/cannot carry these objects of schema read_models through the swap: view counts_view/);
    const { rows } = await env.db.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'read_models%'`);
    expect(rows.map((s) => s.nspname)).toEqual(['read_models']);
  });
});
