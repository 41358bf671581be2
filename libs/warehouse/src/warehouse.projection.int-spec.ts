/**
 * The warehouse projection on demo histories (late recordings included) under a real runner: incremental in small
 * batches over interleaved streams must equal a rebuild by replay, row for row; the customer dimension must equal
 * the pure derivation from the whole stream; every fact must point at the version valid when it occurred; the
 * daily aggregate must equal the GROUP BY it replaces.
 */
import { customerStreamName, DEFAULT_CUSTOMER_DEFINITION, replayCustomerProfile } from '@klantcentraal/domain';
import { generateDemoData, toEventToAppend, type DemoCustomerHistory } from '@klantcentraal/demo-data';
import { toStoredCustomerEvents } from '@klantcentraal/read-models';
import { basketRules } from './basket/basket.query';
import { customerVersions } from './customer-dimension/customer-versions';
import { envelope, tableRows, warehouseTestEnv, type WarehouseTestEnv } from './testing/warehouse-fixtures';
import { touchpointsByDimensions, TOUCHPOINT_DIMENSIONS } from './touchpoints/touchpoints.query';
import { WarehouseProjection } from './warehouse.projection';
import { TABLES } from './warehouse-schema';

const OWNED = new WarehouseProjection().tables;
const ALL_TABLES = [...OWNED, TABLES.dimTouchpointType, TABLES.dimDepartment];

/** Appends the customers' streams in rounds of `perRound` events each, so the global log interleaves customers. */
async function appendInterleaved(env: WarehouseTestEnv, customers: readonly DemoCustomerHistory[], perRound: number): Promise<number> {
  let last = 0;
  for (let offset = 0; customers.some((c) => c.events.length > offset); offset += perRound) {
    for (const customer of customers) {
      const events = customer.events.slice(offset, offset + perRound);
      if (events.length === 0) continue;
      const result = await env.store.appendToStream(
        customerStreamName(customer.customerId),
        'any',
        events.map((event) => toEventToAppend(customer.customerId, event)),
      );
      last = result.lastPosition;
    }
  }
  return last;
}

