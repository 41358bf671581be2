/**
 * The audit API end to end: a Nest app on a real port with the ingest API beside it (events are recorded the way
 * clients record them), real HTTP, the PostgreSQL event store on a database of its own. History (order, fields,
 * hashes, JSON and NDJSON), both as-of bases including a late-recorded event, verification of clean and tampered
 * streams, and roles.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule } from '@klantcentraal/auth';
import type { ApiKeySpec } from '@klantcentraal/config';
import { DEFAULT_CUSTOMER_DEFINITION, replayCustomerProfile, viewCustomerProfile } from '@klantcentraal/domain';
import {
  computeEventHash,
  EVENT_STORE_MIGRATIONS,
  GENESIS_HASH,
  PostgresEventStore,
  type EventToAppend,
  type RecordedEvent,
} from '@klantcentraal/event-store';
import { configureHttpApp } from '@klantcentraal/http';
import { IngestApiModule } from '@klantcentraal/ingest-api';
import { runMigrations } from '@klantcentraal/postgres';
import { toStoredCustomerEvents } from '@klantcentraal/read-models';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { AuditApiModule } from './index';

const KEYS: ApiKeySpec[] = [
  { key: 'test-auditor-key-0001-long-enough', name: 'auditor', roles: ['auditor'] },
  { key: 'test-admin-key-000001-long-enough', name: 'ops', roles: ['admin'] },
  { key: 'test-ingest-key-00001-long-enough', name: 'crm-sync', roles: ['ingest'] },
  { key: 'test-analyst-key-0001-long-enough', name: 'bi', roles: ['analyst'] },
  { key: 'test-sales-key-000001-long-enough', name: 'sales', roles: ['sales'] },
];
const [AUDITOR, ADMIN, INGEST, ANALYST, SALES] = KEYS.map((k) => k.key);

let db: TestDatabase;
let store: PostgresEventStore;
let app: INestApplication;
let baseUrl: string;

beforeAll(async () => {
  db = await createTestDatabase('kc_audit_api');
  await runMigrations(db.url, EVENT_STORE_MIGRATIONS);
  store = new PostgresEventStore(db.pool);

  @Module({
    imports: [
      AuthModule.forRoot({ keys: KEYS }),
      IngestApiModule.register({ eventStore: store }),
      AuditApiModule.register({ eventStore: store }),
    ],
  })
  class TestRoot {}

  const moduleRef = await Test.createTestingModule({ imports: [TestRoot] }).compile();
  app = moduleRef.createNestApplication({ bodyParser: false, logger: ['error', 'warn'] });
  configureHttpApp(app, { title: 'audit test' });
  await app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  await db?.drop();
});

// ---------------------------------------------------------------------------------------------------------------
// helpers

const get = (path: string, key: string | null = AUDITOR) => {
  const req = request(baseUrl).get(path);
  return key ? req.set('Authorization', `Bearer ${key}`) : req;
};

type Envelope = { type: string; data: Record<string, unknown>; occurredAt?: string; recordedBy?: { userId: string; department?: string } };
const record = (customerId: string, events: Envelope[]) =>
  request(baseUrl).post(`/v1/customers/${customerId}/events`).set('Authorization', `Bearer ${INGEST}`).send({ events }).expect(201);

const newCustomerId = () => `audit-${randomUUID().slice(0, 12)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readAll(customerId: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(`customer-${customerId}`)) events.push(event);
  return events;
}

/** A customer with a short story, recorded in two requests. */
async function givenCustomer(): Promise<string> {
  const customerId = newCustomerId();
  await record(customerId, [
    { type: 'ProspectRegistered', data: { name: 'Bakkerij De Vries BV', size: 'medium', industry: 'food' }, occurredAt: '2026-01-05T09:00:00Z' },
    { type: 'QuoteRequested', data: { quoteId: 'Q-1', expectedWithinDays: 5 }, occurredAt: '2026-01-06T10:00:00+01:00' },
  ]);
  await record(customerId, [
    { type: 'QuoteSent', data: { quoteId: 'Q-1', amount: 1200.5, currency: 'EUR' }, occurredAt: '2026-01-08T10:00:00Z', recordedBy: { userId: 'u-17', department: 'marketing-sales' } },
    { type: 'PurchaseMade', data: { orderId: 'O-1', lines: [{ sku: 'S-1', quantity: 2, unitPrice: 600.25 }], total: 1200.5, currency: 'EUR' }, occurredAt: '2026-01-10T12:00:00Z' },
  ]);
  return customerId;
}

// ---------------------------------------------------------------------------------------------------------------

