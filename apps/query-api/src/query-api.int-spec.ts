/**
 * End to end on real PostgreSQL over real HTTP: touchpoints go in through the ingest API, the projection runner
 * folds them into the read models, and the query API answers from those.
 */
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { AuthModule } from '@klantcentraal/auth';
import type { ApiKeySpec } from '@klantcentraal/config';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { configureHttpApp } from '@klantcentraal/http';
// The spec drives the ingest API over HTTP as a client would; production code of this app never imports it.
import { IngestApiModule } from '@klantcentraal/ingest-api';
import { runMigrations } from '@klantcentraal/postgres';
import { PROJECTION_RUNNER_MIGRATIONS, ProjectionRunner } from '@klantcentraal/projections';
import { createProjections, READ_MODEL_MIGRATIONS } from '@klantcentraal/read-models';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { QueryApiModule } from './query-api.module';

const KEYS: ApiKeySpec[] = [
  { key: 'k-ingest-0123456789-abcdef', name: 'crm-sync', roles: ['ingest'] },
  { key: 'k-analyst-0123456789-abcdef', name: 'analyst', roles: ['analyst'] },
  { key: 'k-sales-0123456789-abcdef', name: 'sales', roles: ['sales'] },
  { key: 'k-auditor-0123456789-abcdef', name: 'auditor', roles: ['auditor'] },
  { key: 'k-admin-0123456789-abcdef', name: 'admin', roles: ['admin'] },
];
const bearer = (role: string) => `Bearer ${KEYS.find((k) => k.roles.includes(role as never))!.key}`;

type Envelope = { type: string; occurredAt: string; data: Record<string, unknown> };
const ev = (type: string, occurredAt: string, data: Record<string, unknown>): Envelope => ({ type, occurredAt, data });
const purchase = (orderId: string, occurredAt: string, total = 100) =>
  ev('PurchaseMade', occurredAt, { orderId, lines: [{ sku: 'PAP-A4-80', category: 'paper', quantity: 4, unitPrice: total / 4 }], total, currency: 'EUR' });
const stage = (opportunityId: string, stageName: string, occurredAt: string, value?: number) =>
  ev('OpportunityStageChanged', occurredAt, { opportunityId, stage: stageName, ...(value !== undefined && { value }) });

const CUSTOMERS: Record<string, Envelope[]> = {
  acme: [
    ev('ProspectRegistered', '2025-01-01T09:00:00Z', { name: 'Acme BV', size: 'medium', industry: 'food' }),
    ev('AccountManagerAssigned', '2025-01-02T09:00:00Z', { employeeId: 'am-1', salesRole: 'account-manager' }),
    ev('ContactAdded', '2025-01-03T09:00:00Z', { contactId: 'p-1', name: 'Ans de Vries', email: 'ans@acme.example', dmuRole: 'decision-maker' }),
    ev('QuoteRequested', '2025-01-10T09:00:00Z', { quoteId: 'Q-1', expectedWithinDays: 2 }),
    ev('QuoteSent', '2025-01-11T09:00:00Z', { quoteId: 'Q-1', amount: 1200, currency: 'EUR' }),
    purchase('O-1', '2025-02-01T09:00:00Z'),
    purchase('O-2', '2025-03-01T09:00:00Z', 240),
    ev('NpsResponded', '2025-03-05T09:00:00Z', { surveyId: 'S-1', score: 9, improvement: 'Faster delivery' }),
    ev('ComplaintFiled', '2025-03-06T10:00:00Z', { complaintId: 'CP-1', category: 'delivery' }),
    ev('ComplaintResolved', '2025-03-07T10:00:00Z', { complaintId: 'CP-1' }), // exactly 24 h: within target
    stage('OP-A', 'lead', '2025-04-01T09:00:00Z'),
    stage('OP-A', 'qualified', '2025-04-15T09:00:00Z'),
    stage('OP-A', 'won', '2025-05-01T09:00:00Z', 5000),
    ev('MailSent', '2025-06-01T09:00:00Z', { mailId: 'M-1', campaignId: 'summer' }),
  ],
  bakker: [
    ev('ProspectRegistered', '2025-02-01T09:00:00Z', { name: 'Bakkerij Jansen', size: 'small' }),
    ev('AccountManagerAssigned', '2025-02-01T10:00:00Z', { employeeId: 'am-2', salesRole: 'inside-sales' }),
    purchase('B-1', '2025-02-10T12:00:00Z'),
    ev('NpsResponded', '2025-04-01T00:00:00Z', { surveyId: 'S-1', score: 3 }),
    ev('ComplaintFiled', '2025-04-02T10:00:00Z', { complaintId: 'CP-7', category: 'invoice' }),
    ev('ComplaintResolved', '2025-04-03T10:00:00.001Z', { complaintId: 'CP-7' }), // 24 h + 1 ms: missed the target
    stage('OP-B', 'lead', '2025-04-05T09:00:00Z'),
    stage('OP-B', 'lost', '2025-04-20T09:00:00Z'),
    ev('ComplaintFiled', '2025-06-29T12:00:00Z', { complaintId: 'CP-8', category: 'delivery' }), // still open
  ],
  cafe: [
    ev('ProspectRegistered', '2025-03-01T09:00:00Z', { name: 'Café Centraal', size: 'small' }),
    ev('AccountManagerAssigned', '2025-03-02T09:00:00Z', { employeeId: 'am-1', salesRole: 'junior-account-manager' }),
    ev('NpsResponded', '2025-05-01T00:00:00Z', { surveyId: 'S-2', score: 7 }),
    ev('ComplaintFiled', '2025-05-02T09:00:00Z', { complaintId: 'CP-1', category: 'service' }),
    stage('OP-C', 'lead', '2025-05-05T09:00:00Z'),
    stage('OP-C', 'qualified', '2025-05-10T09:00:00Z'),
    stage('OP-C', 'proposal', '2025-05-20T09:00:00Z'),
  ],
  dekker: [
    ev('ProspectRegistered', '2024-06-01T09:00:00Z', { name: 'Dekker Logistiek', size: 'large' }),
    ev('AccountManagerAssigned', '2024-06-02T09:00:00Z', { employeeId: 'am-2', salesRole: 'key-account-manager' }),
    purchase('D-1', '2025-01-10T10:00:00Z'),
  ],
};
const PROSPECTS = Array.from({ length: 7 }, (_, index) => `p-0${index + 1}`);
const JULY = '2025-07-01T00:00:00.000Z';

