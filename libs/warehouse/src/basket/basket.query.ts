import { typeKeyOf } from '../reference-dimensions/reference-dimensions';
import { analysisQuery, qualified, TABLES, WAREHOUSE_SCHEMA, type Queryable } from '../warehouse-schema';

/**
 * `GET /v1/warehouse/basket`: association rules "who buys X also buys Y" over the orders (one PurchaseMade = one
 * order; its basket is the set of distinct SKUs, or categories, on its lines):
 * - support(X→Y) = orders containing X and Y / orders;
 * - confidence(X→Y) = orders containing X and Y / orders containing X;
 * - lift(X→Y) = confidence(X→Y) / support(Y), where support(Y) = orders containing Y / orders. Lift > 1: X makes Y
 *   more likely than it is on its own.
 * Rules have one item on each side (every ordered pair of items bought together). Sorted by lift, then support
 * (both descending), then antecedent and consequent. Orders with no purchase at all in the period: 0 orders, no rules.
 */
export const BASKET_LEVELS = ['sku', 'category'] as const;
export type BasketLevel = (typeof BASKET_LEVELS)[number];

export const BASKET_DEFAULTS = Object.freeze({ level: 'sku' as BasketLevel, minSupport: 0.01, minConfidence: 0.1, limit: 100 });
export const BASKET_MAX_LIMIT = 1000;

/** Category of a product whose order lines never named one. */
export const UNCATEGORISED = 'uncategorised';

export type BasketQuery = Readonly<{
  level: BasketLevel;
  minSupport: number;
  minConfidence: number;
  limit: number;
  /** Orders placed in [from, to); null: no bound. */
  from: string | null;
  to: string | null;
  /**
   * `aggregate` (default): from the monthly basket aggregates when the period is whole UTC months (or unbounded),
   * else from the order lines. `facts`: always from the order lines (the reference).
   */
  source?: 'aggregate' | 'facts';
}>;

export type BasketRule = {
  antecedent: string[];
  consequent: string[];
  /** Orders that contain both sides. */
  orders: number;
  support: number;
  confidence: number;
  lift: number;
};

export type BasketAnalysis = { orders: number; rules: BasketRule[] };

/** yyyymm of a month start, or null when the instant is not the start of a UTC month. */
function monthKeyAt(iso: string): number | null {
  const d = new Date(iso);
  if (d.getTime() !== Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)) return null;
  return d.getUTCFullYear() * 100 + d.getUTCMonth() + 1;
}

export async function basketRules(db: Queryable, query: BasketQuery): Promise<BasketAnalysis> {
  const s = WAREHOUSE_SCHEMA;
  const fromMonth = query.from === null ? 0 : monthKeyAt(query.from);
  const toMonth = query.to === null ? 999999 : monthKeyAt(query.to);
  const aggregated = (query.source ?? 'aggregate') === 'aggregate' && fromMonth !== null && toMonth !== null;
  // total(orders), items(item, orders), pairs(antecedent, consequent, orders): every ordered pair bought together.
  const inputs = aggregated
    ? `total AS (
         SELECT COALESCE(sum(touchpoints), 0)::float8 AS orders FROM ${qualified(s, TABLES.aggTouchpointMonth)}
          WHERE type_key = ${typeKeyOf('PurchaseMade')} AND month_key >= $1 AND month_key < $2),
       items AS (
         SELECT item, sum(orders)::float8 AS orders FROM ${qualified(s, TABLES.aggBasketItem)}
          WHERE level = $3 AND month_key >= $1 AND month_key < $2 GROUP BY item),
       unordered AS (
         SELECT item_a, item_b, sum(orders)::float8 AS orders FROM ${qualified(s, TABLES.aggBasketPair)}
          WHERE level = $3 AND month_key >= $1 AND month_key < $2 GROUP BY item_a, item_b),
       pairs AS (
         SELECT item_a AS antecedent, item_b AS consequent, orders FROM unordered
         UNION ALL SELECT item_b, item_a, orders FROM unordered)`
    : `baskets AS (
         SELECT DISTINCT l.global_position AS order_position,
                CASE $3 WHEN 'sku' THEN p.sku ELSE COALESCE(p.category, '${UNCATEGORISED}') END AS item
           FROM ${qualified(s, TABLES.factOrderLine)} l
           JOIN ${qualified(s, TABLES.dimProduct)} p ON p.product_key = l.product_key
          WHERE ($1::timestamptz IS NULL OR l.occurred_at >= $1) AND ($2::timestamptz IS NULL OR l.occurred_at < $2)),
       total AS (SELECT count(DISTINCT order_position)::float8 AS orders FROM baskets),
       items AS (SELECT item, count(*)::float8 AS orders FROM baskets GROUP BY item),
       pairs AS (
         SELECT a.item AS antecedent, b.item AS consequent, count(*)::float8 AS orders
           FROM baskets a JOIN baskets b ON b.order_position = a.order_position AND b.item <> a.item
          GROUP BY 1, 2)`;
  const { rows } = await analysisQuery<{
    antecedent: string | null;
    consequent: string | null;
    pair_orders: number | null;
    orders: number;
    support: number | null;
    confidence: number | null;
    lift: number | null;
  }>(
    db,
    `WITH ${inputs},
     rules AS (
       SELECT p.antecedent, p.consequent, p.orders AS pair_orders, p.orders / t.orders AS support,
              p.orders / ia.orders AS confidence,
              -- confidence / support(consequent), written symmetrically so X→Y and Y→X get the very same number
              (p.orders * t.orders) / (ia.orders * ib.orders) AS lift
         FROM pairs p CROSS JOIN total t
         JOIN items ia ON ia.item = p.antecedent
         JOIN items ib ON ib.item = p.consequent)
     SELECT t.orders, r.* FROM total t
       LEFT JOIN LATERAL (
         SELECT * FROM rules WHERE support >= $4 AND confidence >= $5
          ORDER BY lift DESC, support DESC, antecedent, consequent LIMIT $6) r ON true
      ORDER BY r.lift DESC, r.support DESC, r.antecedent, r.consequent`,
    [
      aggregated ? fromMonth : query.from,
      aggregated ? toMonth : query.to,
      query.level,
      query.minSupport,
      query.minConfidence,
      query.limit,
    ],
  );
  const orders = Number(rows[0]?.orders ?? 0);
  const rules = rows
    .filter((row) => row.antecedent !== null)
    .map((row) => ({
      antecedent: [row.antecedent as string],
      consequent: [row.consequent as string],
      orders: Number(row.pair_orders),
      support: Number(row.support),
      confidence: Number(row.confidence),
      lift: Number(row.lift),
    }));
  return { orders, rules };
}