describe('GET /v1/audit/customers/:id/events', () => {
  it('answers the whole stream in order with positions, both timestamps, recordedBy and a verifiable hash chain', async () => {
    const customerId = await givenCustomer();
    const stored = await readAll(customerId);
    const res = await get(`/v1/audit/customers/${customerId}/events`).expect(200).expect('Content-Type', /application\/json/);
    expect(res.body.customerId).toBe(customerId);
    const events = res.body.events as Record<string, unknown>[];
    expect(events.map((e) => [e.streamRevision, e.type])).toEqual([
      [0, 'ProspectRegistered'],
      [1, 'QuoteRequested'],
      [2, 'QuoteSent'],
      [3, 'PurchaseMade'],
    ]);
    expect(events[1]).toEqual({
      streamRevision: 1,
      globalPosition: stored[1].globalPosition,
      eventId: stored[1].eventId,
      type: 'QuoteRequested',
      occurredAt: '2026-01-06T09:00:00.000Z',
      recordedAt: stored[1].recordedAt,
      recordedBy: { userId: 'crm-sync' },
      data: { quoteId: 'Q-1', expectedWithinDays: 5 },
      metadata: stored[1].metadata,
      hash: stored[1].hash,
      previousHash: stored[0].hash,
      stream: `customer-${customerId}`,
    });
    expect(events[2].recordedBy).toEqual({ userId: 'u-17', department: 'marketing-sales' });
    const positions = events.map((e) => e.globalPosition as number);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // Each line alone is enough to recompute its hash; the chain links from 64 zeros.
    let previous = GENESIS_HASH;
    for (const e of events) {
      expect(e.previousHash).toBe(previous);
      expect(computeEventHash(previous, e as unknown as RecordedEvent)).toBe(e.hash);
      previous = e.hash as string;
    }
  });

  it('streams NDJSON with Accept: application/x-ndjson: one event per line, the same events', async () => {
    const customerId = await givenCustomer();
    const json = await get(`/v1/audit/customers/${customerId}/events`).expect(200);
    const res = await get(`/v1/audit/customers/${customerId}/events`)
      .set('Accept', 'application/x-ndjson')
      .buffer(true)
      .parse((response, callback) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => callback(null, text));
      })
      .expect(200)
      .expect('Content-Type', /application\/x-ndjson/);
    const text = res.body as string;
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual(json.body.events);
  });

  it('404 for a customer without a stream, 400 for a malformed customer id', async () => {
    expect((await get(`/v1/audit/customers/${newCustomerId()}/events`).expect(404)).body.error).toBe('not-found');
    const bad = await get('/v1/audit/customers/-bad!/events').expect(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['customerId']);
  });
});

