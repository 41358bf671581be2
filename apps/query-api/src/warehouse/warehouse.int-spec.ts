/**
 * `GET /v1/warehouse/*` over real HTTP on real PostgreSQL: a small data set projected by the warehouse runner, with
 * answers computed BY HAND from the event list below (JSON and CSV), roles, validation, OpenAPI.
 */
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { AuthModule } from '@klantcentraal/auth';
import type { ApiKeySpec } from '@klantcentraal/config';
import { customerStreamName, SCHEMA_VERSION } from '@klantcentraal/domain';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { configureHttpApp } from '@klantcentraal/http';
import { runMigrations } from '@klantcentraal/postgres';
import { PROJECTION_RUNNER_MIGRATIONS, ProjectionRunner } from '@klantcentraal/projections';
import { READ_MODEL_MIGRATIONS } from '@klantcentraal/read-models';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { createWarehouseProjections, WAREHOUSE_MIGRATIONS, WAREHOUSE_SCHEMA } from '@klantcentraal/warehouse';
import { QueryApiModule } from '../query-api.module';

const KEYS: ApiKeySpec[] = [
  { key: 'k-analyst-0123456789-abcdef', name: 'analyst', roles: ['analyst'] },
  { key: 'k-admin-0123456789-abcdef', name: 'admin', roles: ['admin'] },
  { key: 'k-sales-0123456789-abcdef', name: 'sales', roles: ['sales'] },
  { key: 'k-ingest-0123456789-abcdef', name: 'ingest', roles: ['ingest'] },
];
const bearer = (role: string) => `Bearer ${KEYS.find((k) => k.roles.includes(role as never))!.key}`;

type Line = { sku: string; category?: string; quantity: number; unitPrice: number };
type Event = { type: string; occurredAt: string; data: Record<string, unknown> };
const ev = (type: string, occurredAt: string, data: Record<string, unknown>): Event => ({ type, occurredAt, data });
const registered = (name: string, size: string, occurredAt: string) => ev('ProspectRegistered', occurredAt, { name, size });
const purchase = (orderId: string, occurredAt: string, lines: Line[]) =>
  ev('PurchaseMade', occurredAt, { orderId, lines, total: lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0), currency: 'EUR' });
const PRN = 'PRINTER-MFP';
const TON = 'TONER-BLACK';
const PAP = 'PAPER-A4';

/**
 * Recording order per stream. alfa's first purchase A1 (01-20) is recorded last, after its second purchase and after
 * a mail opened on 02-01 — which must end up counted for the new customer alfa was then, not the prospect it seemed.
 */
const STREAMS: Record<string, Event[]> = {
  alfa: [
    registered('Alfa BV', 'small', '2025-01-05T10:00:00Z'),
    purchase('A2', '2025-02-15T12:00:00Z', [{ sku: TON, category: 'supplies', quantity: 1, unitPrice: 50 }, { sku: PAP, category: 'paper', quantity: 5, unitPrice: 10 }]),
    ev('MailOpened', '2025-02-01T09:00:00Z', { mailId: 'M-1' }),
    purchase('A1', '2025-01-20T12:00:00Z', [{ sku: PRN, category: 'printers', quantity: 1, unitPrice: 500 }, { sku: TON, category: 'supplies', quantity: 2, unitPrice: 50 }]),
  ],
  beta: [
    registered('Beta NV', 'medium', '2025-01-08T10:00:00Z'),
    purchase('B1', '2025-02-10T10:00:00Z', [{ sku: PRN, category: 'printers', quantity: 1, unitPrice: 400 }, { sku: TON, category: 'supplies', quantity: 1, unitPrice: 60 }]),
  ],
  gamma: [
    registered('Gamma', 'small', '2025-02-01T10:00:00Z'),
    purchase('C1', '2025-02-20T10:00:00Z', [{ sku: PAP, category: 'paper', quantity: 10, unitPrice: 10 }]),
    purchase('C2', '2025-03-20T10:00:00Z', [
      { sku: PRN, category: 'printers', quantity: 1, unitPrice: 450 },
      { sku: TON, category: 'supplies', quantity: 1, unitPrice: 50 },
      { sku: PAP, category: 'paper', quantity: 2, unitPrice: 10 },
    ]),
  ],
  delta: [registered('Delta', 'large', '2025-03-01T10:00:00Z')],
};