describe('warehouse projection', () => {
  let env: WarehouseTestEnv;
  let customers: readonly DemoCustomerHistory[];

  beforeAll(async () => {
    env = await warehouseTestEnv('kc_wh_projection');
    customers = generateDemoData({ customers: 40, seed: 11 }).customers;
    await appendInterleaved(env, customers, 25);
    await env.runner({ batchSize: 97 }).catchUp();
  });
  afterAll(() => env.close());

  it('derives every customer’s versions from the whole stream, whatever the recording order and batching', async () => {
    const { rows } = await env.db.pool.query<{ customer_id: string; versions: { phase: string; from: string; to: string }[] }>(
      `SELECT customer_id, json_agg(json_build_object('phase', lifecycle_phase, 'loyalty', loyalty_status, 'size', size,
                'manager', account_manager, 'cycle', cycle, 'from', valid_from, 'to', valid_to) ORDER BY valid_from) AS versions
         FROM warehouse.dim_customer GROUP BY customer_id ORDER BY customer_id`,
    );
    expect(rows).toHaveLength(customers.length);
    const lateRecorded = customers.filter((c) => c.events.some((e, i) => i > 0 && e.occurredAt < c.events[i - 1].occurredAt));
    expect(lateRecorded.length).toBeGreaterThan(0); // the demo data records some events late
    for (const row of rows) {
      const events: { eventId: string }[] = [];
      for await (const event of env.store.readStream(customerStreamName(row.customer_id))) events.push(event);
      const state = replayCustomerProfile(toStoredCustomerEvents(events as never), DEFAULT_CUSTOMER_DEFINITION)!;
      const iso = (ms: number) => (ms === -Infinity ? '-infinity' : ms === Infinity ? 'infinity' : new Date(ms).toISOString());
      const expected = customerVersions(state, DEFAULT_CUSTOMER_DEFINITION).map((v) => ({
        phase: v.lifecyclePhase,
        loyalty: v.loyaltyStatus,
        size: v.size,
        manager: v.accountManager,
        cycle: v.cycle,
        from: iso(v.validFromMs),
        to: iso(v.validToMs),
      }));
      const stored = row.versions.map((v) => ({
        ...v,
        from: v.from === '-infinity' ? v.from : new Date(v.from).toISOString(),
        to: v.to === 'infinity' ? v.to : new Date(v.to).toISOString(),
      }));
      expect(stored).toEqual(expected);
    }
  });

  it('points every fact at the customer version valid when it occurred', async () => {
    for (const [table, at] of [
      ['fact_touchpoint', 'occurred_at'],
      ['fact_order_line', 'occurred_at'],
      ['fact_complaint', 'filed_at'],
      ['fact_nps', 'occurred_at'],
    ]) {
      const { rows } = await env.db.pool.query(
        `SELECT count(*)::int AS facts,
                count(*) FILTER (WHERE d.customer_key IS DISTINCT FROM f.customer_key)::int AS wrong
           FROM warehouse.${table} f
           LEFT JOIN warehouse.dim_customer d ON d.customer_id = f.customer_id AND f.${at} >= d.valid_from AND f.${at} < d.valid_to`,
      );
      expect(rows[0].facts).toBeGreaterThan(0);
      expect({ table, wrong: rows[0].wrong }).toEqual({ table, wrong: 0 });
    }
    const { rows } = await env.db.pool.query(`SELECT count(*)::int AS n FROM warehouse.fact_touchpoint`);
    expect(rows[0].n).toBe(customers.reduce((n, c) => n + c.events.length, 0)); // one fact per event
  });

  it('keeps the daily touchpoint aggregate equal to the GROUP BY over facts and versions', async () => {
    const aggregate = await tableRows(env.db.pool, 'warehouse', 'agg_touchpoint_day');
    const { rows } = await env.db.pool.query<{ row: string }>(
      `SELECT to_jsonb(t)::text AS row FROM (
         SELECT f.date_key, dd.iso_year * 100 + dd.iso_week AS week_key, f.type_key, f.department_key, d.size AS customer_size,
                d.lifecycle_phase, count(*)::bigint AS touchpoints, COALESCE(sum(f.amount), 0) AS amount
           FROM warehouse.fact_touchpoint f JOIN warehouse.dim_customer d ON d.customer_key = f.customer_key
           JOIN warehouse.dim_date dd ON dd.date_key = f.date_key
          GROUP BY 1, 2, 3, 4, 5, 6) t ORDER BY 1`,
    );
    expect(aggregate).toEqual(rows.map((r) => r.row));
    const { rows: monthly } = await env.db.pool.query<{ row: string }>(
      `SELECT to_jsonb(t)::text AS row FROM (
         SELECT date_key / 100 AS month_key, type_key, department_key, customer_size, lifecycle_phase,
                sum(touchpoints)::bigint AS touchpoints, sum(amount) AS amount
           FROM warehouse.agg_touchpoint_day GROUP BY 1, 2, 3, 4, 5) t ORDER BY 1`,
    );
    expect(await tableRows(env.db.pool, 'warehouse', 'agg_touchpoint_month')).toEqual(monthly.map((r) => r.row));
    // And the API answers the same from either source, for every dimension and a period with partial days.
    for (const dimension of TOUCHPOINT_DIMENSIONS) {
      const query = { from: '2025-03-10T13:30:00Z', to: '2026-02-01T08:00:00Z', groupBy: [dimension, 'phase' as const] };
      expect(await touchpointsByDimensions(env.db.pool, { ...query, source: 'aggregate' })).toEqual(
        await touchpointsByDimensions(env.db.pool, { ...query, source: 'facts' }),
      );
    }
  });

  it('answers basket analyses from the monthly aggregates as from the order lines', async () => {
    for (const level of ['sku', 'category'] as const) {
      for (const period of [
        { from: null, to: null },
        { from: '2025-03-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
      ]) {
        const query = { level, minSupport: 0.001, minConfidence: 0, limit: 1000, ...period };
        const fromAggregate = await basketRules(env.db.pool, { ...query, source: 'aggregate' });
        expect(fromAggregate.rules.length).toBeGreaterThan(5);
        expect(fromAggregate).toEqual(await basketRules(env.db.pool, { ...query, source: 'facts' }));
      }
    }
  });

  it('gives the same rows, table for table, when rebuilt by replay', async () => {
    const runner = env.runner();
    const rebuilt = await runner.rebuild(undefined, { swap: false });
    try {
      for (const table of OWNED) {
        expect({ table, rows: await tableRows(env.db.pool, rebuilt.schema, table) }).toEqual({
          table,
          rows: await tableRows(env.db.pool, 'warehouse', table),
        });
      }
    } finally {
      await env.db.pool.query(`DROP SCHEMA "${rebuilt.schema}" CASCADE`);
    }
    // A real rebuild swaps the schema in; reference dimensions are carried over.
    const before = await Promise.all(ALL_TABLES.map((t) => tableRows(env.db.pool, 'warehouse', t)));
    const swapped = await runner.rebuild();
    expect(swapped.swapped).toBe(true);
    expect(await Promise.all(ALL_TABLES.map((t) => tableRows(env.db.pool, 'warehouse', t)))).toEqual(before);
  });

  it('forgets customers on resetStreams and re-derives them exactly from their streams (exact retry of parked events)', async () => {
    const before = await Promise.all(OWNED.map((t) => tableRows(env.db.pool, 'warehouse', t)));
    const picked = customers.slice(0, 3).map((c) => customerStreamName(c.customerId));
    const projection = new WarehouseProjection();
    const client = await env.db.pool.connect();
    try {
      await client.query('BEGIN');
      await projection.resetStreams(picked, { client, schema: 'warehouse' });
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM warehouse.fact_touchpoint WHERE customer_id = ANY($1)`, [
        customers.slice(0, 3).map((c) => c.customerId),
      ]);
      expect(rows[0].n).toBe(0);
      for (const stream of picked) {
        const events = [];
        for await (const event of env.store.readStream(stream)) events.push(event);
        await projection.apply(events, { client, schema: 'warehouse' });
      }
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await Promise.all(OWNED.map((t) => tableRows(env.db.pool, 'warehouse', t)))).toEqual(before);
  });

  it('re-labels earlier baskets when a product’s category becomes known later', async () => {
    const small = await warehouseTestEnv('kc_wh_category');
    try {
      const order = (orderId: string, occurredAt: string, lines: { sku: string; category?: string }[]) =>
        envelope(
          'PurchaseMade',
          { orderId, lines: lines.map((l) => ({ ...l, quantity: 1, unitPrice: 10 })), total: 10 * lines.length, currency: 'EUR' },
          occurredAt,
        );
      await small.append({
        x: [envelope('ProspectRegistered', { name: 'X', size: 'small' }, '2025-01-01T00:00:00Z'), order('X1', '2025-01-10T00:00:00Z', [{ sku: 'GADGET' }, { sku: 'PRN', category: 'printers' }])],
        y: [envelope('ProspectRegistered', { name: 'Y', size: 'small' }, '2025-01-01T00:00:00Z'), order('Y1', '2025-03-10T00:00:00Z', [{ sku: 'GADGET', category: 'gadgets' }, { sku: 'TON', category: 'supplies' }])],
      });
      await small.runner({ batchSize: 2 }).catchUp();
      const query = { level: 'category' as const, minSupport: 0, minConfidence: 0, limit: 100, from: null, to: null };
      const rules = await basketRules(small.db.pool, query);
      expect(rules.rules.map((r) => `${r.antecedent}→${r.consequent}`).sort()).toEqual([
        'gadgets→printers', // X1, placed when GADGET's category was not known yet
        'gadgets→supplies',
        'printers→gadgets',
        'supplies→gadgets',
      ]);
      expect(rules).toEqual(await basketRules(small.db.pool, { ...query, source: 'facts' }));
    } finally {
      await small.close();
    }
  });
});