describe('GET /v1/audit/customers/:id/state (bitemporal)', () => {
  it('recorded = what was known at asOf; occurred = what was true at asOf, including a late-recorded event', async () => {
    const customerId = newCustomerId();
    await record(customerId, [
      { type: 'ProspectRegistered', data: { name: 'Acme BV', size: 'large' }, occurredAt: '2026-01-01T09:00:00Z' },
      { type: 'PurchaseMade', data: { orderId: 'O-1', lines: [{ sku: 'S-1', quantity: 1, unitPrice: 100 }], total: 100, currency: 'EUR' }, occurredAt: '2026-01-10T09:00:00Z' },
    ]);
    await sleep(5);
    const asOf = new Date().toISOString(); // after the first recording …
    await sleep(5);
    // … and then, recorded late: an NPS answer that occurred on 2026-01-20, and a complaint that occurred later.
    await record(customerId, [
      { type: 'NpsResponded', data: { surveyId: 'S-1', score: 3, improvement: 'call back sooner' }, occurredAt: '2026-01-20T09:00:00Z' },
      { type: 'ComplaintFiled', data: { complaintId: 'C-1', category: 'delivery' }, occurredAt: '2099-01-01T00:00:00Z' },
    ]);
    const stored = await readAll(customerId);
    expect(Date.parse(stored[2].recordedAt)).toBeGreaterThan(Date.parse(asOf));

    const recorded = (await get(`/v1/audit/customers/${customerId}/state?asOf=${asOf}&basis=recorded`).expect(200)).body;
    expect(recorded).toMatchObject({
      customerId,
      name: 'Acme BV',
      lifecyclePhase: 'new-customer',
      nps: { lastScore: null, category: null, lastImprovement: null },
      touchpoints: { total: 2 },
      basis: 'recorded',
      asOf,
      eventsConsidered: 2,
      lastPosition: stored[1].globalPosition,
    });

    const occurred = (await get(`/v1/audit/customers/${customerId}/state?asOf=${asOf}&basis=occurred`).expect(200)).body;
    expect(occurred).toMatchObject({
      nps: { lastScore: 3, category: 'detractor', lastImprovement: 'call back sooner' },
      loyalty: { status: 'at-risk', reasons: ['detractor', 'purchase-gap'] },
      complaints: { open: 0, resolved: 0 }, // filed in 2099: not true yet at asOf
      touchpoints: { total: 3 },
      basis: 'occurred',
      eventsConsidered: 3,
      lastPosition: stored[2].globalPosition,
    });
    // The same pure fold and view as the projection: occurred = view(replay(all events), asOf).
    const { basis: _b, eventsConsidered: _e, lastPosition: _l, ...profile } = occurred;
    const state = replayCustomerProfile(toStoredCustomerEvents(stored), DEFAULT_CUSTOMER_DEFINITION)!;
    expect(profile).toEqual(JSON.parse(JSON.stringify(viewCustomerProfile(state, asOf, DEFAULT_CUSTOMER_DEFINITION))));

    // Occurred-time travel: before the purchase the customer was a prospect, before registration there was nobody.
    const before = (await get(`/v1/audit/customers/${customerId}/state?asOf=2026-01-05T00:00:00%2B01:00&basis=occurred`).expect(200)).body;
    expect(before).toMatchObject({ lifecyclePhase: 'prospect', asOf: '2026-01-04T23:00:00.000Z', eventsConsidered: 1 });
    await get(`/v1/audit/customers/${customerId}/state?asOf=2025-12-31T00:00:00Z&basis=occurred`).expect(404);
    // Recorded-time travel before the first recording: nothing was known yet.
    const notKnown = await get(`/v1/audit/customers/${customerId}/state?asOf=2026-01-20T00:00:00Z&basis=recorded`).expect(404);
    expect(notKnown.body.message).toMatch(/not registered as of 2026-01-20T00:00:00.000Z/);
    // Without asOf and basis: now, as recorded — the live profile.
    expect((await get(`/v1/audit/customers/${customerId}/state`).expect(200)).body).toMatchObject({ basis: 'recorded', eventsConsidered: 4 });
  });

  it('400 naming asOf and basis when they are bad; 404 for an unknown customer', async () => {
    const customerId = await givenCustomer();
    const bad = await get(`/v1/audit/customers/${customerId}/state?asOf=yesterday&basis=whenever`).expect(400);
    expect(bad.body.error).toBe('validation');
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['asOf', 'basis']);
    const noZone = await get(`/v1/audit/customers/${customerId}/state?asOf=2026-01-01T10:00:00&basis=occurred`).expect(400);
    expect(noZone.body.details.map((d: { path: string }) => d.path)).toEqual(['asOf']);
    await get(`/v1/audit/customers/${customerId}/state?asOf=2026-01-01T10:00:00Z&extra=1`).expect(400);
    await get(`/v1/audit/customers/${newCustomerId()}/state?asOf=2026-01-01T10:00:00Z&basis=occurred`).expect(404);
  });
});

