import {
  npsCategory,
  type CustomerDefinition,
  type StoredCustomerEvent,
} from '@klantcentraal/domain';
import { departmentKeyOf, typeKeyOf } from '../reference-dimensions/reference-dimensions';
import { dateKeyOf, qualified, surrogateKey, TABLES, type Queryable } from '../warehouse-schema';

/** Customer key of the version valid at an instant, for the customer of a fact. */
export type CustomerKeyLookup = (customerId: string, occurredMs: number) => string | null;

/** The fact tables and the column whose instant picks the customer version. */
export const FACT_TABLES = [
  { table: TABLES.factTouchpoint, at: 'occurred_at' },
  { table: TABLES.factOrderLine, at: 'occurred_at' },
  { table: TABLES.factComplaint, at: 'filed_at' },
  { table: TABLES.factNps, at: 'occurred_at' },
] as const;

const finiteOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function amountOf(event: StoredCustomerEvent): { amount: number | null; currency: string | null } {
  switch (event.type) {
    case 'QuoteSent':
      return { amount: finiteOrNull(event.data.amount), currency: event.data.currency ?? null };
    case 'PurchaseMade':
      return { amount: finiteOrNull(event.data.total), currency: event.data.currency ?? null };
    case 'OpportunityStageChanged':
      return { amount: finiteOrNull(event.data.value), currency: null };
    default:
      return { amount: null, currency: null };
  }
}

/**
 * How a fact insert treats a position it already holds. Live, a redelivered event is ignored (ON CONFLICT DO NOTHING,
 * and the touchpoints say which positions were new). A rebuild's replay applies every position exactly once, into
 * empty tables, in the batch's transaction with its checkpoint: a plain INSERT, which skips the speculative insertion
 * and the returned rows (a fifth of the replay's touchpoint insert); a duplicate there would be a bug and fails loudly
 * on the primary key instead of being ignored.
 */
export type FactInsertMode = Readonly<{ replay?: boolean }>;

const onConflict = (mode: FactInsertMode, target: string): string => (mode.replay ? '' : `ON CONFLICT (${target}) DO NOTHING`);

/**
 * One row per event; a redelivered event (same global position) is ignored. Returns the positions inserted (in a
 * replay: every event's, as each is new there).
 */
export async function insertTouchpoints(
  db: Queryable,
  schema: string,
  events: readonly StoredCustomerEvent[],
  keyOf: CustomerKeyLookup,
  mode: FactInsertMode = {},
): Promise<number[]> {
  if (events.length === 0) return [];
  const columns = {
    position: [] as number[],
    eventId: [] as string[],
    customerId: [] as string[],
    customerKey: [] as (string | null)[],
    dateKey: [] as number[],
    typeKey: [] as number[],
    departmentKey: [] as number[],
    amount: [] as (number | null)[],
    currency: [] as (string | null)[],
    occurredAt: [] as string[],
    recordedAt: [] as string[],
    recordedBy: [] as (string | null)[],
  };
  for (const event of events) {
    const ms = Date.parse(event.occurredAt);
    const { amount, currency } = amountOf(event);
    columns.position.push(event.globalPosition);
    columns.eventId.push(event.eventId);
    columns.customerId.push(event.customerId);
    columns.customerKey.push(keyOf(event.customerId, ms));
    columns.dateKey.push(dateKeyOf(ms));
    columns.typeKey.push(typeKeyOf(event.type));
    columns.departmentKey.push(departmentKeyOf(event.recordedBy?.department));
    columns.amount.push(amount);
    columns.currency.push(currency);
    columns.occurredAt.push(new Date(ms).toISOString());
    columns.recordedAt.push(event.recordedAt);
    columns.recordedBy.push(event.recordedBy?.userId ?? null);
  }
  const { rows } = await db.query<{ global_position: number }>(
    `INSERT INTO ${qualified(schema, TABLES.factTouchpoint)}
       (global_position, event_id, customer_id, customer_key, date_key, type_key, department_key, amount, currency,
        occurred_at, recorded_at, recorded_by)
     SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::bigint[], $5::int[], $6::smallint[], $7::smallint[],
                          $8::numeric[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::text[])
     ${mode.replay ? '' : 'ON CONFLICT (global_position) DO NOTHING RETURNING global_position'}`,
    Object.values(columns),
  );
  return mode.replay ? columns.position : rows.map((row) => Number(row.global_position));
}

type Purchase = Extract<StoredCustomerEvent, { type: 'PurchaseMade' }>;

/**
 * One row per order line, and the products they name (first category given wins, in log order). Returns the keys of
 * products that were known without a category and got one now (the basket aggregate's category level must follow).
 */
