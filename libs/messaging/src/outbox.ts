import type { Pool, PoolClient } from 'pg';

/** The channel `writeInsights` notifies on commit; the payload is the highest `seq` the transaction wrote. */
export const INSIGHTS_CHANNEL = 'kc_insights';

/**
 * What the outbox stores: structurally the domain's `Insight` (libs/domain/src/insights), so the projector passes
 * the rules' output as is. `type` is the kebab-case insight name (`customer-at-risk`); `time` an ISO timestamp;
 * `data` ids, codes, numbers and timestamps only (the rules guarantee that, the outbox does not inspect it).
 */
export type OutboxInsight = {
  readonly id: string;
  readonly type: string;
  readonly customerId: string;
  readonly time: string;
  readonly globalPosition: number;
  readonly accountManager: string | null | undefined;
  readonly data: Readonly<Record<string, unknown>>;
  /** W3C trace context the relay's publish span continues (not part of the message body); absent: untraced. */
  readonly traceparent?: string | null;
};

/** One stored outbox row, as the relay and the SSE feed read it. */
export type OutboxRow = {
  seq: number;
  id: string;
  type: string;
  customerId: string;
  time: string;
  globalPosition: number;
  accountManager: string | null;
  data: Record<string, unknown>;
};

type Queryable = Pool | PoolClient;

const INSIGHT_TYPE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Adds insights to the outbox in one set-based statement; meant to run inside the projector's batch transaction,
 * so insights are stored exactly when the read-model rows and checkpoint that produced them are.
 *
 * Idempotent by `id`: a replay, a rebuild or a redelivered batch re-deriving the same insight inserts nothing (the
 * stored row, and so what consumers see, never changes). Rows get `seq` in the order given. When anything was
 * inserted it also notifies `kc_insights`, which PostgreSQL delivers on commit (and never on rollback).
 *
 * Returns how many insights were new.
 */
export async function writeInsights(client: Queryable, insights: readonly OutboxInsight[]): Promise<number> {
  if (insights.length === 0) return 0;
  for (const insight of insights) assertStorable(insight);
  const payload = JSON.stringify(
    insights.map((i) => ({
      id: i.id,
      type: i.type,
      customerId: i.customerId,
      time: i.time,
      globalPosition: i.globalPosition,
      accountManager: i.accountManager ?? null,
      data: i.data,
      traceparent: i.traceparent ?? null,
    })),
  );
  const { rows } = await client.query<{ inserted: number }>(
    `WITH inserted AS (
       INSERT INTO feed.insight_outbox (id, customer_id, type, time, global_position, account_manager, data, traceparent)
       SELECT e.doc ->> 'id', e.doc ->> 'customerId', e.doc ->> 'type', (e.doc ->> 'time')::timestamptz,
              (e.doc ->> 'globalPosition')::bigint, e.doc ->> 'accountManager', e.doc -> 'data', e.doc ->> 'traceparent'
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(doc, ord)
        ORDER BY e.ord
       ON CONFLICT (id) DO NOTHING
       RETURNING seq
     )
     SELECT count(*)::int AS inserted,
            CASE WHEN count(*) > 0 THEN pg_notify('${INSIGHTS_CHANNEL}', max(seq)::text) END AS notified
       FROM inserted`,
    [payload],
  );
  return rows[0].inserted;
}

function assertStorable(i: OutboxInsight): void {
  const problem = storageProblem(i);
  if (problem) throw new TypeError(`insight ${JSON.stringify(i.id)} cannot go to the outbox: ${problem}`);
}

function storageProblem(i: OutboxInsight): string | undefined {
  if (typeof i.id !== 'string' || i.id.length === 0) return 'id must be a non-empty string';
  if (!INSIGHT_TYPE.test(i.type)) return `type must be a kebab-case insight name, got ${JSON.stringify(i.type)}`;
  if (typeof i.customerId !== 'string' || i.customerId.length === 0) return 'customerId must be a non-empty string';
  if (Number.isNaN(Date.parse(i.time))) return `time must be an ISO timestamp, got ${JSON.stringify(i.time)}`;
  if (!Number.isSafeInteger(i.globalPosition) || i.globalPosition < 0) {
    return `globalPosition must be a non-negative integer, got ${i.globalPosition}`;
  }
  if (i.data === null || typeof i.data !== 'object' || Array.isArray(i.data)) return 'data must be an object';
  return undefined;
}

/** Maps a `feed.insight_outbox` row selected with OUTBOX_COLUMNS. */
export function outboxRowFrom(r: {
  seq: number | string;
  id: string;
  type: string;
  customer_id: string;
  time: Date;
  global_position: number | string;
  account_manager: string | null;
  data: Record<string, unknown>;
}): OutboxRow {
  return {
    seq: Number(r.seq),
    id: r.id,
    type: r.type,
    customerId: r.customer_id,
    time: r.time.toISOString(),
    globalPosition: Number(r.global_position),
    accountManager: r.account_manager,
    data: r.data,
  };
}

/** The columns `outboxRowFrom` maps. */
export const OUTBOX_COLUMNS = 'seq, id, type, customer_id, time, global_position, account_manager, data';

/** Insights written to the outbox and not yet published (`klantcentraal_outbox_backlog`; uses the unsent index). */
export async function outboxBacklog(client: Queryable): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM feed.insight_outbox WHERE sent_at IS NULL`);
  return rows[0].n;
}
