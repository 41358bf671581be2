import { typeKeyOf } from '../reference-dimensions/reference-dimensions';
import { analysisQuery, qualified, TABLES, WAREHOUSE_SCHEMA, type Queryable } from '../warehouse-schema';

/**
 * `GET /v1/warehouse/cohorts`: customers grouped by the month (or quarter) of their FIRST purchase; per cohort and
 * per period since then (0 = the cohort's own month), how many of them bought in that period. `retention` =
 * active / customers. Every period from 0 up to the latest period with a purchase (as of `asOf`) is listed, also
 * when nobody of the cohort bought then (active 0). Months and quarters are UTC calendar periods.
 */
export const COHORT_PERIODS = ['month', 'quarter'] as const;
export type CohortPeriod = (typeof COHORT_PERIODS)[number];

export type CohortsQuery = Readonly<{ by: CohortPeriod; asOf: string }>;

export type CohortRow = {
  /** `YYYY-MM` (by month) or `YYYY-Qn` (by quarter) of the first purchase. */
  cohort: string;
  customers: number;
  /** Periods since the cohort's period. */
  period: number;
  active: number;
  retention: number;
};

const LABELS: Readonly<Record<CohortPeriod, (index: number) => string>> = {
  month: (index) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`,
  quarter: (index) => `${Math.floor(index / 4)}-Q${(index % 4) + 1}`,
};

export async function cohortRetention(db: Queryable, query: CohortsQuery): Promise<{ rows: CohortRow[] }> {
  const monthsPerPeriod = query.by === 'month' ? 1 : 3;
  // Periods are numbered from year 0 (month index = year * 12 + month - 1), straight from the facts' date keys; the
  // purchases come from a covering partial index (customer, time), so nothing but the index is read.
  const { rows } = await analysisQuery<{ cohort: number; customers: number; period: number; active: number }>(
    db,
    `WITH periods AS (
       SELECT DISTINCT customer_id, ((date_key / 10000) * 12 + (date_key / 100) % 100 - 1) / $2::int AS period_index
         FROM ${qualified(WAREHOUSE_SCHEMA, TABLES.factTouchpoint)}
        WHERE type_key = ${typeKeyOf('PurchaseMade')} AND occurred_at <= $1),
     firsts AS (SELECT customer_id, min(period_index) AS cohort FROM periods GROUP BY customer_id),
     sizes AS (SELECT cohort, count(*)::int AS customers FROM firsts GROUP BY cohort),
     activity AS (
       SELECT f.cohort, p.period_index - f.cohort AS period, count(*)::int AS active
         FROM periods p JOIN firsts f USING (customer_id) GROUP BY 1, 2),
     latest AS (SELECT max(period_index) AS period_index FROM periods)
     SELECT s.cohort, s.customers, g.period, COALESCE(a.active, 0) AS active
       FROM sizes s CROSS JOIN latest l
       CROSS JOIN LATERAL generate_series(0, l.period_index - s.cohort) AS g(period)
       LEFT JOIN activity a ON a.cohort = s.cohort AND a.period = g.period
      ORDER BY s.cohort, g.period`,
    [query.asOf, monthsPerPeriod],
  );
  const label = LABELS[query.by];
  return {
    rows: rows.map((row) => ({
      cohort: label(Number(row.cohort)),
      customers: Number(row.customers),
      period: Number(row.period),
      active: Number(row.active),
      retention: Number(row.active) / Number(row.customers),
    })),
  };
}
