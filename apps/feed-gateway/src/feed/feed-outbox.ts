/**
 * What the gateway reads from `feed.insight_outbox` (libs/messaging): the feed's history and order. `seq` is the
 * order the projector wrote the insights in; its writers (projection batches, the insight timer) serialise on the
 * read-model schema lock, so rows become visible in `seq` order and "every row after seq n" never misses one.
 */
import type { Pool } from 'pg';
import { OUTBOX_COLUMNS, outboxRowFrom, toCloudEvent, type OutboxRow } from '@klantcentraal/messaging';
import type { FeedFilter, FeedItem } from './feed-filter';

export const feedItemOf = (row: OutboxRow): FeedItem => ({
  seq: row.seq,
  id: row.id,
  type: row.type,
  accountManager: row.accountManager,
  cloudEvent: JSON.stringify(toCloudEvent(row)),
});

/** The `seq` of the insight with this CloudEvent id, or null when the outbox does not hold it. */
export async function seqOf(pool: Pool, id: string): Promise<number | null> {
  const { rows } = await pool.query<{ seq: string }>(`SELECT seq FROM feed.insight_outbox WHERE id = $1`, [id]);
  return rows.length === 0 ? null : Number(rows[0].seq);
}

/** `seq` → CloudEvent id, for the given ids the outbox holds. */
export async function seqsOf(pool: Pool, ids: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ id: string; seq: string }>(`SELECT id, seq FROM feed.insight_outbox WHERE id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((row) => [row.id, Number(row.seq)]));
}

/** The insights after `afterSeq` (up to `toSeq` when given) matching the filter, in `seq` order, at most `limit`. */
export async function outboxItems(
  pool: Pool,
  afterSeq: number,
  filter: FeedFilter,
  limit: number,
  toSeq: number | null = null,
): Promise<FeedItem[]> {
  const { rows } = await pool.query(
    `SELECT ${OUTBOX_COLUMNS} FROM feed.insight_outbox
      WHERE seq > $1 AND ($2::bigint IS NULL OR seq <= $2)
        AND ($3::text IS NULL OR account_manager = $3) AND ($4::text[] IS NULL OR type = ANY($4::text[]))
      ORDER BY seq LIMIT $5`,
    [afterSeq, toSeq, filter.accountManager, filter.types, limit],
  );
  return rows.map((row) => feedItemOf(outboxRowFrom(row)));
}

/** The highest `seq` in the outbox (0 when empty). */
export async function lastSeq(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ seq: string }>(`SELECT COALESCE(max(seq), 0) AS seq FROM feed.insight_outbox`);
  return Number(rows[0].seq);
}

/** Everything up to here has been published to the broker: just before the oldest unsent row, else the last row. */
export async function lastPublishedSeq(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ seq: string }>(
    `SELECT COALESCE((SELECT min(seq) - 1 FROM feed.insight_outbox WHERE sent_at IS NULL), (SELECT max(seq) FROM feed.insight_outbox), 0) AS seq`,
  );
  return Number(rows[0].seq);
}
