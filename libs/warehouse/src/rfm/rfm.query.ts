import { typeKeyOf } from '../reference-dimensions/reference-dimensions';
import { analysisQuery, qualified, TABLES, WAREHOUSE_SCHEMA, type Queryable } from '../warehouse-schema';

/**
 * `GET /v1/warehouse/rfm`: recency, frequency and monetary value of every customer who purchased by `asOf`, with
 * quintile scores 1–5 (5 = best: most recent, most purchases, highest spend).
 *
 * - recencyDays: whole days from the latest purchase to `asOf`;
 * - frequency: purchases (PurchaseMade events) that occurred by `asOf`;
 * - monetary: the sum of their totals (as recorded; amounts in different currencies are not converted);
 * - score = ceil(5 × cume_dist) over the customers ordered from worst to best, so equal values get equal scores and
 *   the scores split the customers into fifths (e.g. 10 customers with distinct values: two per score).
 * - segment: champions (r ≥ 4, f ≥ 4), loyal (f ≥ 4), new (r ≥ 4, f ≤ 2), at-risk (r ≤ 2, f ≥ 3), hibernating
 *   (r ≤ 2, f ≤ 2), else needs-attention — the first that matches.
 */
export const RFM_SEGMENTS = ['champions', 'loyal', 'new', 'at-risk', 'hibernating', 'needs-attention'] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export type RfmRow = {
  customerId: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  segment: RfmSegment;
};

export function rfmSegment(r: number, f: number): RfmSegment {
  if (r >= 4 && f >= 4) return 'champions';
  if (f >= 4) return 'loyal';
  if (r >= 4 && f <= 2) return 'new';
  if (r <= 2 && f >= 3) return 'at-risk';
  if (r <= 2 && f <= 2) return 'hibernating';
  return 'needs-attention';
}

export async function rfmScores(db: Queryable, query: Readonly<{ asOf: string }>): Promise<{ asOf: string; rows: RfmRow[] }> {
  const asOf = new Date(query.asOf).toISOString();
  const { rows } = await analysisQuery<{
    customer_id: string;
    recency_days: number;
    frequency: number;
    monetary: number;
    r: number;
    f: number;
    m: number;
  }>(
    db,
    `WITH purchases AS (
       SELECT customer_id, floor(extract(epoch FROM $1::timestamptz - max(occurred_at)) / 86400)::int AS recency_days,
              count(*)::int AS frequency, COALESCE(sum(amount), 0) AS monetary
         FROM ${qualified(WAREHOUSE_SCHEMA, TABLES.factTouchpoint)}
        WHERE type_key = ${typeKeyOf('PurchaseMade')} AND occurred_at <= $1
        GROUP BY customer_id),
     counted AS (SELECT *, count(*) OVER () AS n FROM purchases)
     -- ceil(5 × cume_dist) in integer arithmetic: count(*) OVER (ORDER BY …) counts the rows up to and including
     -- the current one's peers, i.e. cume_dist × n.
     SELECT customer_id, recency_days, frequency, monetary,
            ((5 * count(*) OVER (ORDER BY recency_days DESC) + n - 1) / n)::int AS r,
            ((5 * count(*) OVER (ORDER BY frequency) + n - 1) / n)::int AS f,
            ((5 * count(*) OVER (ORDER BY monetary) + n - 1) / n)::int AS m
       FROM counted
      ORDER BY customer_id`,
    [asOf],
  );
  return {
    asOf,
    rows: rows.map((row) => ({
      customerId: row.customer_id,
      recencyDays: Number(row.recency_days),
      frequency: Number(row.frequency),
      monetary: Number(row.monetary),
      r: row.r,
      f: row.f,
      m: row.m,
      segment: rfmSegment(row.r, row.f),
    })),
  };
}
