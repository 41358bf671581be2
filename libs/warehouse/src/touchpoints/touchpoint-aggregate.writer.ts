import { qualified, TABLES, type Queryable } from '../warehouse-schema';

/** ISO week key (iso_year * 100 + iso_week) of a date key, in SQL. */
export const ISO_WEEK_KEY = (dateKey: string) =>
  `(extract(isoyear FROM to_date(${dateKey}::text, 'YYYYMMDD')) * 100 + extract(week FROM to_date(${dateKey}::text, 'YYYYMMDD')))::int`;

/** Facts of a customer that occurred at or after `sinceMs` (-Infinity: all of them). */
export type CustomerSince = Readonly<{ customerId: string; sinceMs: number }>;

const sinceText = (ms: number) => (ms === -Infinity ? '-infinity' : new Date(ms).toISOString());

/**
 * `agg_touchpoint_day` = fact_touchpoint ⋈ dim_customer grouped by (date, type, department, size, phase), and
 * `agg_touchpoint_month` the same per month, kept exact incrementally: a fact adds to the cells of the customer
 * version it points to. When versions change (re-pointed keys, or attributes of a version rewritten), the facts
 * concerned are subtracted with the old attributes before the change and added with the new ones after it. Cells
 * that reach zero are deleted, so the tables equal what a rebuild computes from scratch.
 */
async function addFacts(db: Queryable, schema: string, sign: 1 | -1, selection: string, values: unknown[]): Promise<void> {
  const day = qualified(schema, TABLES.aggTouchpointDay);
  const month = qualified(schema, TABLES.aggTouchpointMonth);
  await db.query(
    `WITH delta AS (
       SELECT f.date_key, f.type_key, f.department_key,
              COALESCE(d.size, 'unknown') AS customer_size,
              COALESCE(d.lifecycle_phase, 'unknown') AS lifecycle_phase, ${sign} * count(*) AS touchpoints,
              ${sign} * COALESCE(sum(f.amount), 0) AS amount
         FROM (${selection}) f
         LEFT JOIN ${qualified(schema, TABLES.dimCustomer)} d ON d.customer_key = f.customer_key
        GROUP BY 1, 2, 3, 4, 5),
     days AS (
       INSERT INTO ${day} AS a (date_key, week_key, type_key, department_key, customer_size, lifecycle_phase, touchpoints, amount)
       -- The week follows from the date, per cell: looked up in dim_date (the writer ensures its rows), computed with
       -- to_date (several microseconds a cell) only for a date it lacks.
       SELECT x.date_key, COALESCE(dd.iso_year * 100 + dd.iso_week, ${ISO_WEEK_KEY('x.date_key')}), x.type_key, x.department_key,
              x.customer_size, x.lifecycle_phase, x.touchpoints, x.amount
         FROM delta x LEFT JOIN ${qualified(schema, TABLES.dimDate)} dd ON dd.date_key = x.date_key
       ON CONFLICT (date_key, type_key, department_key, customer_size, lifecycle_phase)
       DO UPDATE SET touchpoints = a.touchpoints + EXCLUDED.touchpoints, amount = a.amount + EXCLUDED.amount)
     INSERT INTO ${month} AS a (month_key, type_key, department_key, customer_size, lifecycle_phase, touchpoints, amount)
     SELECT date_key / 100, type_key, department_key, customer_size, lifecycle_phase, sum(touchpoints), sum(amount)
       FROM delta GROUP BY 1, 2, 3, 4, 5
     ON CONFLICT (month_key, type_key, department_key, customer_size, lifecycle_phase)
     DO UPDATE SET touchpoints = a.touchpoints + EXCLUDED.touchpoints, amount = a.amount + EXCLUDED.amount`,
    values,
  );
}

/**
 * LATERAL, so each customer's facts come from the (customer_id, occurred_at) index: a plain join lets the planner
 * hash the whole fact table (it knows nothing of the few customers in the array), a scan per batch that grows with
 * the table — quadratic over a rebuild, whose scratch tables have no statistics at all.
 */
const customersSince = (schema: string, first: number) =>
  `SELECT f.* FROM unnest($${first}::text[], $${first + 1}::timestamptz[]) AS c(customer_id, since)
     CROSS JOIN LATERAL (SELECT * FROM ${qualified(schema, TABLES.factTouchpoint)} t
                          WHERE t.customer_id = c.customer_id AND t.occurred_at >= c.since) f`;

/**
 * Both aggregates from scratch, from the facts and the versions they point to: the same cells and sums the
 * incremental writes add up to (a rebuild's replay skips those and calls this once at the end).
 */
export async function computeTouchpointAggregate(db: Queryable, schema: string): Promise<void> {
  await db.query(`DELETE FROM ${qualified(schema, TABLES.aggTouchpointDay)}`);
  await db.query(`DELETE FROM ${qualified(schema, TABLES.aggTouchpointMonth)}`);
  await addFacts(db, schema, 1, `SELECT * FROM ${qualified(schema, TABLES.factTouchpoint)}`, []);
}

/** Before the versions change: take the facts concerned out of the aggregate (with the attributes they have now). */
export async function subtractTouchpointAggregate(db: Queryable, schema: string, customers: readonly CustomerSince[]): Promise<void> {
  if (customers.length === 0) return;
  await addFacts(db, schema, -1, customersSince(schema, 1), [customers.map((c) => c.customerId), customers.map((c) => sinceText(c.sinceMs))]);
  await db.query(`DELETE FROM ${qualified(schema, TABLES.aggTouchpointDay)} WHERE touchpoints = 0`);
  await db.query(`DELETE FROM ${qualified(schema, TABLES.aggTouchpointMonth)} WHERE touchpoints = 0`);
}

/**
 * After the versions changed and the batch's facts were inserted: add the facts taken out before (with their new
 * attributes) and the facts this batch inserted (`inserted`: their positions) that are not among those.
 */
export async function addTouchpointAggregate(
  db: Queryable,
  schema: string,
  customers: readonly CustomerSince[],
  inserted: readonly number[],
): Promise<void> {
  if (customers.length === 0 && inserted.length === 0) return;
  const fact = qualified(schema, TABLES.factTouchpoint);
  await addFacts(
    db,
    schema,
    1,
    `${customersSince(schema, 1)}
     UNION ALL
     SELECT f.* FROM ${fact} f
      WHERE f.global_position = ANY($3::bigint[])
        AND NOT EXISTS (SELECT 1 FROM unnest($1::text[], $2::timestamptz[]) AS c(customer_id, since)
                         WHERE c.customer_id = f.customer_id AND f.occurred_at >= c.since)`,
    [customers.map((c) => c.customerId), customers.map((c) => sinceText(c.sinceMs)), inserted],
  );
}
