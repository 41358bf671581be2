/**
 * The analyses on a small data set (testing/fixed-data-set.ts), against answers computed BY HAND — the numbers below
 * come from the event list in that file, not from running the code.
 */
import { basketRules, BASKET_DEFAULTS } from './basket/basket.query';
import { cohortRetention } from './cohorts/cohorts.query';
import { rfmScores } from './rfm/rfm.query';
import { fixedDataSet, SKU } from './testing/fixed-data-set';
import { warehouseTestEnv, type WarehouseTestEnv } from './testing/warehouse-fixtures';
import { touchpointsByDimensions, type TouchpointsQuery } from './touchpoints/touchpoints.query';

describe('warehouse analyses (hand-computed, small data set)', () => {
  let env: WarehouseTestEnv;

  beforeAll(async () => {
    env = await warehouseTestEnv('kc_wh_queries');
    await env.append(fixedDataSet());
    // Batches of 2 events: alfa's late first purchase arrives in a later batch than its second.
    await env.runner({ batchSize: 2 }).catchUp();
  });
  afterAll(() => env.close());

  const q1 = { from: '2025-01-01T00:00:00Z', to: '2025-04-01T00:00:00Z' };
  const both = async (query: TouchpointsQuery) => {
    const fromAggregate = await touchpointsByDimensions(env.db.pool, { ...query, source: 'aggregate' });
    const fromFacts = await touchpointsByDimensions(env.db.pool, { ...query, source: 'facts' });
    expect(fromAggregate).toEqual(fromFacts);
    return fromAggregate.rows;
  };

  describe('touchpoints', () => {
    it('counts by month with summed amounts (QuoteSent.amount, PurchaseMade.total)', async () => {
      expect(await both({ ...q1, groupBy: ['month'] })).toEqual([
        { month: '2025-01', count: 8, amount: 1630 }, // alfa 3 (A1 600), beta 3 (quote 1000), zeta 2 (F1 30)
        { month: '2025-02', count: 7, amount: 660 }, // mail opened, A2 100, B1 460, complaint ×2, gamma registered, C1 100
        { month: '2025-03', count: 5, amount: 880 }, // NPS, C2 520, delta ×2, E2 360
      ]);
    });

    it('counts by month and the phase the customer was in AT EACH touchpoint (SCD join)', async () => {
      // Rows in the dimensions' natural order: time, then phases in lifecycle order.
      expect(await both({ ...q1, groupBy: ['month', 'phase'] })).toEqual([
        { month: '2025-01', phase: 'prospect', count: 6, amount: 1000 },
        { month: '2025-01', phase: 'new-customer', count: 2, amount: 630 }, // A1 (alfa's first purchase), F1
        { month: '2025-02', phase: 'prospect', count: 1, amount: 0 }, // gamma registered
        // alfa's mail opened (02-01: a new customer since A1, which was recorded after it), B1, complaint ×2, C1
        { month: '2025-02', phase: 'new-customer', count: 5, amount: 560 },
        { month: '2025-02', phase: 'loyal-customer', count: 1, amount: 100 }, // A2: alfa's second purchase, 26 days later
        { month: '2025-03', phase: 'prospect', count: 2, amount: 0 }, // delta
        { month: '2025-03', phase: 'loyal-customer', count: 3, amount: 880 }, // alfa NPS, C2, E2
      ]);
    });

    it('counts by channel and department over all time (no department recorded: unknown)', async () => {
      expect(await both({ from: null, to: '2030-01-01T00:00:00Z', groupBy: ['channel', 'department'] })).toEqual([
        { channel: 'mail', department: 'marketing-sales', count: 2, amount: 0 },
        { channel: 'web', department: 'unknown', count: 1, amount: 0 },
        { channel: 'sales', department: 'marketing-sales', count: 16, amount: 3470 }, // 6 registrations, 2 quotes, 8 purchases
        { channel: 'service', department: 'service', count: 2, amount: 0 },
        { channel: 'survey', department: 'marketing-sales', count: 1, amount: 0 },
      ]);
    });

    it('counts purchases by type and size; no groupBy gives the total', async () => {
      const rows = await both({ ...q1, groupBy: ['type', 'size'] });
      expect(rows.filter((r) => r.type === 'PurchaseMade')).toEqual([
        { type: 'PurchaseMade', size: 'small', count: 4, amount: 1320 },
        { type: 'PurchaseMade', size: 'medium', count: 2, amount: 490 },
        { type: 'PurchaseMade', size: 'enterprise', count: 1, amount: 360 },
      ]);
      expect(await both({ ...q1, groupBy: [] })).toEqual([{ count: 20, amount: 3170 }]);
      expect(await both({ from: '2031-01-01T00:00:00Z', to: '2032-01-01T00:00:00Z', groupBy: [] })).toEqual([{ count: 0, amount: 0 }]);
    });

    it('groups by ISO week, and periods that cut days in half', async () => {
      // Monday 2025-02-10 … Sunday 02-16 is ISO week 2025-W07: B1, the complaint filed and resolved, A2.
      expect(await both({ from: '2025-02-10T00:00:00Z', to: '2025-02-17T00:00:00Z', groupBy: ['week'] })).toEqual([
        { week: '2025-W07', count: 4, amount: 560 },
      ]);
      // 02-12 15:00 … 02-15 13:00: the resolution (20:00) and A2 (02-15 12:00), not the filing (10:00).
      expect(await both({ from: '2025-02-12T15:00:00Z', to: '2025-02-15T13:00:00Z', groupBy: ['type'] })).toEqual([
        { type: 'PurchaseMade', count: 1, amount: 100 }, // types in catalogue order
        { type: 'ComplaintResolved', count: 1, amount: 0 },
      ]);
    });
  });

  describe('basket', () => {
    // 8 orders. SKU baskets: A1 {printer, toner} · A2 {toner, paper} · B1 {printer, toner} · C1 {paper} ·
    // C2 {printer, toner, paper} · E1 {coffee machine} · E2 {coffee machine, beans} · F1 {paper}.
    // Orders with: printer 3, toner 4, paper 4, coffee machine 2, beans 1.
    // Together: printer+toner 3, toner+paper 2, printer+paper 1, coffee machine+beans 1.
    it('finds every 1→1 rule with support, confidence and lift, sorted by lift then support', async () => {
      const result = await basketRules(env.db.pool, { ...BASKET_DEFAULTS, level: 'sku', from: null, to: null });
      expect(result.orders).toBe(8);
      const rule = (a: string, c: string, orders: number, support: number, confidence: number, lift: number) => ({
        antecedent: [a],
        consequent: [c],
        orders,
        support,
        confidence,
        lift,
      });
      const expected = [
        rule(SKU.beans, SKU.coffeeMachine, 1, 1 / 8, 1, 4), // conf 1/1; lift 1 / (2/8)
        rule(SKU.coffeeMachine, SKU.beans, 1, 1 / 8, 1 / 2, 4), // conf 1/2; lift 0.5 / (1/8)
        rule(SKU.printer, SKU.toner, 3, 3 / 8, 1, 2), // conf 3/3; lift 1 / (4/8)
        rule(SKU.toner, SKU.printer, 3, 3 / 8, 3 / 4, 2), // conf 3/4; lift 0.75 / (3/8)
        rule(SKU.paper, SKU.toner, 2, 2 / 8, 1 / 2, 1),
        rule(SKU.toner, SKU.paper, 2, 2 / 8, 1 / 2, 1),
        rule(SKU.paper, SKU.printer, 1, 1 / 8, 1 / 4, 2 / 3), // conf 1/4; lift 0.25 / (3/8)
        rule(SKU.printer, SKU.paper, 1, 1 / 8, 1 / 3, 2 / 3), // conf 1/3; lift (1/3) / (4/8)
      ];
      expect(result.rules).toHaveLength(expected.length);
      result.rules.forEach((actual, index) => {
        const wanted = expected[index];
        expect([actual.antecedent, actual.consequent, actual.orders]).toEqual([wanted.antecedent, wanted.consequent, wanted.orders]);
        expect(actual.support).toBeCloseTo(wanted.support, 12);
        expect(actual.confidence).toBeCloseTo(wanted.confidence, 12);
        expect(actual.lift).toBeCloseTo(wanted.lift, 12);
      });
    });

    it('applies minSupport and minConfidence, and analyses categories (a line without category takes the product’s)', async () => {
      const strict = await basketRules(env.db.pool, { level: 'sku', minSupport: 0.25, minConfidence: 0.6, limit: 100, from: null, to: null });
      expect(strict.rules.map((r) => `${r.antecedent[0]}→${r.consequent[0]}`)).toEqual([`${SKU.printer}→${SKU.toner}`, `${SKU.toner}→${SKU.printer}`]);

      // Category baskets: A1 {printers, supplies} · A2 {supplies, paper} · B1 {printers, supplies} · C1 {paper} ·
      // C2 {printers, supplies, paper} · E1, E2 {coffee} · F1 {paper}: coffee has no partner any more.
      const categories = await basketRules(env.db.pool, { ...BASKET_DEFAULTS, level: 'category', from: null, to: null });
      expect(categories.orders).toBe(8);
      expect(categories.rules.map((r) => [r.antecedent[0], r.consequent[0], r.orders, r.support, r.confidence])).toEqual([
        ['printers', 'supplies', 3, 0.375, 1],
        ['supplies', 'printers', 3, 0.375, 0.75],
        ['paper', 'supplies', 2, 0.25, 0.5],
        ['supplies', 'paper', 2, 0.25, 0.5],
        ['paper', 'printers', 1, 0.125, 0.25],
        ['printers', 'paper', 1, 0.125, 1 / 3],
      ]);
      // Orders of 2025-02 only: A2 {toner, paper}, B1 {printer, toner}, C1 {paper} → toner→printer: 1/3, conf 1/2, lift 1.5
      const february = await basketRules(env.db.pool, {
        ...BASKET_DEFAULTS,
        level: 'sku',
        from: '2025-02-01T00:00:00Z',
        to: '2025-03-01T00:00:00Z',
      });
      expect(february.orders).toBe(3);
      const tonerPrinter = february.rules.find((r) => r.antecedent[0] === SKU.toner && r.consequent[0] === SKU.printer)!;
      expect([tonerPrinter.support, tonerPrinter.confidence, tonerPrinter.lift].map((n) => Number(n.toFixed(12)))).toEqual([
        Number((1 / 3).toFixed(12)),
        0.5,
        1.5,
      ]);
    });
  });

  it('builds cohorts by first-purchase month with retention per month since', async () => {
    // First purchases: epsilon 2024-12 · alfa, zeta 2025-01 · beta, gamma 2025-02. Latest purchase month: 2025-03.
    const { rows } = await cohortRetention(env.db.pool, { by: 'month', asOf: '2025-04-01T00:00:00Z' });
    expect(rows).toEqual([
      { cohort: '2024-12', customers: 1, period: 0, active: 1, retention: 1 },
      { cohort: '2024-12', customers: 1, period: 1, active: 0, retention: 0 },
      { cohort: '2024-12', customers: 1, period: 2, active: 0, retention: 0 },
      { cohort: '2024-12', customers: 1, period: 3, active: 1, retention: 1 }, // E2 in March
      { cohort: '2025-01', customers: 2, period: 0, active: 2, retention: 1 },
      { cohort: '2025-01', customers: 2, period: 1, active: 1, retention: 0.5 }, // alfa's A2
      { cohort: '2025-01', customers: 2, period: 2, active: 0, retention: 0 },
      { cohort: '2025-02', customers: 2, period: 0, active: 2, retention: 1 },
      { cohort: '2025-02', customers: 2, period: 1, active: 1, retention: 0.5 }, // gamma's C2
    ]);
    // As of mid-February: only the purchases by then count; March does not exist yet.
    const early = await cohortRetention(env.db.pool, { by: 'quarter', asOf: '2025-02-15T00:00:00Z' });
    expect(early.rows).toEqual([
      { cohort: '2024-Q4', customers: 1, period: 0, active: 1, retention: 1 },
      { cohort: '2024-Q4', customers: 1, period: 1, active: 0, retention: 0 },
      { cohort: '2025-Q1', customers: 3, period: 0, active: 3, retention: 1 }, // zeta, alfa, beta (gamma buys 02-20)
    ]);
  });

  it('scores recency, frequency and monetary value in quintiles', async () => {
    // As of 2025-04-01: last purchase → whole days: alfa 02-15 12:00 → 44 · beta 02-10 10:00 → 49 ·
    // epsilon 03-10 10:00 → 21 · gamma 03-20 10:00 → 11 · zeta 01-03 10:00 → 87. Five customers: one per fifth,
    // except equal values (beta and zeta bought once: both f = ceil(5·2/5) = 2; three bought twice: f = 5).
    const { rows } = await rfmScores(env.db.pool, { asOf: '2025-04-01T00:00:00Z' });
    expect(rows).toEqual([
      { customerId: 'alfa', recencyDays: 44, frequency: 2, monetary: 700, r: 3, f: 5, m: 5, segment: 'loyal' },
      { customerId: 'beta', recencyDays: 49, frequency: 1, monetary: 460, r: 2, f: 2, m: 2, segment: 'hibernating' },
      { customerId: 'epsilon', recencyDays: 21, frequency: 2, monetary: 660, r: 4, f: 5, m: 4, segment: 'champions' },
      { customerId: 'gamma', recencyDays: 11, frequency: 2, monetary: 620, r: 5, f: 5, m: 3, segment: 'champions' },
      { customerId: 'zeta', recencyDays: 87, frequency: 1, monetary: 30, r: 1, f: 2, m: 1, segment: 'hibernating' },
    ]);
  });

  it('joins each purchase to the customer as it was: alfa’s first purchase as new-customer, the second as loyal', async () => {
    const { rows } = await env.db.pool.query(
      `SELECT l.order_id, d.lifecycle_phase, d.loyalty_status, d.version_no
         FROM warehouse.fact_order_line l JOIN warehouse.dim_customer d ON d.customer_key = l.customer_key
        WHERE l.customer_id = 'alfa' AND l.line_no = 1 ORDER BY l.occurred_at`,
    );
    expect(rows).toEqual([
      { order_id: 'A1', lifecycle_phase: 'new-customer', loyalty_status: 'new', version_no: 2 },
      { order_id: 'A2', lifecycle_phase: 'loyal-customer', loyalty_status: 'loyal', version_no: 3 },
    ]);
  });

  it('keeps alfa’s versions over time, including the changes time alone will bring', async () => {
    const { rows } = await env.db.pool.query(
      `SELECT version_no, lifecycle_phase, loyalty_status, cycle, valid_from::text, valid_to::text, is_current
         FROM warehouse.dim_customer WHERE customer_id = 'alfa' ORDER BY valid_from`,
    );
    expect(rows).toEqual([
      { version_no: 1, lifecycle_phase: 'prospect', loyalty_status: 'none', cycle: 1, valid_from: '-infinity', valid_to: '2025-01-20 12:00:00+00', is_current: false },
      { version_no: 2, lifecycle_phase: 'new-customer', loyalty_status: 'new', cycle: 1, valid_from: '2025-01-20 12:00:00+00', valid_to: '2025-02-15 12:00:00+00', is_current: false },
      // Purchase gap: more than 365 × 0.5 days after 02-15 12:00 → at risk after 2025-08-17 00:00.
      { version_no: 3, lifecycle_phase: 'loyal-customer', loyalty_status: 'loyal', cycle: 1, valid_from: '2025-02-15 12:00:00+00', valid_to: '2025-08-17 00:00:00.001+00', is_current: false },
      // Departure by inactivity: more than 365 days after the last purchase.
      { version_no: 4, lifecycle_phase: 'loyal-customer', loyalty_status: 'at-risk', cycle: 1, valid_from: '2025-08-17 00:00:00.001+00', valid_to: '2026-02-15 12:00:00.001+00', is_current: false },
      { version_no: 5, lifecycle_phase: 'departed', loyalty_status: 'lapsed', cycle: 1, valid_from: '2026-02-15 12:00:00.001+00', valid_to: 'infinity', is_current: true },
    ]);
  });

  it('records complaints with their resolution time against the target, and NPS answers', async () => {
    const { rows: complaints } = await env.db.pool.query(
      `SELECT complaint_id, severity, hours_to_resolve, within_target, filed_date_key, resolved_date_key FROM warehouse.fact_complaint`,
    );
    expect(complaints).toEqual([
      { complaint_id: 'CP-1', severity: 'high', hours_to_resolve: 10, within_target: true, filed_date_key: 20250212, resolved_date_key: 20250212 },
    ]);
    const { rows: nps } = await env.db.pool.query(`SELECT customer_id, score, category, date_key FROM warehouse.fact_nps`);
    expect(nps).toEqual([{ customer_id: 'alfa', score: 9, category: 'promoter', date_key: 20250303 }]);
    const { rows: lines } = await env.db.pool.query(
      `SELECT sum(revenue) AS revenue, count(*)::int AS lines FROM warehouse.fact_order_line`,
    );
    expect(lines).toEqual([{ revenue: 2470, lines: 14 }]); // the 8 order totals
  });
});
