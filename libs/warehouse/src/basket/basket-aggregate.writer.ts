import { qualified, TABLES, type Queryable } from '../warehouse-schema';
import { UNCATEGORISED } from './basket.query';

/**
 * `agg_basket_item` / `agg_basket_pair`: per month and level, how many orders contain an item, and a pair of items.
 * Orders never change once placed, so new orders are simply added. Only a product's category can change (from unknown
 * to the first category a line names): then the category level of the months with orders of that product is
 * computed again from the order lines.
 */
async function addBaskets(
  db: Queryable,
  schema: string,
  where: string,
  values: unknown[],
  levels: readonly string[],
  sign: 1 | -1 = 1,
): Promise<void> {
  const item = qualified(schema, TABLES.aggBasketItem);
  const pair = qualified(schema, TABLES.aggBasketPair);
  await db.query(
    `WITH baskets AS (
       SELECT DISTINCT l.global_position, l.date_key / 100 AS month_key, v.level,
              CASE v.level WHEN 'sku' THEN p.sku ELSE COALESCE(p.category, '${UNCATEGORISED}') END AS item
         FROM ${qualified(schema, TABLES.factOrderLine)} l
         JOIN ${qualified(schema, TABLES.dimProduct)} p ON p.product_key = l.product_key
        CROSS JOIN unnest($${values.length + 1}::text[]) AS v(level)
        WHERE ${where}),
     items AS (
       INSERT INTO ${item} AS a (month_key, level, item, orders)
       SELECT month_key, level, item, ${sign} * count(*) FROM baskets GROUP BY 1, 2, 3
       ON CONFLICT (level, month_key, item) DO UPDATE SET orders = a.orders + EXCLUDED.orders)
     INSERT INTO ${pair} AS a (month_key, level, item_a, item_b, orders)
     SELECT x.month_key, x.level, x.item, y.item, ${sign} * count(*)
       FROM baskets x JOIN baskets y ON y.global_position = x.global_position AND y.level = x.level AND x.item < y.item
      GROUP BY 1, 2, 3, 4
     ON CONFLICT (level, month_key, item_a, item_b) DO UPDATE SET orders = a.orders + EXCLUDED.orders`,
    [...values, levels],
  );
}

/** Adds the orders (PurchaseMade positions) this batch inserted. */
export async function addOrdersToBaskets(db: Queryable, schema: string, orderPositions: readonly number[]): Promise<void> {
  if (orderPositions.length === 0) return;
  await addBaskets(db, schema, 'l.global_position = ANY($1::bigint[])', [orderPositions], ['sku', 'category']);
}

/** After products got their category: the category level of every month with orders of them, from scratch. */
export async function recomputeCategoryBaskets(db: Queryable, schema: string, productKeys: readonly string[]): Promise<void> {
  if (productKeys.length === 0) return;
  const { rows } = await db.query<{ month_key: number }>(
    `SELECT DISTINCT date_key / 100 AS month_key FROM ${qualified(schema, TABLES.factOrderLine)} WHERE product_key = ANY($1::bigint[])`,
    [productKeys],
  );
  const months = rows.map((row) => Number(row.month_key));
  if (months.length === 0) return;
  for (const table of [TABLES.aggBasketItem, TABLES.aggBasketPair]) {
    await db.query(`DELETE FROM ${qualified(schema, table)} WHERE level = 'category' AND month_key = ANY($1::int[])`, [months]);
  }
  await addBaskets(db, schema, 'l.date_key / 100 = ANY($1::int[])', [months], ['category']);
}

/**
 * Both basket aggregates from scratch, from every order line with its product's current category: what adding the
 * orders and recomputing re-labelled months adds up to (a rebuild's replay skips those and calls this once).
 */
export async function computeBaskets(db: Queryable, schema: string): Promise<void> {
  for (const table of [TABLES.aggBasketItem, TABLES.aggBasketPair]) await db.query(`DELETE FROM ${qualified(schema, table)}`);
  await addBaskets(db, schema, 'true', [], ['sku', 'category']);
}

/** Takes the orders of these customers out (before their rows are deleted: resetStreams). */
export async function subtractCustomersFromBaskets(db: Queryable, schema: string, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await addBaskets(db, schema, 'l.customer_id = ANY($1::text[])', [customerIds], ['sku', 'category'], -1);
  for (const table of [TABLES.aggBasketItem, TABLES.aggBasketPair]) {
    await db.query(`DELETE FROM ${qualified(schema, table)} WHERE orders = 0`);
  }
}
