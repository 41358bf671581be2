/**
 * The fixture the ingest API's integration specs share: a Nest app listening on a real port, real HTTP, the
 * PostgreSQL event store on a database of its own. Each spec file calls `useIngestApp()` once at module level, so
 * every file gets its own database and app and the files can run in parallel without seeing each other's streams.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule } from '@klantcentraal/auth';
import type { ApiKeySpec } from '@klantcentraal/config';
import {
  EVENT_STORE_MIGRATIONS,
  PostgresEventStore,
  type EventStore,
  type RecordedEvent,
} from '@klantcentraal/event-store';
import { configureHttpApp, HealthModule, Readiness } from '@klantcentraal/http';
import { runMigrations } from '@klantcentraal/postgres';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { IngestApiModule } from '../index';

export const INGEST_KEY = 'test-ingest-key-0001-long-enough';
export const ANALYST_KEY = 'test-analyst-key-0001-long-enough';
export const ADMIN_KEY = 'test-admin-key-00001-long-enough';
const KEYS: ApiKeySpec[] = [
  { key: INGEST_KEY, name: 'crm-sync', roles: ['ingest'] },
  { key: ANALYST_KEY, name: 'bi-team', roles: ['analyst', 'sales'] },
  { key: ADMIN_KEY, name: 'ops', roles: ['admin'] },
];

export type Envelope = {
  eventId?: string;
  type: string;
  occurredAt?: string;
  data?: unknown;
  recordedBy?: unknown;
  [extra: string]: unknown;
};

export const prospect = (name = 'Acme BV'): Envelope => ({ type: 'ProspectRegistered', data: { name, size: 'medium' } });
export const mailSent = (mailId = 'm-1'): Envelope => ({ type: 'MailSent', data: { mailId } });
export const complaintFiled = (complaintId: string): Envelope => ({ type: 'ComplaintFiled', data: { complaintId, category: 'delivery' } });
export const complaintResolved = (complaintId: string): Envelope => ({ type: 'ComplaintResolved', data: { complaintId } });
export const quoteRequested = (quoteId: string): Envelope => ({ type: 'QuoteRequested', data: { quoteId, expectedWithinDays: 3 } });
export const quoteSent = (quoteId: string): Envelope => ({ type: 'QuoteSent', data: { quoteId, amount: 1200, currency: 'EUR' } });
export const withId = (event: Envelope): Envelope => ({ eventId: randomUUID(), ...event });

export const paths = (body: { details?: { path: string }[] }) => (body.details ?? []).map((d) => d.path);

let counter = 0;
export const newCustomerId = () => `c-${++counter}-${randomUUID().slice(0, 8)}`;

/**
 * Starts the app in `beforeAll` and stops it in `afterAll` of the calling spec file. The helpers are bound to that
 * app; `clock.now` is what the API reads as "now", `appendGate.delayMs` delays every append so that concurrent
 * requests all load the stream before any of them appends.
 */
export function useIngestApp() {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let app: INestApplication;
  let baseUrl = '';
  const clock = { now: new Date('2026-04-01T12:00:00.000Z') };
  const appendGate = { delayMs: 0 };

  beforeAll(async () => {
    db = await createTestDatabase('kc_ingest_api');
    await runMigrations(db.url, EVENT_STORE_MIGRATIONS);
    store = new PostgresEventStore(db.pool);
    const gated: EventStore = new Proxy(store, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        if (property !== 'appendToStream' && property !== 'appendMany') return value.bind(target);
        return async (...args: unknown[]) => {
          if (appendGate.delayMs) await new Promise((resolve) => setTimeout(resolve, appendGate.delayMs));
          return value.apply(target, args);
        };
      },
    });

    @Module({
      imports: [
        AuthModule.forRoot({ keys: KEYS }),
        HealthModule.register({ checks: { database: () => db.pool.query('SELECT 1') } }),
        IngestApiModule.register({ eventStore: gated, clock: () => clock.now }),
      ],
    })
    class TestRoot {}

    const moduleRef = await Test.createTestingModule({ imports: [TestRoot] }).compile();
    app = moduleRef.createNestApplication({ bodyParser: false, logger: ['error', 'warn'] });
    configureHttpApp(app, { title: 'ingest test', bodyLimit: '5mb' });
    await app.listen(0, '127.0.0.1');
    app.get(Readiness).markReady();
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await db?.drop();
  });

  /** A supertest agent on the running app (a function: the port is known only once `beforeAll` ran). */
  const http = () => request(baseUrl);
  const post = (path: string, body: unknown, key: string | null = INGEST_KEY) => {
    const req = http().post(path);
    if (key) req.set('Authorization', `Bearer ${key}`);
    return req.send(body as object);
  };
  const append = (customerId: string, body: { expectedRevision?: unknown; events: Envelope[] } | unknown, key?: string | null) =>
    post(`/v1/customers/${customerId}/events`, body, key);
  const bulk = (events: unknown[], key?: string | null) => post('/v1/events', { events }, key);

  async function readStream(customerId: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of store.readStream(`customer-${customerId}`)) events.push(event);
    return events;
  }

  /** A customer whose stream holds `events` (after a ProspectRegistered), returning the response body. */
  async function givenCustomer(...events: Envelope[]): Promise<{ customerId: string; lastRevision: number; lastPosition: number }> {
    const customerId = newCustomerId();
    const res = await append(customerId, { events: [prospect(), ...events] }).expect(201);
    return res.body;
  }

  return { clock, appendGate, http, post, append, bulk, readStream, givenCustomer };
}
