import { ProjectionLagError, waitForCheckpoints, appendTestEvents, counterProjection, expectedRows, lastEventProjection, switches, tableRows, environment, runner, sleep, checkpoints } from './testing/runner-environment';

describe('ProjectionRunner', () => {
  it('catches up from the checkpoints in large batches, then follows the log live (each new event applied without a restart)', async () => {
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

    // Live: append one event at a time; each must become visible to an ordinary reader. The latency is printed, not
    // asserted (the benchmark's projectionLag measures it).
    const latencies: number[] = [];
    for (let i = 0; i < 15; i++) {
      const started = Date.now();
      const position = await appendTestEvents(env.store, 1, { first: 30_000 + i * 3, streams: 7 }); // a Ping to s-<k>
      for (;;) {
        const { rows } = await env.db.pool.query('SELECT last_position FROM read_models.test_last_event WHERE last_position = $1', [position]);
        if (rows.length) break;
        if (Date.now() - started > 30_000) throw new Error(`event ${position} not visible after 30 s`);
        await sleep(2);
      }
      latencies.push(Date.now() - started);
    }
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)];
    console.log(`live latency append → visible: median ${median} ms, max ${latencies[latencies.length - 1]} ms`);
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
});