export async function insertOrderLines(
  db: Queryable,
  schema: string,
  events: readonly StoredCustomerEvent[],
  keyOf: CustomerKeyLookup,
  mode: FactInsertMode = {},
): Promise<string[]> {
  const purchases = events.filter((event): event is Purchase => event.type === 'PurchaseMade');
  if (purchases.length === 0) return [];
  const products = new Map<string, { key: string; category: string | null }>();
  const rows = {
    position: [] as number[],
    lineNo: [] as number[],
    orderId: [] as string[],
    customerId: [] as string[],
    customerKey: [] as (string | null)[],
    dateKey: [] as number[],
    productKey: [] as string[],
    quantity: [] as number[],
    unitPrice: [] as number[],
    currency: [] as string[],
    occurredAt: [] as string[],
  };
  for (const purchase of purchases) {
    const ms = Date.parse(purchase.occurredAt);
    const customerKey = keyOf(purchase.customerId, ms);
    purchase.data.lines.forEach((line, index) => {
      let product = products.get(line.sku);
      if (!product) products.set(line.sku, (product = { key: surrogateKey(line.sku), category: null }));
      product.category ??= line.category ?? null;
      rows.position.push(purchase.globalPosition);
      rows.lineNo.push(index + 1);
      rows.orderId.push(purchase.data.orderId);
      rows.customerId.push(purchase.customerId);
      rows.customerKey.push(customerKey);
      rows.dateKey.push(dateKeyOf(ms));
      rows.productKey.push(product.key);
      rows.quantity.push(line.quantity);
      rows.unitPrice.push(line.unitPrice);
      rows.currency.push(purchase.data.currency);
      rows.occurredAt.push(new Date(ms).toISOString());
    });
  }
  const categorised = [...products.values()].filter((p) => p.category !== null).map((p) => p.key);
  const { rows: uncategorised } = await db.query<{ product_key: string }>(
    `SELECT product_key::text AS product_key FROM ${qualified(schema, TABLES.dimProduct)}
      WHERE product_key = ANY($1::bigint[]) AND category IS NULL`,
    [categorised],
  );
  await db.query(
    `INSERT INTO ${qualified(schema, TABLES.dimProduct)} AS p (product_key, sku, category)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])
     ON CONFLICT (product_key) DO UPDATE SET category = EXCLUDED.category
     WHERE p.category IS NULL AND EXCLUDED.category IS NOT NULL`,
    [[...products.values()].map((p) => p.key), [...products.keys()], [...products.values()].map((p) => p.category)],
  );
  await db.query(
    `INSERT INTO ${qualified(schema, TABLES.factOrderLine)}
       (global_position, line_no, order_id, customer_id, customer_key, date_key, product_key, quantity, unit_price, revenue,
        currency, occurred_at)
     SELECT position, line_no, order_id, customer_id, customer_key, date_key, product_key, quantity, unit_price,
            quantity * unit_price, currency, occurred_at
       FROM unnest($1::bigint[], $2::smallint[], $3::text[], $4::text[], $5::bigint[], $6::int[], $7::bigint[], $8::numeric[],
                   $9::numeric[], $10::text[], $11::timestamptz[])
         AS l(position, line_no, order_id, customer_id, customer_key, date_key, product_key, quantity, unit_price, currency, occurred_at)
     ${onConflict(mode, 'global_position, line_no')}`,
    Object.values(rows),
  );
  return uncategorised.map((row) => row.product_key);
}

export async function insertNpsAnswers(
  db: Queryable,
  schema: string,
  events: readonly StoredCustomerEvent[],
  keyOf: CustomerKeyLookup,
  definition: CustomerDefinition,
): Promise<void> {
  const answers = events.filter((event): event is Extract<StoredCustomerEvent, { type: 'NpsResponded' }> => event.type === 'NpsResponded');
  if (answers.length === 0) return;
  await db.query(
    `INSERT INTO ${qualified(schema, TABLES.factNps)}
       (global_position, survey_id, customer_id, customer_key, date_key, score, category, occurred_at, definition_version)
     SELECT *, $9::int FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::smallint[], $7::text[],
                                   $8::timestamptz[])
     ON CONFLICT (global_position) DO NOTHING`,
    [
      answers.map((a) => a.globalPosition),
      answers.map((a) => a.data.surveyId),
      answers.map((a) => a.customerId),
      answers.map((a) => keyOf(a.customerId, Date.parse(a.occurredAt))),
      answers.map((a) => dateKeyOf(Date.parse(a.occurredAt))),
      answers.map((a) => a.data.score),
      answers.map((a) => npsCategory(a.data.score, definition)),
      answers.map((a) => a.occurredAt),
      definition.version,
    ],
  );
}