describe('query API (e2e over HTTP on PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let runner: ProjectionRunner;
  let app: INestApplication;
  let url: string;
  let now = new Date(JULY);
  let rebuild: Promise<unknown> | null = null;

  const get = (path: string, role = 'analyst') => request(url).get(path).set('Authorization', bearer(role));
  const ingest = async (customerId: string, events: Envelope[]) => {
    const response = await request(url)
      .post(`/v1/customers/${customerId}/events`)
      .set('Authorization', bearer('ingest'))
      .send({ events });
    expect(response.status).toBe(201);
    return response.body.lastPosition as number;
  };

  beforeAll(async () => {
    db = await createTestDatabase('kc_query_api');
    await runMigrations(db.url, [...EVENT_STORE_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS, ...READ_MODEL_MIGRATIONS]);
    store = new PostgresEventStore(db.pool);
    const quiet = { log: () => undefined, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
    runner = new ProjectionRunner({ pool: db.pool, store, projections: createProjections(), logger: quiet });

    @Module({})
    class E2eRoot {}
    app = await NestFactory.create(
      {
        module: E2eRoot,
        imports: [
          AuthModule.forRoot({ keys: KEYS }),
          IngestApiModule.register({ eventStore: store }),
          QueryApiModule.register({
            pool: db.pool,
            waitForPosition: (position, timeoutMs) => runner.waitForPosition(position, timeoutMs),
            clock: () => now,
            requestRebuild: () => (rebuild = runner.rebuild()),
          }),
        ],
      },
      { bodyParser: false, logger: ['error'] },
    );
    configureHttpApp(app, { title: 'query API e2e' });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();

    for (const [customerId, events] of Object.entries(CUSTOMERS)) await ingest(customerId, events);
    const bulk = await request(url)
      .post('/v1/events')
      .set('Authorization', bearer('ingest'))
      .send({
        events: PROSPECTS.map((customerId, index) => ({
          customerId,
          type: 'ProspectRegistered',
          occurredAt: '2025-06-01T09:00:00Z',
          data: { name: `Prospect ${index + 1}`, size: 'enterprise' },
        })),
      });
    expect(bulk.status).toBe(201);
    await runner.catchUp();
  });

  afterAll(async () => {
    await rebuild?.catch(() => undefined);
    await app?.close();
    await store?.close();
    await db?.drop();
  });

  beforeEach(() => {
    now = new Date(JULY);
  });

  describe('profiles', () => {
    it('answer the contract profile, exactly', async () => {
      const response = await get('/v1/customers/acme');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        customerId: 'acme',
        name: 'Acme BV',
        size: 'medium',
        lifecyclePhase: 'loyal-customer',
        cycle: 1,
        loyalty: { status: 'loyal', reasons: [], purchaseCount: 2, lastPurchaseAt: '2025-03-01T09:00:00.000Z' },
        nps: { lastScore: 9, category: 'promoter', lastImprovement: 'Faster delivery' },
        complaints: { open: 0, resolved: 1 },
        experience: { positive: 1, asExpected: 0, negative: 0 },
        accountManager: { employeeId: 'am-1', salesRole: 'account-manager' },
        contacts: [{ contactId: 'p-1', name: 'Ans de Vries', email: 'ans@acme.example', dmuRole: 'decision-maker' }],
        touchpoints: {
          total: 14,
          byType: {
            ProspectRegistered: 1,
            ContactAdded: 1,
            AccountManagerAssigned: 1,
            MailSent: 1,
            QuoteRequested: 1,
            QuoteSent: 1,
            PurchaseMade: 2,
            ComplaintFiled: 1,
            ComplaintResolved: 1,
            NpsResponded: 1,
            OpportunityStageChanged: 3,
          },
        },
        lastTouchpointAt: '2025-06-01T09:00:00.000Z',
        asOf: JULY,
        definitionVersion: 1,
      });
      expect(Object.keys(response.body.touchpoints.byType)[0]).toBe('ProspectRegistered');
    });

    it('answer the profile as it was at asOf, and 404 before the customer was registered', async () => {
      const then = await get('/v1/customers/acme?asOf=2025-02-15T00:00:00%2B01:00');
      expect(then.status).toBe(200);
      expect(then.body).toMatchObject({
        asOf: '2025-02-14T23:00:00.000Z',
        lifecyclePhase: 'new-customer',
        loyalty: { status: 'new', reasons: [], purchaseCount: 1, lastPurchaseAt: '2025-02-01T09:00:00.000Z' },
        nps: { lastScore: null, category: null, lastImprovement: null },
        complaints: { open: 0, resolved: 0 },
        experience: { positive: 1, asExpected: 0, negative: 0 },
        touchpoints: { total: 6 },
        lastTouchpointAt: '2025-02-01T09:00:00.000Z',
      });
      const before = await get('/v1/customers/acme?asOf=2024-12-31T23:59:59Z');
      expect(before.status).toBe(404);
      expect(before.body).toMatchObject({ error: 'not-found' });
    });

    it('list every at-risk reason that holds, as time passes', async () => {
      expect((await get('/v1/customers/bakker')).body.loyalty).toEqual({
        status: 'at-risk',
        reasons: ['detractor', 'complaint-overdue'],
        purchaseCount: 1,
        lastPurchaseAt: '2025-02-10T12:00:00.000Z',
      });
      now = new Date('2025-09-01T00:00:00Z');
      expect((await get('/v1/customers/bakker')).body.loyalty.reasons).toEqual(['detractor', 'complaint-overdue', 'purchase-gap']);
      expect((await get('/v1/customers/cafe')).body.loyalty).toEqual({ status: 'none', reasons: [], purchaseCount: 0, lastPurchaseAt: null });
    });

    it('depart a customer by time passing, without any event: not at exactly 365 days, one millisecond later', async () => {
      now = new Date('2026-01-10T10:00:00.000Z');
      expect((await get('/v1/customers/dekker')).body).toMatchObject({
        lifecyclePhase: 'new-customer',
        loyalty: { status: 'at-risk', reasons: ['purchase-gap'] },
      });
      expect((await get('/v1/customers?phase=departed')).body.items).toEqual([]);
      expect((await get('/v1/insights/lifecycle')).body.phases.departed).toBe(0);

      now = new Date('2026-01-10T10:00:00.001Z');
      expect((await get('/v1/customers/dekker')).body).toMatchObject({ lifecyclePhase: 'departed', cycle: 1, loyalty: { status: 'lapsed', reasons: [] } });
      expect((await get('/v1/customers?phase=departed')).body.items.map((item: { customerId: string }) => item.customerId)).toEqual(['dekker']);
      expect((await get('/v1/insights/lifecycle')).body).toEqual({
        asOf: '2026-01-10T10:00:00.001Z',
        phases: { prospect: 8, 'new-customer': 1, 'loyal-customer': 1, departed: 1 },
      });
    });
  });

  describe('segments', () => {
    it('page through a segment: two pages, no duplicates, nextCursor null at the end', async () => {
      const first = await get('/v1/customers?phase=prospect&limit=5', 'sales');
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(5);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await get(`/v1/customers?phase=prospect&limit=5&cursor=${first.body.nextCursor}`, 'sales');
      expect(second.body.nextCursor).toBeNull();
      const ids = [...first.body.items, ...second.body.items].map((item: { customerId: string }) => item.customerId);
      expect(ids).toEqual(['cafe', ...PROSPECTS]);
      expect(second.body.items[0]).toMatchObject({ lifecyclePhase: 'prospect', asOf: JULY, definitionVersion: 1 });
    });

    it('filter by loyalty, account manager and size, evaluated now', async () => {
      const ids = async (query: string) => (await get(`/v1/customers?${query}`)).body.items.map((item: { customerId: string }) => item.customerId);
      expect(await ids('loyalty=at-risk')).toEqual(['bakker']);
      expect(await ids('loyalty=loyal')).toEqual(['acme']);
      expect(await ids('accountManager=am-1')).toEqual(['acme', 'cafe']);
      expect(await ids('size=small')).toEqual(['bakker', 'cafe']);
      expect(await ids('size=small&loyalty=none')).toEqual(['cafe']);
      expect((await get('/v1/customers')).body).toMatchObject({ nextCursor: null });
      expect((await get('/v1/customers')).body.items).toHaveLength(11);
    });
  });

  describe('insights', () => {
    it('compute the NPS of a period, with size and account-manager filters', async () => {
      const nps = async (query: string) => (await get(`/v1/insights/nps?${query}`)).body;
      const period = 'from=2025-01-01T00:00:00Z&to=2025-07-01T00:00:00Z';
      expect(await nps(period)).toEqual({ responses: 3, promoters: 1, passives: 1, detractors: 1, nps: 0 });
      expect(await nps(`${period}&size=small`)).toEqual({ responses: 2, promoters: 0, passives: 1, detractors: 1, nps: -50 });
      expect(await nps(`${period}&accountManager=am-1`)).toEqual({ responses: 2, promoters: 1, passives: 1, detractors: 0, nps: 50 });
      // from is included, to excluded: Bakker answered at the start, Café at the end of April.
      expect(await nps('from=2025-04-01T00:00:00Z&to=2025-05-01T00:00:00Z')).toEqual({ responses: 1, promoters: 0, passives: 0, detractors: 1, nps: -100 });
      expect(await nps('from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z')).toEqual({ responses: 0, promoters: 0, passives: 0, detractors: 0, nps: null });
    });

    it('compute complaint figures: filed in the period, resolved or open now, 24 hours exactly within target', async () => {
      const period = 'from=2025-01-01T00:00:00Z&to=2025-07-01T00:00:00Z';
      expect((await get(`/v1/insights/complaints?${period}`)).body).toEqual({
        filed: 4,
        resolved: 2,
        open: 2,
        resolvedWithinTarget: 1,
        share: 0.25,
        targetHours: 24,
        targetShare: 0.9,
        meetsTarget: false,
        medianHoursToResolve: (24 + 86_400_001 / 3_600_000) / 2,
      });
      now = new Date('2025-04-03T00:00:00Z'); // Bakker's first complaint was not resolved yet; later ones not filed
      expect((await get(`/v1/insights/complaints?${period}`)).body).toMatchObject({ filed: 2, resolved: 1, open: 1, resolvedWithinTarget: 1, share: 0.5 });
    });

    it('count customers per phase as of a moment', async () => {
      expect((await get('/v1/insights/lifecycle')).body).toEqual({
        asOf: JULY,
        phases: { prospect: 8, 'new-customer': 2, 'loyal-customer': 1, departed: 0 },
      });
      expect((await get('/v1/insights/lifecycle?asOf=2025-02-05T00:00:00Z', 'sales')).body).toEqual({
        asOf: '2025-02-05T00:00:00.000Z',
        phases: { prospect: 1, 'new-customer': 2, 'loyal-customer': 0, departed: 0 },
      });
    });

    it('compute the funnel: opportunities per stage and conversions', async () => {
      const response = await get('/v1/insights/funnel?from=2025-01-01T00:00:00Z&to=2025-07-01T00:00:00Z');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        from: '2025-01-01T00:00:00.000Z',
        to: JULY,
        stages: [
          { stage: 'lead', entered: 3, reached: 3, current: 0 },
          { stage: 'qualified', entered: 2, reached: 2, current: 0 },
          { stage: 'proposal', entered: 1, reached: 2, current: 1 },
          { stage: 'negotiation', entered: 0, reached: 1, current: 0 },
          { stage: 'won', entered: 1, reached: 1, current: 1 },
          { stage: 'lost', entered: 1, reached: 1, current: 1 },
        ],
        conversions: [
          { from: 'lead', to: 'qualified', rate: 2 / 3 },
          { from: 'qualified', to: 'proposal', rate: 1 },
          { from: 'proposal', to: 'negotiation', rate: 0.5 },
          { from: 'negotiation', to: 'won', rate: 1 },
        ],
      });
    });

    it('count delivered quotes by experience', async () => {
      expect((await get('/v1/insights/experience?from=2025-01-01T00:00:00Z')).body).toEqual({ delivered: 1, positive: 1, asExpected: 0, negative: 0 });
    });
  });

  describe('access and validation', () => {
    it('need an API key (401) with the role analyst or sales (403 otherwise; admin may)', async () => {
      expect((await request(url).get('/v1/customers/acme')).status).toBe(401);
      expect((await request(url).get('/v1/customers/acme').set('Authorization', 'Bearer not-a-key')).status).toBe(401);
      for (const [role, status] of [['ingest', 403], ['auditor', 403], ['analyst', 200], ['sales', 200], ['admin', 200]] as const) {
        for (const path of ['/v1/customers/acme', '/v1/customers', '/v1/insights/nps', '/v1/insights/complaints', '/v1/insights/lifecycle', '/v1/insights/funnel']) {
          const response = await get(path, role);
          expect({ role, path, status: response.status }).toEqual({ role, path, status });
          if (status === 403) expect(response.body.error).toBe('forbidden');
        }
      }
    });

    it('answer 400 naming the bad parameter', async () => {
      const badParameter = async (path: string) => {
        const response = await get(path);
        expect({ path, status: response.status, error: response.body.error }).toEqual({ path, status: 400, error: 'validation' });
        return response.body.details.map((detail: { path: string }) => detail.path).sort();
      };
      expect(await badParameter('/v1/customers/acme?asOf=yesterday')).toEqual(['asOf']);
      expect(await badParameter('/v1/customers/acme?asOf=2025-02-30T00:00:00Z')).toEqual(['asOf']);
      expect(await badParameter('/v1/customers?phase=customer')).toEqual(['phase']);
      expect(await badParameter('/v1/customers?loyalty=happy')).toEqual(['loyalty']);
      expect(await badParameter('/v1/customers?limit=501')).toEqual(['limit']);
      expect(await badParameter('/v1/customers?limit=0')).toEqual(['limit']);
      expect(await badParameter('/v1/customers?limit=ten')).toEqual(['limit']);
      expect(await badParameter('/v1/customers?cursor=not-ours!')).toEqual(['cursor']);
      expect(await badParameter('/v1/customers?size=huge&colour=red')).toEqual(['colour', 'size']);
      expect(await badParameter('/v1/insights/nps?from=2025-07-01T00:00:00Z&to=2025-01-01T00:00:00Z')).toEqual(['to']);
      expect(await badParameter('/v1/insights/funnel?from=2030-01-01T00:00:00Z')).toEqual(['from']);
      expect(await badParameter('/v1/insights/lifecycle?asOf=2025-01-01')).toEqual(['asOf']);
      expect(await badParameter('/v1/customers/-not-an-id')).toEqual(['customerId']);
      const header = await get('/v1/customers/acme').set('X-Min-Position', 'soon');
      expect(header.status).toBe(400);
      expect(header.body.details).toEqual([{ path: 'X-Min-Position', message: expect.any(String) }]);
    });

    it('answer 404 not-found for an unknown customer', async () => {
      const response = await get('/v1/customers/nobody');
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'not-found', message: expect.stringContaining('nobody') });
    });

    it('publish every endpoint in the OpenAPI document', async () => {
      const { body } = await request(url).get('/openapi.json');
      expect(Object.keys(body.paths)).toEqual(
        expect.arrayContaining([
          '/v1/customers',
          '/v1/customers/{customerId}',
          '/v1/insights/nps',
          '/v1/insights/complaints',
          '/v1/insights/lifecycle',
          '/v1/insights/funnel',
          '/v1/admin/customer-definition',
        ]),
      );
      expect(body.paths['/v1/customers/{customerId}'].get.responses['200'].content['application/json'].schema.$ref).toMatch(/CustomerProfileDto$/);
    });
  });

  describe('reading your own writes (X-Min-Position)', () => {
    it('wait for the projections, answer 503 projection-lag after 5 s, and the fresh data once projected', async () => {
      const position = await ingest('acme', [ev('NpsResponded', '2025-06-15T09:00:00Z', { surveyId: 'S-3', score: 10 })]);

      const started = Date.now();
      const lagging = await get('/v1/insights/nps').set('X-Min-Position', String(position));
      expect(lagging.status).toBe(503);
      expect(lagging.body).toMatchObject({ error: 'projection-lag', position });
      expect(Date.now() - started).toBeGreaterThanOrEqual(4900);

      const waiting = get('/v1/insights/nps').set('X-Min-Position', String(position)).then((response) => response);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await runner.catchUp();
      const fresh = await waiting;
      expect(fresh.status).toBe(200);
      expect(fresh.body).toMatchObject({ responses: 4, promoters: 2 });

      const done = await get('/v1/customers/acme', 'sales').set('X-Min-Position', String(position));
      expect(done.status).toBe(200);
      expect(done.body.nps).toEqual({ lastScore: 10, category: 'promoter', lastImprovement: null });
    });
  });

  describe('customer definition', () => {
    it('only admins change it; 400 names the bad setting', async () => {
      const put = (body: unknown, role = 'admin') =>
        request(url).put('/v1/admin/customer-definition').set('Authorization', bearer(role)).send(body as object);
      expect((await put({ version: 2, departAfterDays: 100 }, 'analyst')).status).toBe(403);
      const negative = await put({ version: 2, departAfterDays: -1 });
      expect(negative.status).toBe(400);
      expect(negative.body.details).toEqual([{ path: 'departAfterDays', message: expect.stringContaining('greater than 0') }]);
      const stale = await put({ version: 1 });
      expect(stale.status).toBe(400);
      expect(stale.body.details).toEqual([{ path: 'version', message: expect.stringContaining('greater than the active version 1') }]);
      const unknown = await put({ version: 2, loyalAfterDays: 3 });
      expect(unknown.body.details).toEqual([{ path: 'loyalAfterDays', message: 'is not a customer-definition setting' }]);
      expect(rebuild).toBeNull();
    });

    it('store a new version, view profiles with it at once, and re-derive phase histories by a rebuild', async () => {
      const response = await request(url)
        .put('/v1/admin/customer-definition')
        .set('Authorization', bearer('admin'))
        .send({ version: 2, departAfterDays: 100 });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        definition: { version: 2, loyalWithinDays: 365, departAfterDays: 100, complaintTargetHours: 24, complaintTargetShare: 0.9, purchaseGapFraction: 0.5, detractorMaxScore: 6, promoterMinScore: 9 },
        rebuild: 'requested',
      });
      expect((await get('/v1/admin/customer-definition')).body).toMatchObject({ version: 2, departAfterDays: 100 });
      // Profiles and segments hold facts, so the new rules apply at once: Dekker bought 172 days ago.
      expect((await get('/v1/customers/dekker')).body).toMatchObject({ lifecyclePhase: 'departed', definitionVersion: 2 });
      expect((await get('/v1/customers?phase=departed')).body.items.map((item: { customerId: string }) => item.customerId)).toEqual([
        'acme',
        'bakker',
        'dekker',
      ]);

      expect(rebuild).not.toBeNull();
      await rebuild;
      expect((await get('/v1/insights/lifecycle')).body.phases).toEqual({ prospect: 8, 'new-customer': 0, 'loyal-customer': 0, departed: 3 });
      const { rows } = await db.pool.query('SELECT DISTINCT definition_version FROM read_models.lifecycle_phase_history');
      expect(rows).toEqual([{ definition_version: 2 }]);
      // The definitions are configuration, not a read model: the rebuild's schema swap carried them over.
      expect((await get('/v1/admin/customer-definition')).body).toMatchObject({ version: 2, departAfterDays: 100 });
      expect((await get('/v1/customers/acme')).body).toMatchObject({ lifecyclePhase: 'departed', definitionVersion: 2 });
    });
  });
});
