import { Client, type Notification } from 'pg';
import { runMigrations } from '@klantcentraal/postgres';
import type { TestDatabase } from '@klantcentraal/testing';
import { MESSAGING_MIGRATIONS } from './messaging.migrations';
import { INSIGHTS_CHANNEL, OUTBOX_COLUMNS, outboxRowFrom, writeInsights, type OutboxInsight } from './outbox';
import { createOutboxDatabase, insightFor, newRun } from './testing/outbox-fixtures';

describe('insight outbox (feed.insight_outbox)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createOutboxDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  const rowsOf = async (run: string) =>
    (
      await db.pool.query(`SELECT ${OUTBOX_COLUMNS}, sent_at, attempts FROM feed.insight_outbox WHERE id LIKE $1 ORDER BY seq`, [
        `${run}-%`,
      ])
    ).rows;

  it('lives in its own schema `feed`, and running the migrations again changes nothing', async () => {
    expect(await runMigrations(db.url, MESSAGING_MIGRATIONS)).toEqual([]);
    const { rows } = await db.pool.query(
      `SELECT table_schema FROM information_schema.tables WHERE table_name = 'insight_outbox'`,
    );
    expect(rows).toEqual([{ table_schema: 'feed' }]);
  });

  it('stores insights unsent, in the order given, with every field', async () => {
    const run = newRun();
    const insights = [5, 2, 9, 1].map((n) => insightFor(run, n));

    expect(await writeInsights(db.pool, insights)).toBe(4);

    const rows = await rowsOf(run);
    expect(rows.map((r) => r.id)).toEqual(insights.map((i) => i.id));
    expect(rows.map(outboxRowFrom).map(({ seq: _seq, ...rest }) => rest)).toEqual(
      insights.map((i) => ({ ...i, accountManager: i.accountManager ?? null })),
    );
    expect(rows.every((r) => r.sent_at === null && r.attempts === 0)).toBe(true);
    const seqs = rows.map((r) => Number(r.seq));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('is idempotent by id: a replayed insight is not stored again and the stored one does not change', async () => {
    const run = newRun();
    const first = [insightFor(run, 1), insightFor(run, 2)];
    await writeInsights(db.pool, first);

    const replayed: OutboxInsight = { ...first[0], data: { score: 99 } }; // same id, different content
    expect(await writeInsights(db.pool, [replayed, first[1], insightFor(run, 3)])).toBe(1);
    // The same id twice within one batch is stored once too.
    expect(await writeInsights(db.pool, [insightFor(run, 4), insightFor(run, 4)])).toBe(1);

    const rows = await rowsOf(run);
    expect(rows.map((r) => r.id)).toEqual([`${run}-1`, `${run}-2`, `${run}-3`, `${run}-4`]);
    expect(rows[0].data).toEqual(first[0].data);
  });

  it('notifies kc_insights on commit only, with the highest seq written; not on rollback, not when nothing is new', async () => {
    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    const received: Notification[] = [];
    listener.on('notification', (n) => received.push(n));
    await listener.query(`LISTEN ${INSIGHTS_CHANNEL}`);
    const settle = () => new Promise((r) => setTimeout(r, 300));
    try {
      const run = newRun();
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        await writeInsights(client, [insightFor(run, 1), insightFor(run, 2)]);
        await settle();
        expect(received).toHaveLength(0); // not before the commit

        await client.query('COMMIT');
        await settle();
        const rows = await rowsOf(run);
        expect(received.map((n) => n.payload)).toEqual([String(rows[1].seq)]);

        await client.query('BEGIN');
        await writeInsights(client, [insightFor(run, 3)]);
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
      await writeInsights(db.pool, [insightFor(run, 1)]); // already stored
      await settle();
      expect(received).toHaveLength(1);
      expect((await rowsOf(run)).map((r) => r.id)).toEqual([`${run}-1`, `${run}-2`]);
    } finally {
      await listener.end();
    }
  });

  it('rejects an insight it could not publish faithfully, and stores nothing of that batch', async () => {
    const run = newRun();
    await expect(writeInsights(db.pool, [insightFor(run, 1), { ...insightFor(run, 2), type: 'CustomerAtRisk' }])).rejects.toThrow(
      /kebab-case/,
    );
    await expect(writeInsights(db.pool, [{ ...insightFor(run, 3), time: 'yesterday' }])).rejects.toThrow(/ISO timestamp/);
    expect(await rowsOf(run)).toEqual([]);
  });

  it('writes nothing for an empty batch', async () => {
    expect(await writeInsights(db.pool, [])).toBe(0);
  });
});