/**
 * Filings become rows; a resolution updates the latest filing of its complaint id recorded before it (the stream
 * rules resolve only a filed, unresolved complaint, so that is the one it resolved). The earliest resolution counts.
 */
export async function writeComplaints(
  db: Queryable,
  schema: string,
  events: readonly StoredCustomerEvent[],
  keyOf: CustomerKeyLookup,
  definition: CustomerDefinition,
): Promise<void> {
  const table = qualified(schema, TABLES.factComplaint);
  const filings = events.filter((event): event is Extract<StoredCustomerEvent, { type: 'ComplaintFiled' }> => event.type === 'ComplaintFiled');
  if (filings.length > 0) {
    await db.query(
      `INSERT INTO ${table}
         (global_position, complaint_id, customer_id, customer_key, filed_date_key, filed_at, category, severity, target_hours)
       SELECT *, $9::numeric FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::timestamptz[],
                                         $7::text[], $8::text[])
       ON CONFLICT (global_position) DO NOTHING`,
      [
        filings.map((f) => f.globalPosition),
        filings.map((f) => f.data.complaintId),
        filings.map((f) => f.customerId),
        filings.map((f) => keyOf(f.customerId, Date.parse(f.occurredAt))),
        filings.map((f) => dateKeyOf(Date.parse(f.occurredAt))),
        filings.map((f) => f.occurredAt),
        filings.map((f) => f.data.category),
        filings.map((f) => f.data.severity ?? null),
        definition.complaintTargetHours,
      ],
    );
  }
  const resolutions = events.filter(
    (event): event is Extract<StoredCustomerEvent, { type: 'ComplaintResolved' }> => event.type === 'ComplaintResolved',
  );
  if (resolutions.length === 0) return;
  await db.query(
    `WITH resolution AS (
       SELECT DISTINCT ON (r.position) f.global_position AS filing, r.resolved_at
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[]) AS r(customer_id, complaint_id, position, resolved_at)
         JOIN ${table} f ON f.customer_id = r.customer_id AND f.complaint_id = r.complaint_id AND f.global_position < r.position
        ORDER BY r.position, f.global_position DESC),
     earliest AS (SELECT filing, min(resolved_at) AS resolved_at FROM resolution GROUP BY filing)
     UPDATE ${table} c
        SET resolved_at = e.resolved_at,
            resolved_date_key = to_char(e.resolved_at AT TIME ZONE 'UTC', 'YYYYMMDD')::int,
            hours_to_resolve = extract(epoch FROM e.resolved_at - c.filed_at) / 3600,
            within_target = e.resolved_at - c.filed_at <= c.target_hours * interval '1 hour'
       FROM earliest e
      WHERE c.global_position = e.filing AND (c.resolved_at IS NULL OR e.resolved_at < c.resolved_at)`,
    [
      resolutions.map((r) => r.customerId),
      resolutions.map((r) => r.data.complaintId),
      resolutions.map((r) => r.globalPosition),
      resolutions.map((r) => r.occurredAt),
    ],
  );
}

/**
 * Re-points the facts of customers whose version boundaries changed (a late event, a new purchase, a scheduled
 * departure that moved): every fact that occurred at or after `since` gets the key of the version valid when it
 * occurred. Set-based, one statement per fact table; rows whose key is already right are not written. The
 * versions come per customer (LATERAL, by the (customer_id, valid_from) key) rather than from a hash of the whole
 * dimension, which would grow with every batch of a rebuild.
 */
export async function repointFacts(db: Queryable, schema: string, changes: readonly { customerId: string; sinceMs: number }[]): Promise<void> {
  if (changes.length === 0) return;
  const customerIds = changes.map((c) => c.customerId);
  const since = changes.map((c) => (c.sinceMs === -Infinity ? '-infinity' : new Date(c.sinceMs).toISOString()));
  for (const { table, at } of FACT_TABLES) {
    await db.query(
      `UPDATE ${qualified(schema, table)} f SET customer_key = d.customer_key
         FROM unnest($1::text[], $2::timestamptz[]) AS c(customer_id, since)
        CROSS JOIN LATERAL (SELECT * FROM ${qualified(schema, TABLES.dimCustomer)} v WHERE v.customer_id = c.customer_id) d
        WHERE f.customer_id = c.customer_id AND f.${at} >= c.since
          AND f.${at} >= d.valid_from AND f.${at} < d.valid_to
          AND f.customer_key IS DISTINCT FROM d.customer_key`,
      [customerIds, since],
    );
  }
}