describe('GET /v1/audit/customers/:id/verify', () => {
  it('valid on a clean stream, with the last hash to anchor elsewhere', async () => {
    const customerId = await givenCustomer();
    const stored = await readAll(customerId);
    expect((await get(`/v1/audit/customers/${customerId}/verify`).expect(200)).body).toEqual({
      valid: true,
      events: 4,
      lastHash: stored[3].hash,
      lastRevision: 3,
    });
    await get(`/v1/audit/customers/${newCustomerId()}/verify`).expect(404);
  });

  it('names the first invalid revision of a tampered stream: a changed field, a deleted event, swapped revisions', async () => {
    const customerId = await givenCustomer();
    const stream = `customer-${customerId}`;
    const verify = async () => (await get(`/v1/audit/customers/${customerId}/verify`).expect(200)).body;
    // Each tampering is committed (the API reads through other connections), then the stream is restored.
    const client = await db.pool.connect();
    const { rows: original } = await client.query('SELECT * FROM event_store.events WHERE stream = $1 ORDER BY stream_revision', [stream]);
    client.release();
    const restore = async () => {
      await db.pool.query('DELETE FROM event_store.events WHERE stream = $1', [stream]);
      for (const row of original) {
        const columns = Object.keys(row);
        await db.pool.query(
          `INSERT INTO event_store.events (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
          columns.map((c) => (c === 'data' || c === 'metadata' ? JSON.stringify(row[c]) : row[c])),
        );
      }
    };
    const cases: [string, string, number, string][] = [
      ['data', `UPDATE event_store.events SET data = jsonb_set(data, '{amount}', '1300') WHERE stream = $1 AND stream_revision = 2`, 2, 'hash-mismatch'],
      ['occurredAt', `UPDATE event_store.events SET metadata = jsonb_set(metadata, '{occurredAt}', '"2026-01-07T10:00:00.000Z"') WHERE stream = $1 AND stream_revision = 1`, 1, 'hash-mismatch'],
      ['delete', `DELETE FROM event_store.events WHERE stream = $1 AND stream_revision = 1`, 1, 'revision-gap'],
      ['delete last', `DELETE FROM event_store.events WHERE stream = $1 AND stream_revision = 3`, 3, 'revision-gap'],
      [
        'swap revisions 0 and 2',
        `UPDATE event_store.events SET stream_revision = 1000 WHERE stream = $1 AND stream_revision = 0;
         UPDATE event_store.events SET stream_revision = 0 WHERE stream = $1 AND stream_revision = 2;
         UPDATE event_store.events SET stream_revision = 2 WHERE stream = $1 AND stream_revision = 1000`,
        0,
        'previous-hash-mismatch',
      ],
    ];
    for (const [label, sql, revision, reason] of cases) {
      for (const statement of sql.split(';')) await db.pool.query(statement, [stream]);
      try {
        expect({ label, ...(await verify()) }).toMatchObject({ label, valid: false, events: expect.any(Number), firstInvalidRevision: revision, reason });
      } finally {
        await restore();
      }
      expect((await verify()).valid).toBe(true);
    }
  });
});

describe('roles', () => {
  it('only auditor and admin: 401 without a key, 403 for ingest, analyst and sales keys', async () => {
    const customerId = await givenCustomer();
    for (const endpoint of ['events', 'state?asOf=2026-02-01T00:00:00Z&basis=occurred', 'verify']) {
      const path = `/v1/audit/customers/${customerId}/${endpoint}`;
      expect((await get(path, null).expect(401)).body.error).toBe('unauthorized');
      await get(path, 'not-a-key-at-all-000').expect(401);
      for (const key of [INGEST, ANALYST, SALES]) expect((await get(path, key).expect(403)).body.error).toBe('forbidden');
      await get(path, AUDITOR).expect(200);
      await get(path, ADMIN).expect(200);
    }
  });

  it('the endpoints are in the OpenAPI document', async () => {
    const doc = (await request(baseUrl).get('/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/audit/customers/{customerId}/events',
        '/v1/audit/customers/{customerId}/state',
        '/v1/audit/customers/{customerId}/verify',
      ]),
    );
  });
});

describe('a 100 000-event stream', () => {
  const EVENTS = 100_000;
  const customerId = `long-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const stream = `customer-${customerId}`;
    const event = (i: number): EventToAppend => {
      const type = i === 0 ? 'ProspectRegistered' : 'WebsiteVisited';
      const data = i === 0 ? { name: 'Long BV', size: 'small' } : { url: `https://example.com/page/${i}`, durationSeconds: i % 600 };
      const metadata = { occurredAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(), recordedBy: { userId: 'u-1' }, schemaVersion: 1, customerId };
      return { eventId: randomUUID(), type, data, metadata, idempotencyPayload: { type, data } };
    };
    for (let batch = 0; batch < EVENTS / 1000; batch++) {
      await store.appendToStream(stream, batch === 0 ? 'no-stream' : batch * 1000 - 1, Array.from({ length: 1000 }, (_, i) => event(batch * 1000 + i)));
    }
  }, 300_000);

  it('streams as NDJSON in order, in constant memory (the heap grows by far less than the stream)', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let lines = 0;
    let bytes = 0;
    let lastPosition = 0;
    let outOfOrder = 0;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(
        `${baseUrl}/v1/audit/customers/${customerId}/events`,
        { headers: { Authorization: `Bearer ${AUDITOR}`, Accept: 'application/x-ndjson' } },
        (res) => {
          expect(res.statusCode).toBe(200);
          res.setEncoding('utf8');
          let rest = '';
          res.on('data', (chunk: string) => {
            bytes += chunk.length;
            const parts = (rest + chunk).split('\n');
            rest = parts.pop()!;
            for (const line of parts) {
              const e = JSON.parse(line) as { streamRevision: number; globalPosition: number };
              if (e.streamRevision !== lines || e.globalPosition <= lastPosition) outOfOrder += 1;
              lastPosition = e.globalPosition;
              lines += 1;
              if (lines % 10_000 === 0) {
                gc();
                peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
              }
            }
          });
          res.on('end', () => (rest === '' ? resolve() : reject(new Error(`unterminated last line: ${rest.slice(0, 80)}`))));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
    });
    console.log(`[audit] ${lines} NDJSON lines, ${(bytes / 1e6).toFixed(1)} MB streamed; live heap grew by at most ${(peak / 1e6).toFixed(1)} MB`);
    expect({ lines, outOfOrder }).toEqual({ lines: EVENTS, outOfOrder: 0 });
    expect(bytes).toBeGreaterThan(50e6); // the whole stream is far bigger …
    expect(peak).toBeLessThan(40e6); // … than what was ever held
  }, 300_000);

  it('verifies the long stream page by page', async () => {
    expect((await get(`/v1/audit/customers/${customerId}/verify`).expect(200)).body).toMatchObject({ valid: true, events: EVENTS, lastRevision: EVENTS - 1 });
  }, 300_000);
});