describe('warehouse API (HTTP on PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let runner: ProjectionRunner;
  let app: INestApplication;
  let url: string;
  let lastPosition = 0;
  const now = new Date('2025-04-01T00:00:00Z');

  const get = (path: string, role: string | null = 'analyst') => {
    const req = request(url).get(path);
    return role === null ? req : req.set('Authorization', bearer(role));
  };

  beforeAll(async () => {
    db = await createTestDatabase('kc_wh_api');
    await runMigrations(db.url, [...EVENT_STORE_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS, ...READ_MODEL_MIGRATIONS, ...WAREHOUSE_MIGRATIONS]);
    store = new PostgresEventStore(db.pool);
    let n = 0;
    for (const [customerId, events] of Object.entries(STREAMS)) {
      const result = await store.appendToStream(
        customerStreamName(customerId),
        'any',
        events.map((e) => ({
          eventId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
          type: e.type,
          data: e.data,
          metadata: { occurredAt: new Date(e.occurredAt).toISOString(), recordedBy: { userId: 'u-1', department: 'marketing-sales' }, schemaVersion: SCHEMA_VERSION, customerId },
          idempotencyPayload: e,
        })),
      );
      lastPosition = result.lastPosition;
    }
    const quiet = { log: () => undefined, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
    // One event per batch: every late arrival is a separate step.
    runner = new ProjectionRunner({ pool: db.pool, store, projections: createWarehouseProjections(), schema: WAREHOUSE_SCHEMA, batchSize: 1, logger: quiet });
    runner.start();

    @Module({})
    class Root {}
    app = await NestFactory.create(
      {
        module: Root,
        imports: [
          AuthModule.forRoot({ keys: KEYS }),
          QueryApiModule.register({ pool: db.pool, clock: () => now, waitForWarehousePosition: (p, t) => runner.waitForPosition(p, t) }),
        ],
      },
      { bodyParser: false, logger: ['error'] },
    );
    configureHttpApp(app, { title: 'warehouse e2e' });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await runner?.stop();
    await store?.close();
    await db?.drop();
  });

  it('counts touchpoints by month and the phase each customer was in at the touchpoint (waiting for the warehouse)', async () => {
    const response = await get('/v1/warehouse/touchpoints?from=2025-01-01T00:00:00Z&to=2025-04-01T00:00:00Z&groupBy=month,phase').set(
      'X-Min-Position',
      String(lastPosition),
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      rows: [
        { month: '2025-01', phase: 'prospect', count: 2, amount: 0 }, // alfa and beta registered
        { month: '2025-01', phase: 'new-customer', count: 1, amount: 600 }, // A1
        { month: '2025-02', phase: 'prospect', count: 1, amount: 0 }, // gamma registered
        { month: '2025-02', phase: 'new-customer', count: 3, amount: 560 }, // alfa's mail opened, B1, C1
        { month: '2025-02', phase: 'loyal-customer', count: 1, amount: 100 }, // A2, alfa's second purchase
        { month: '2025-03', phase: 'prospect', count: 1, amount: 0 }, // delta registered
        { month: '2025-03', phase: 'loyal-customer', count: 1, amount: 520 }, // C2
      ],
    });
  });

  it('answers the same rows as CSV with a header line for Accept: text/csv', async () => {
    const response = await get('/v1/warehouse/touchpoints?to=2025-04-01T00:00:00Z&groupBy=type,size').set('Accept', 'text/csv');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.text).toBe(
      [
        'type,size,count,amount', // types in catalogue order, sizes small → enterprise
        'ProspectRegistered,small,2,0',
        'ProspectRegistered,medium,1,0',
        'ProspectRegistered,large,1,0',
        'MailOpened,small,1,0',
        'PurchaseMade,small,4,1320', // A1 600 + A2 100 + C1 100 + C2 520
        'PurchaseMade,medium,1,460',
        '',
      ].join('\r\n'),
    );
    // No groupBy: the totals; to defaults to now (2025-04-01).
    expect((await get('/v1/warehouse/touchpoints')).body).toEqual({ rows: [{ count: 10, amount: 1780 }] });
  });

  it('finds association rules with support, confidence and lift (JSON and CSV)', async () => {
    // 5 orders: A1 {PRN, TON} · A2 {TON, PAP} · B1 {PRN, TON} · C1 {PAP} · C2 {PRN, TON, PAP}.
    // printer 3, toner 4, paper 3 orders; printer+toner 3, toner+paper 2, printer+paper 1.
    const all = await get('/v1/warehouse/basket');
    expect(all.status).toBe(200);
    expect(all.body.orders).toBe(5);
    expect(all.body.rules.map((r: { antecedent: string[]; consequent: string[] }) => `${r.antecedent}→${r.consequent}`)).toEqual([
      `${PRN}→${TON}`, // lift (3/3) / (4/5) = 1.25, support 0.6
      `${TON}→${PRN}`, // lift (3/4) / (3/5) = 1.25
      `${PAP}→${TON}`, // lift (2/3) / (4/5) = 0.833…, support 0.4
      `${TON}→${PAP}`, // lift (2/4) / (3/5) = 0.833…
      `${PAP}→${PRN}`, // lift (1/3) / (3/5) = 0.555…, support 0.2
      `${PRN}→${PAP}`,
    ]);
    const [pap] = all.body.rules.filter((r: { antecedent: string[] }) => r.antecedent[0] === PAP);
    expect(pap.confidence).toBeCloseTo(2 / 3, 12);
    expect(pap.lift).toBeCloseTo(5 / 6, 12);

    const strict = await get('/v1/warehouse/basket?level=sku&minSupport=0.5&minConfidence=0.8');
    expect(strict.body).toEqual({ orders: 5, rules: [{ antecedent: [PRN], consequent: [TON], orders: 3, support: 0.6, confidence: 1, lift: 1.25 }] });
    const csv = await get('/v1/warehouse/basket?minSupport=0.5&minConfidence=0.8').set('Accept', 'text/csv');
    expect(csv.text).toBe(`antecedent,consequent,orders,support,confidence,lift\r\n${PRN},${TON},3,0.6,1,1.25\r\n`);

    const categories = await get('/v1/warehouse/basket?level=category&minSupport=0.5');
    expect(categories.body.rules.map((r: { antecedent: string[]; consequent: string[]; confidence: number }) => [r.antecedent[0], r.consequent[0], r.confidence])).toEqual([
      ['printers', 'supplies', 1],
      ['supplies', 'printers', 0.75],
    ]);
  });

  it('builds first-purchase cohorts with retention, and RFM quintiles (as of now = 2025-04-01)', async () => {
    const cohorts = await get('/v1/warehouse/cohorts?by=month');
    expect(cohorts.body).toEqual({
      rows: [
        { cohort: '2025-01', customers: 1, period: 0, active: 1, retention: 1 }, // alfa
        { cohort: '2025-01', customers: 1, period: 1, active: 1, retention: 1 },
        { cohort: '2025-01', customers: 1, period: 2, active: 0, retention: 0 },
        { cohort: '2025-02', customers: 2, period: 0, active: 2, retention: 1 }, // beta, gamma
        { cohort: '2025-02', customers: 2, period: 1, active: 1, retention: 0.5 }, // gamma's C2
      ],
    });
    const csv = await get('/v1/warehouse/cohorts').set('Accept', 'text/csv');
    expect(csv.text.split('\r\n').slice(0, 2)).toEqual(['cohort,customers,period,active,retention', '2025-01,1,0,1,1']);

    // alfa: 02-15 12:00 → 44 days, 2 purchases, 700 · beta: 02-10 10:00 → 49 days, 1, 460 · gamma: 03-20 10:00 → 11 days, 2, 620.
    // Three customers: scores ceil(5·k/3) = 2, 4, 5 by rank; alfa and gamma tie on frequency (both 5).
    const rfm = await get('/v1/warehouse/rfm');
    expect(rfm.body).toEqual({
      asOf: '2025-04-01T00:00:00.000Z',
      rows: [
        { customerId: 'alfa', recencyDays: 44, frequency: 2, monetary: 700, r: 4, f: 5, m: 5, segment: 'champions' },
        { customerId: 'beta', recencyDays: 49, frequency: 1, monetary: 460, r: 2, f: 2, m: 2, segment: 'hibernating' },
        { customerId: 'gamma', recencyDays: 11, frequency: 2, monetary: 620, r: 5, f: 5, m: 4, segment: 'champions' },
      ],
    });
    const rfmCsv = await get('/v1/warehouse/rfm?asOf=2025-04-01T00:00:00Z').set('Accept', 'text/csv');
    expect(rfmCsv.text).toBe(
      'customerId,recencyDays,frequency,monetary,r,f,m,segment\r\n' +
        'alfa,44,2,700,4,5,5,champions\r\nbeta,49,1,460,2,2,2,hibernating\r\ngamma,11,2,620,5,5,4,champions\r\n',
    );
  });

  it('needs the analyst role (admin may too)', async () => {
    expect((await get('/v1/warehouse/rfm', 'admin')).status).toBe(200);
    expect((await get('/v1/warehouse/rfm', 'sales')).status).toBe(403);
    expect((await get('/v1/warehouse/basket', 'ingest')).status).toBe(403);
    const anonymous = await get('/v1/warehouse/touchpoints', null);
    expect([anonymous.status, anonymous.body.error]).toEqual([401, 'unauthorized']);
  });

  it('answers 400 naming the bad parameter', async () => {
    const cases: [string, string, RegExp][] = [
      ['/v1/warehouse/touchpoints?groupBy=month,colour', 'groupBy', /unknown dimension "colour".*month, week, type, channel, department, size, phase/],
      ['/v1/warehouse/touchpoints?from=2025-03-01T00:00:00Z&to=2025-02-01T00:00:00Z', 'to', /later than from/],
      ['/v1/warehouse/touchpoints?from=yesterday', 'from', /ISO-8601/],
      ['/v1/warehouse/basket?minSupport=1.5', 'minSupport', /from 0 to 1/],
      ['/v1/warehouse/basket?minConfidence=-0.1', 'minConfidence', /from 0 to 1/],
      ['/v1/warehouse/basket?minSupport=abc', 'minSupport', /number/],
      ['/v1/warehouse/basket?level=brand', 'level', /sku, category/],
      ['/v1/warehouse/basket?limit=0', 'limit', /less than 1/],
      ['/v1/warehouse/cohorts?by=year', 'by', /month, quarter/],
      ['/v1/warehouse/rfm?asOf=now', 'asOf', /ISO-8601/],
      ['/v1/warehouse/rfm?colour=red', 'colour', /unknown field/],
    ];
    for (const [path, field, message] of cases) {
      const response = await get(path);
      expect({ path, status: response.status, error: response.body.error }).toEqual({ path, status: 400, error: 'validation' });
      expect(response.body.details).toEqual([{ path: field, message: expect.stringMatching(message) }]);
    }
  });

  it('documents the endpoints in the OpenAPI document, with CSV as a second representation', async () => {
    const { body } = await request(url).get('/openapi.json');
    for (const path of ['/v1/warehouse/touchpoints', '/v1/warehouse/basket', '/v1/warehouse/cohorts', '/v1/warehouse/rfm']) {
      const operation = body.paths[path]?.get;
      expect(operation).toBeDefined();
      expect(Object.keys(operation.responses['200'].content)).toEqual(['application/json', 'text/csv']);
    }
    const parameters = body.paths['/v1/warehouse/basket'].get.parameters.map((p: { name: string }) => p.name);
    expect(parameters).toEqual(expect.arrayContaining(['level', 'minSupport', 'minConfidence', 'limit', 'from', 'to', 'X-Min-Position']));
  });
});
