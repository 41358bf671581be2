import type { Projection } from './projection';
import { randomBytes, appendTestEvents, counterProjection, emitterProjection, eventLogProjection, expectedRows, lastEventProjection, switches, tableDifference, tableRows, TEST_OUTBOX_SQL, environment, runner, sleep, checkpoints } from './testing/runner-environment';

describe('ProjectionRunner rebuild', () => {
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

  it('keeps index and constraint names, and builds the read-only indexes after the replay, before the swap', async () => {
    const env = await environment();
    await env.db.pool.query(`
      CREATE INDEX test_event_log_by_type ON read_models.test_event_log (type) INCLUDE (position) WHERE type <> 'Other';
      CREATE INDEX test_event_log_written_each_batch ON read_models.test_event_log (position DESC);
      ALTER TABLE read_models.test_event_log RENAME CONSTRAINT test_event_log_position_key TO test_event_log_one_row_per_position`);
    const indexes = async (schema: string) =>
      (
        await env.db.pool.query<{ name: string; def: string }>(
          `SELECT indexname AS name, replace(indexdef, $1, 'S.') AS def FROM pg_indexes WHERE schemaname = $2 AND tablename = 'test_event_log' ORDER BY 1`,
          [`${schema}.`, schema],
        )
      ).rows;
    const before = await indexes('read_models');
    expect(before.map((i) => i.name)).toEqual([
      'test_event_log_by_type',
      'test_event_log_one_row_per_position',
      'test_event_log_pkey',
      'test_event_log_written_each_batch',
    ]);
    const head = await appendTestEvents(env.store, 1500, { streams: 20 });
    const duringReplay: string[][] = [];
    const sw = switches({
      onApply: async (_events, { schema }) => {
        if (schema !== 'read_models') duringReplay.push((await indexes(schema)).map((i) => i.name));
      },
    });
    const projection = { ...eventLogProjection(sw), readIndexes: ['test_event_log_by_type', 'no_such_index'] };

    const result = await runner(env, [projection], { batchSize: 500 }).rebuild();
    expect(result).toMatchObject({ swapped: true, position: head });
    expect(duringReplay.length).toBeGreaterThan(1);
    for (const names of duringReplay) {
      expect(names).toEqual(['test_event_log_one_row_per_position', 'test_event_log_pkey', 'test_event_log_written_each_batch']);
    }
    expect(await indexes('read_models')).toEqual(before);
    const { rows: log } = await env.db.pool.query<{ rows: number; unmatched: number }>(
      `SELECT count(l.position)::int AS rows, count(*) FILTER (WHERE l.position IS NULL OR e.global_position IS NULL)::int AS unmatched
         FROM read_models.test_event_log l
         FULL JOIN (SELECT global_position, type FROM event_store.events WHERE type IN ('Ping', 'Other')) e
           ON e.global_position = l.position AND e.type = l.type`,
    );
    expect(log[0].rows).toBeGreaterThan(500);
    expect(log[0].unmatched).toBe(0);
    // The unique constraint still holds under its own name after the swap.
    await expect(env.db.pool.query(`INSERT INTO read_models.test_event_log (position, type) VALUES (1, 'Ping')`)).rejects.toThrow(
      /test_event_log_one_row_per_position/,
    );
  });

  it('marks the replay (context.replay) and calls finishReplay once on the finished scratch tables, before the tail', async () => {
    const env = await environment();
    const head = await appendTestEvents(env.store, 1200, { streams: 10 });
    const seen: { schema: string; replay: boolean }[] = [];
    const finished: { schema: string; replay: boolean; rows: number }[] = [];
    const sw = switches({ onApply: async (_events, { schema, replay }) => void seen.push({ schema, replay: replay === true }) });
    const projection: Projection = {
      ...eventLogProjection(sw),
      async finishReplay({ client, schema, replay }) {
        const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".test_event_log`);
        finished.push({ schema, replay: replay === true, rows: rows[0].n });
        // Appended after the replay: the swap's tail, which applies incrementally.
        await appendTestEvents(env.store, 30, { first: 5000, streams: 10 });
      },
    };

    const result = await runner(env, [projection], { batchSize: 300 }).rebuild();
    expect(result.swapped).toBe(true);
    expect(result.position).toBe(head + 30);
    expect(finished).toEqual([{ schema: expect.stringMatching(/^read_models_rebuild_\d+$/), replay: true, rows: 800 }]);
    const replayed = seen.filter((s) => s.replay);
    expect(replayed.length).toBeGreaterThan(1);
    expect(replayed.every((s) => s.schema === finished[0].schema)).toBe(true);
    const tail = seen.slice(replayed.length);
    expect(tail.length).toBeGreaterThan(0);
    expect(tail.every((s) => !s.replay && s.schema === finished[0].schema)).toBe(true);
    const { rows } = await env.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM read_models.test_event_log`);
    expect(rows[0].n).toBe(820);
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
