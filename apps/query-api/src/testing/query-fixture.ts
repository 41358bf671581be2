/**
 * The fixture the query API's integration specs share: real PostgreSQL, real HTTP. Touchpoints of a handful of
 * customers go in through the ingest API, the projection runner folds them into the read models, and the query API
 * answers from those. Each spec file calls `useQueryApp()` once, so each gets its own database seeded the same way
 * and no file depends on what another one changed (a new customer definition, an extra event).
 */
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { AuthModule } from '@klantcentraal/auth';
import type { ApiKeySpec } from '@klantcentraal/config';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { configureHttpApp } from '@klantcentraal/http';
// The specs drive the ingest API over HTTP as a client would; production code of this app never imports it.
import { IngestApiModule } from '@klantcentraal/ingest-api';
import { runMigrations } from '@klantcentraal/postgres';
import { PROJECTION_RUNNER_MIGRATIONS, ProjectionRunner } from '@klantcentraal/projections';
import { createProjections, READ_MODEL_MIGRATIONS } from '@klantcentraal/read-models';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { QueryApiModule } from '../query-api.module';

export const KEYS: ApiKeySpec[] = [
  { key: 'k-ingest-0123456789-abcdef', name: 'crm-sync', roles: ['ingest'] },
  { key: 'k-analyst-0123456789-abcdef', name: 'analyst', roles: ['analyst'] },
  { key: 'k-sales-0123456789-abcdef', name: 'sales', roles: ['sales'] },
  { key: 'k-auditor-0123456789-abcdef', name: 'auditor', roles: ['auditor'] },
  { key: 'k-admin-0123456789-abcdef', name: 'admin', roles: ['admin'] },
];
export const bearer = (role: string) => `Bearer ${KEYS.find((k) => k.roles.includes(role as never))!.key}`;

export type Envelope = { type: string; occurredAt: string; data: Record<string, unknown> };
export const ev = (type: string, occurredAt: string, data: Record<string, unknown>): Envelope => ({ type, occurredAt, data });
export const purchase = (orderId: string, occurredAt: string, total = 100) =>
  ev('PurchaseMade', occurredAt, { orderId, lines: [{ sku: 'PAP-A4-80', category: 'paper', quantity: 4, unitPrice: total / 4 }], total, currency: 'EUR' });
export const stage = (opportunityId: string, stageName: string, occurredAt: string, value?: number) =>
  ev('OpportunityStageChanged', occurredAt, { opportunityId, stage: stageName, ...(value !== undefined && { value }) });

export const CUSTOMERS: Record<string, Envelope[]> = {
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
export const PROSPECTS = Array.from({ length: 7 }, (_, index) => `p-0${index + 1}`);
export const JULY = '2025-07-01T00:00:00.000Z';

/** What `beforeAll` builds; read it inside tests only (it is empty before). */
export type QueryAppState = { db: TestDatabase; runner: ProjectionRunner; rebuild: Promise<unknown> | null };

/**
 * Starts the app and seeds it in `beforeAll`, stops it in `afterAll`; `clock.now` is the query API's "now", reset to
 * JULY before each test.
 */
export function useQueryApp() {
  const state = { rebuild: null } as QueryAppState;
  let store: PostgresEventStore;
  let app: INestApplication;
  let url: string;
  const clock = { now: new Date(JULY) };

  /** A supertest agent on the running app (a function: the URL is known only once `beforeAll` ran). */
  const http = () => request(url);
  const get = (path: string, role = 'analyst') => http().get(path).set('Authorization', bearer(role));
  const ingest = async (customerId: string, events: Envelope[]) => {
    const response = await http()
      .post(`/v1/customers/${customerId}/events`)
      .set('Authorization', bearer('ingest'))
      .send({ events });
    expect(response.status).toBe(201);
    return response.body.lastPosition as number;
  };

  beforeAll(async () => {
    const db = (state.db = await createTestDatabase('kc_query_api'));
    await runMigrations(db.url, [...EVENT_STORE_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS, ...READ_MODEL_MIGRATIONS]);
    store = new PostgresEventStore(db.pool);
    const quiet = { log: () => undefined, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
    const runner = (state.runner = new ProjectionRunner({ pool: db.pool, store, projections: createProjections(), logger: quiet }));

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
            clock: () => clock.now,
            requestRebuild: () => (state.rebuild = runner.rebuild()),
          }),
        ],
      },
      { bodyParser: false, logger: ['error'] },
    );
    configureHttpApp(app, { title: 'query API e2e' });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();

    for (const [customerId, events] of Object.entries(CUSTOMERS)) await ingest(customerId, events);
    const bulk = await http()
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
    await state.rebuild?.catch(() => undefined);
    await app?.close();
    await store?.close();
    await state.db?.drop();
  });

  beforeEach(() => {
    clock.now = new Date(JULY);
  });

  return { clock, state, http, get, ingest };
}
