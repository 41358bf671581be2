/**
 * The ingest API end to end: a Nest app listening on a real port, real HTTP, the PostgreSQL event store on a
 * database of its own. Every rule of the contract's two POST endpoints has a test here that fails without it.
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
import { IngestApiModule } from './index';

const INGEST_KEY = 'test-ingest-key-0001-long-enough';
const ANALYST_KEY = 'test-analyst-key-0001-long-enough';
const ADMIN_KEY = 'test-admin-key-00001-long-enough';
const KEYS: ApiKeySpec[] = [
  { key: INGEST_KEY, name: 'crm-sync', roles: ['ingest'] },
  { key: ANALYST_KEY, name: 'bi-team', roles: ['analyst', 'sales'] },
  { key: ADMIN_KEY, name: 'ops', roles: ['admin'] },
];

type Envelope = {
  eventId?: string;
  type: string;
  occurredAt?: string;
  data?: unknown;
  recordedBy?: unknown;
  [extra: string]: unknown;
};

let db: TestDatabase;
let store: PostgresEventStore;
let app: INestApplication;
let baseUrl: string;
let now = new Date('2026-04-01T12:00:00.000Z');
/** Delays every append, so that concurrent requests all load the stream before any of them appends. */
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
      IngestApiModule.register({ eventStore: gated, clock: () => now }),
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

// ---------------------------------------------------------------------------------------------------------------
// helpers

const post = (path: string, body: unknown, key: string | null = INGEST_KEY) => {
  const req = request(baseUrl).post(path);
  if (key) req.set('Authorization', `Bearer ${key}`);
  return req.send(body as object);
};
const append = (customerId: string, body: { expectedRevision?: unknown; events: Envelope[] } | unknown, key?: string | null) =>
  post(`/v1/customers/${customerId}/events`, body, key);
const bulk = (events: unknown[], key?: string | null) => post('/v1/events', { events }, key);

let counter = 0;
const newCustomerId = () => `c-${++counter}-${randomUUID().slice(0, 8)}`;

const prospect = (name = 'Acme BV'): Envelope => ({ type: 'ProspectRegistered', data: { name, size: 'medium' } });
const mailSent = (mailId = 'm-1'): Envelope => ({ type: 'MailSent', data: { mailId } });
const complaintFiled = (complaintId: string): Envelope => ({ type: 'ComplaintFiled', data: { complaintId, category: 'delivery' } });
const complaintResolved = (complaintId: string): Envelope => ({ type: 'ComplaintResolved', data: { complaintId } });
const quoteRequested = (quoteId: string): Envelope => ({ type: 'QuoteRequested', data: { quoteId, expectedWithinDays: 3 } });
const quoteSent = (quoteId: string): Envelope => ({ type: 'QuoteSent', data: { quoteId, amount: 1200, currency: 'EUR' } });
const withId = (event: Envelope): Envelope => ({ eventId: randomUUID(), ...event });

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

const paths = (body: { details?: { path: string }[] }) => (body.details ?? []).map((d) => d.path);

// ---------------------------------------------------------------------------------------------------------------

describe('POST /v1/customers/:customerId/events', () => {
  it('appends a batch and answers 201 with revisions and global positions', async () => {
    const customerId = newCustomerId();
    const first = await append(customerId, { events: [prospect(), mailSent()] }).expect(201);
    expect(first.body).toEqual({
      customerId,
      firstRevision: 0,
      lastRevision: 1,
      firstPosition: expect.any(Number),
      lastPosition: first.body.firstPosition + 1,
    });
    expect(first.body.firstPosition).toBeGreaterThan(0);

    const second = await append(customerId, { expectedRevision: 1, events: [mailSent('m-2')] }).expect(201);
    expect(second.body).toMatchObject({ customerId, firstRevision: 2, lastRevision: 2 });
    expect(second.body.firstPosition).toBeGreaterThan(first.body.lastPosition);
    expect(second.body.lastPosition).toBe(second.body.firstPosition);

    const stored = await readStream(customerId);
    expect(stored.map((e) => [e.streamRevision, e.type])).toEqual([
      [0, 'ProspectRegistered'],
      [1, 'MailSent'],
      [2, 'MailSent'],
    ]);
    expect(stored.map((e) => e.globalPosition)).toEqual([first.body.firstPosition, first.body.lastPosition, second.body.firstPosition]);
  });

  it('accepts one valid event of every catalogue type, optional fields and edge values included', async () => {
    const customerId = newCustomerId();
    const events: Envelope[] = [
      { type: 'ProspectRegistered', data: { name: 'Acme BV', size: 'enterprise', industry: 'food', source: 'fair' } },
      { type: 'ContactAdded', data: { contactId: 'p-1', name: 'Anna', email: 'anna@example.com', dmuRole: 'decision-maker' } },
      { type: 'AccountManagerAssigned', data: { employeeId: 'e-1', salesRole: 'key-account-manager' } },
      { type: 'MailSent', data: { mailId: 'm-1', campaignId: 'spring', subject: 'Offer' } },
      { type: 'MailOpened', data: { mailId: 'm-1' } },
      { type: 'MailClicked', data: { mailId: 'm-1', url: 'https://example.com/offer' } },
      { type: 'WebsiteVisited', data: { url: 'https://example.com/pricing', durationSeconds: 0 } },
      { type: 'MeetingHeld', data: { meetingId: 'mt-1', kind: 'video', contactIds: ['p-1'] } },
      { type: 'QuoteRequested', data: { quoteId: 'Q-1', expectedWithinDays: 0 } },
      { type: 'ExpectationAdjusted', data: { subjectId: 'Q-1', expectedBy: '2026-03-12T17:00:00+01:00' } },
      { type: 'QuoteSent', data: { quoteId: 'Q-1', amount: 1200.5, currency: 'EUR' } },
      { type: 'PromiseMade', data: { promiseId: 'P-1', subject: 'spare parts', expectedBy: '2026-03-10T00:00:00Z' } },
      { type: 'PromiseDelivered', data: { promiseId: 'P-1' } },
      {
        type: 'PurchaseMade',
        data: { orderId: 'O-1', lines: [{ sku: 'S-1', category: 'flour', quantity: 0.5, unitPrice: 0 }], total: 0, currency: 'USD' },
      },
      { type: 'ComplaintFiled', data: { complaintId: 'CP-1', category: 'delivery', severity: 'high' } },
      { type: 'ComplaintResolved', data: { complaintId: 'CP-1', resolution: 'refund' } },
      { type: 'NpsResponded', data: { surveyId: 'S-1', contactId: 'p-1', score: 0, improvement: 'faster delivery' } },
      { type: 'NpsResponded', data: { surveyId: 'S-2', score: 10 } },
      { type: 'OpportunityStageChanged', data: { opportunityId: 'op-1', stage: 'won', value: 5000 } },
      { type: 'RelationshipEnded', data: { initiatedBy: 'supplier', reason: 'moved abroad' } },
    ];
    const res = await append(customerId, { expectedRevision: 'no-stream', events }).expect(201);
    expect(res.body.lastRevision).toBe(events.length - 1);
    const stored = await readStream(customerId);
    expect(stored.map((e) => ({ type: e.type, data: e.data }))).toEqual(events.map(({ type, data }) => ({ type, data })));
  });

  it('fills server defaults: eventId, occurredAt = now, recordedBy = the API key name; metadata as specified', async () => {
    now = new Date('2026-04-02T08:30:00.000Z');
    const customerId = newCustomerId();
    const clientId = randomUUID();
    await append(customerId, {
      events: [
        prospect(),
        { eventId: clientId, ...mailSent(), occurredAt: '2026-03-01T11:00:00+01:00', recordedBy: { userId: 'u-17', department: 'service' } },
      ],
    }).expect(201);

    const [defaulted, given] = await readStream(customerId);
    expect(defaulted.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(defaulted.metadata).toEqual({
      occurredAt: '2026-04-02T08:30:00.000Z',
      recordedBy: { userId: 'crm-sync' },
      schemaVersion: 1,
      customerId,
    });
    expect(given.eventId).toBe(clientId);
    expect(given.metadata).toEqual({
      occurredAt: '2026-03-01T10:00:00.000Z',
      recordedBy: { userId: 'u-17', department: 'service' },
      schemaVersion: 1,
      customerId,
    });
  });

  describe('idempotency', () => {
    it('answers an identical retry with 200 and the original result, even when its expectedRevision is stale', async () => {
      const customerId = newCustomerId();
      const body = { expectedRevision: 'no-stream', events: [withId(prospect()), withId(mailSent())] };
      const original = await append(customerId, body).expect(201);
      await append(customerId, { events: [mailSent('m-later')] }).expect(201);

      const retry = await append(customerId, body).expect(200);
      expect(retry.body).toEqual(original.body);
      expect(await readStream(customerId)).toHaveLength(3);
    });

    it('ignores server defaults when comparing: a retry without occurredAt at a later time is the same request', async () => {
      const customerId = newCustomerId();
      const body = { events: [withId(prospect())] };
      now = new Date('2026-04-03T00:00:00Z');
      const original = await append(customerId, body).expect(201);
      now = new Date('2026-04-04T00:00:00Z');
      const retry = await append(customerId, body).expect(200);
      expect(retry.body).toEqual(original.body);
    });

    it('409 idempotency-conflict when a stored eventId arrives with a different payload', async () => {
      const customerId = newCustomerId();
      const event = withId(prospect('Acme BV'));
      await append(customerId, { events: [event] }).expect(201);

      const changed = await append(customerId, { events: [{ ...event, data: { name: 'Other BV', size: 'small' } }] }).expect(409);
      expect(changed.body).toMatchObject({ error: 'idempotency-conflict', message: expect.stringContaining('events[0]') });
      // occurredAt and recordedBy count where the client gives them.
      await append(customerId, { events: [{ ...event, occurredAt: '2026-01-01T00:00:00Z' }] })
        .expect(409)
        .expect((res) => expect(res.body.error).toBe('idempotency-conflict'));
      await append(customerId, { events: [{ ...event, recordedBy: { userId: 'u-1' } }] }).expect(409);
      expect(await readStream(customerId)).toHaveLength(1);
    });

    it('409 idempotency-conflict when a batch mixes stored and new eventIds', async () => {
      const customerId = newCustomerId();
      const stored = withId(prospect());
      await append(customerId, { events: [stored] }).expect(201);
      const res = await append(customerId, { events: [stored, withId(mailSent())] }).expect(409);
      expect(res.body).toMatchObject({ error: 'idempotency-conflict', message: expect.stringContaining('events[1]') });
      // An event without eventId is new as well.
      await append(customerId, { events: [stored, mailSent()] }).expect(409);
      expect(await readStream(customerId)).toHaveLength(1);
    });

    it('409 idempotency-conflict when a stored eventId is sent for another customer', async () => {
      const event = withId(prospect());
      await append(newCustomerId(), { events: [event] }).expect(201);
      const other = newCustomerId();
      await append(other, { events: [event] })
        .expect(409)
        .expect((res) => expect(res.body.error).toBe('idempotency-conflict'));
      expect(await readStream(other)).toHaveLength(0);
    });
  });

  describe('optimistic concurrency', () => {
    it('409 revision-conflict with expectedRevision and actualRevision when the expectation is stale', async () => {
      const { customerId } = await givenCustomer(mailSent()); // revisions 0..1
      const res = await append(customerId, { expectedRevision: 0, events: [mailSent('m-2')] }).expect(409);
      expect(res.body).toMatchObject({ error: 'revision-conflict', expectedRevision: 0, actualRevision: 1 });
      expect(typeof res.body.message).toBe('string');
      expect(await readStream(customerId)).toHaveLength(2);
    });

    it('409 revision-conflict for "no-stream" on an existing stream, before any rule is checked', async () => {
      const { customerId } = await givenCustomer(); // revision 0
      // A second ProspectRegistered would also break a rule: the stale expectation is what gets reported.
      const res = await append(customerId, { expectedRevision: 'no-stream', events: [prospect()] }).expect(409);
      expect(res.body).toMatchObject({ error: 'revision-conflict', expectedRevision: 'no-stream', actualRevision: 0 });
    });

    it('409 revision-conflict with actualRevision "no-stream" when a revision is expected of a new stream', async () => {
      const customerId = newCustomerId();
      const res = await append(customerId, { expectedRevision: 3, events: [prospect()] }).expect(409);
      expect(res.body).toMatchObject({ error: 'revision-conflict', expectedRevision: 3, actualRevision: 'no-stream' });
    });

    it('accepts "any" and the right revision', async () => {
      const { customerId } = await givenCustomer(); // revision 0
      await append(customerId, { expectedRevision: 'any', events: [mailSent()] }).expect(201);
      await append(customerId, { expectedRevision: 1, events: [mailSent('m-2')] }).expect(201);
    });

    it('without an expectation, concurrent appends all land, each decided on the state it extends', async () => {
      const { customerId } = await givenCustomer();
      appendGate.delayMs = 150;
      try {
        const results = await Promise.all(
          Array.from({ length: 4 }, (_, i) => append(customerId, { events: [mailSent(`m-${i}`), mailSent(`m-${i}b`)] })),
        );
        expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
        expect(results.map((r) => r.body.firstRevision).sort()).toEqual([1, 3, 5, 7]);
      } finally {
        appendGate.delayMs = 0;
      }
    });

    it('keeps the rules under concurrency: of two resolutions of one open complaint exactly one lands', async () => {
      const { customerId } = await givenCustomer(complaintFiled('CP-1'));
      appendGate.delayMs = 150;
      try {
        const results = await Promise.all([
          append(customerId, { events: [complaintResolved('CP-1')] }),
          append(customerId, { events: [complaintResolved('CP-1')] }),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
        expect(results.find((r) => r.status === 422)!.body.details[0].rule).toBe('complaint-not-open');
      } finally {
        appendGate.delayMs = 0;
      }
      expect((await readStream(customerId)).map((e) => e.type)).toEqual(['ProspectRegistered', 'ComplaintFiled', 'ComplaintResolved']);
    });

    it('answers concurrent identical requests once with 201 and once with 200', async () => {
      const customerId = newCustomerId();
      const body = { events: [withId(prospect()), withId(mailSent())] };
      appendGate.delayMs = 150;
      try {
        const results = await Promise.all([append(customerId, body), append(customerId, body)]);
        expect(results.map((r) => r.status).sort()).toEqual([200, 201]);
        expect(results[0].body).toEqual(results[1].body);
      } finally {
        appendGate.delayMs = 0;
      }
      expect(await readStream(customerId)).toHaveLength(2);
    });
  });

  describe('validation (400)', () => {
    it('names every bad field at once, with full paths, and stores nothing', async () => {
      const customerId = newCustomerId();
      const res = await append(customerId, {
        expectedRevision: -1,
        unexpected: true,
        events: [
          { type: 'ProspectRegistered', data: { name: 'Acme', size: 'huge' } },
          { type: 'NpsResponded', data: { surveyId: 'S-1', score: 11 } },
          { type: 'Teleported', data: { where: 'mars' } },
          { type: 'MailSent', occurredAt: 'yesterday', data: { mailId: 'm-1', colour: 'red' } },
          { eventId: 'not-a-uuid', type: 'MailOpened', data: { mailId: 'm-1' }, recordedBy: { department: 'sales' } },
        ],
      }).expect(400);

      expect(res.body.error).toBe('validation');
      expect(typeof res.body.message).toBe('string');
      expect(paths(res.body).sort()).toEqual(
        [
          'expectedRevision',
          'unexpected',
          'events[0].data.size',
          'events[1].data.score',
          'events[2].type',
          'events[3].occurredAt',
          'events[3].data.colour',
          'events[4].eventId',
          'events[4].recordedBy.userId',
          'events[4].recordedBy.department',
        ].sort(),
      );
      expect(res.body.details.find((d: { path: string }) => d.path === 'events[2].type').message).toContain('Teleported');
      expect(await readStream(customerId)).toHaveLength(0);
    });

    const pr = (data: object): Envelope => ({ type: 'ProspectRegistered', data: { name: 'Acme', size: 'small', ...data } });
    const cases: [string, Envelope, string][] = [
      ['required field missing', { type: 'ProspectRegistered', data: { size: 'small' } }, 'events[0].data.name'],
      ['size not in the enum', pr({ size: 'tiny' }), 'events[0].data.size'],
      ['unknown data field', pr({ vatNumber: 'NL1' }), 'events[0].data.vatNumber'],
      ['data missing', { type: 'MailSent' }, 'events[0].data'],
      ['data not an object', { type: 'MailSent', data: 'm-1' }, 'events[0].data'],
      ['unknown envelope field', { ...mailSent(), priority: 'high' }, 'events[0].priority'],
      ['dmuRole not in the enum', { type: 'ContactAdded', data: { contactId: 'p', name: 'A', dmuRole: 'boss' } }, 'events[0].data.dmuRole'],
      ['email malformed', { type: 'ContactAdded', data: { contactId: 'p', name: 'A', dmuRole: 'user', email: 'anna' } }, 'events[0].data.email'],
      ['salesRole not in the enum', { type: 'AccountManagerAssigned', data: { employeeId: 'e', salesRole: 'ceo' } }, 'events[0].data.salesRole'],
      ['meeting kind not in the enum', { type: 'MeetingHeld', data: { meetingId: 'm', kind: 'lunch' } }, 'events[0].data.kind'],
      ['contactIds not strings', { type: 'MeetingHeld', data: { meetingId: 'm', kind: 'call', contactIds: [1] } }, 'events[0].data.contactIds'],
      ['expectedWithinDays negative', { type: 'QuoteRequested', data: { quoteId: 'Q', expectedWithinDays: -1 } }, 'events[0].data.expectedWithinDays'],
      ['expectedWithinDays fractional', { type: 'QuoteRequested', data: { quoteId: 'Q', expectedWithinDays: 1.5 } }, 'events[0].data.expectedWithinDays'],
      ['currency lower case', { type: 'QuoteSent', data: { quoteId: 'Q', amount: 1, currency: 'eur' } }, 'events[0].data.currency'],
      ['currency not 3 letters', { type: 'QuoteSent', data: { quoteId: 'Q', amount: 1, currency: 'EURO' } }, 'events[0].data.currency'],
      ['amount a string', { type: 'QuoteSent', data: { quoteId: 'Q', amount: '1200', currency: 'EUR' } }, 'events[0].data.amount'],
      ['expectedBy a date without time', { type: 'PromiseMade', data: { promiseId: 'P', subject: 's', expectedBy: '2026-03-10' } }, 'events[0].data.expectedBy'],
      ['expectedBy without zone', { type: 'ExpectationAdjusted', data: { subjectId: 'P', expectedBy: '2026-03-10T10:00:00' } }, 'events[0].data.expectedBy'],
      ['no order lines', { type: 'PurchaseMade', data: { orderId: 'O', lines: [], total: 0, currency: 'EUR' } }, 'events[0].data.lines'],
      [
        'quantity not > 0',
        { type: 'PurchaseMade', data: { orderId: 'O', lines: [{ sku: 'S', quantity: 0, unitPrice: 1 }], total: 0, currency: 'EUR' } },
        'events[0].data.lines[0].quantity',
      ],
      [
        'unitPrice negative',
        { type: 'PurchaseMade', data: { orderId: 'O', lines: [{ sku: 'S', quantity: 1, unitPrice: -1 }], total: 0, currency: 'EUR' } },
        'events[0].data.lines[0].unitPrice',
      ],
      ['total missing', { type: 'PurchaseMade', data: { orderId: 'O', lines: [{ sku: 'S', quantity: 1, unitPrice: 1 }], currency: 'EUR' } }, 'events[0].data.total'],
      ['severity not in the enum', { type: 'ComplaintFiled', data: { complaintId: 'C', category: 'x', severity: 'urgent' } }, 'events[0].data.severity'],
      ['score above 10', { type: 'NpsResponded', data: { surveyId: 'S', score: 11 } }, 'events[0].data.score'],
      ['score below 0', { type: 'NpsResponded', data: { surveyId: 'S', score: -1 } }, 'events[0].data.score'],
      ['score fractional', { type: 'NpsResponded', data: { surveyId: 'S', score: 7.5 } }, 'events[0].data.score'],
      ['stage not in the enum', { type: 'OpportunityStageChanged', data: { opportunityId: 'o', stage: 'maybe' } }, 'events[0].data.stage'],
      ['initiatedBy not in the enum', { type: 'RelationshipEnded', data: { initiatedBy: 'both' } }, 'events[0].data.initiatedBy'],
      ['occurredAt without zone', { ...mailSent(), occurredAt: '2026-03-01T10:00:00' }, 'events[0].occurredAt'],
      ['occurredAt not a real date', { ...mailSent(), occurredAt: '2026-02-30T10:00:00Z' }, 'events[0].occurredAt'],
      ['occurredAt an epoch number', { ...mailSent(), occurredAt: 1772359200000 } as unknown as Envelope, 'events[0].occurredAt'],
      ['eventId not a UUID', { ...mailSent(), eventId: '12345' }, 'events[0].eventId'],
      ['department not in the list', { ...mailSent(), recordedBy: { userId: 'u', department: 'sales' } }, 'events[0].recordedBy.department'],
    ];
    it.each(cases)('400 for %s, naming the path', async (_name, event, path) => {
      const res = await append(newCustomerId(), { events: [event] }).expect(400);
      expect(res.body.error).toBe('validation');
      expect(paths(res.body)).toEqual([path]);
    });

    it('400 for an empty batch, more than 1000 events, or duplicate eventIds in one batch', async () => {
      const customerId = newCustomerId();
      expect(paths((await append(customerId, { events: [] }).expect(400)).body)).toEqual(['events']);
      expect(paths((await append(customerId, {}).expect(400)).body)).toEqual(['events']);
      const many = [prospect(), ...Array.from({ length: 1000 }, (_, i) => mailSent(`m-${i}`))];
      expect(paths((await append(customerId, { events: many }).expect(400)).body)).toEqual(['events']);
      const twice = withId(mailSent());
      const dup = await append(customerId, { events: [prospect(), twice, { ...twice }] }).expect(400);
      expect(dup.body.details).toEqual([{ path: 'events', message: expect.stringContaining('events[2]') }]);
      expect(await readStream(customerId)).toHaveLength(0);
    });

    it('accepts exactly 1000 events', async () => {
      const events = [prospect(), ...Array.from({ length: 999 }, (_, i) => mailSent(`m-${i}`))];
      const res = await append(newCustomerId(), { events }).expect(201);
      expect(res.body.lastRevision).toBe(999);
    });

    it.each([
      ['-starts-with-dash'],
      ['has.dot'],
      ['x'.repeat(65)],
    ])('400 naming customerId for the customer id %s', async (customerId) => {
      const res = await append(customerId, { events: [prospect()] }).expect(400);
      expect(res.body).toMatchObject({ error: 'validation', details: [{ path: 'customerId', message: expect.any(String) }] });
    });

    it('400 validation for a body that is not JSON', async () => {
      const res = await request(baseUrl)
        .post(`/v1/customers/${newCustomerId()}/events`)
        .set('Authorization', `Bearer ${INGEST_KEY}`)
        .set('Content-Type', 'application/json')
        .send('{"events": [')
        .expect(400);
      expect(res.body).toMatchObject({ error: 'validation', message: expect.stringContaining('not valid JSON') });
    });
  });

  it('413 payload-too-large for a body over the limit', async () => {
    const big = { events: [{ ...prospect(), data: { name: 'x'.repeat(6 * 1024 * 1024), size: 'small' } }] };
    const res = await append(newCustomerId(), big).expect(413);
    expect(res.body).toMatchObject({ error: 'payload-too-large', message: expect.any(String) });
  });

  describe('semantic rules (422, nothing stored)', () => {
    const expectViolation = async (customerId: string, events: Envelope[], path: string, rule: string, storedBefore: number) => {
      const res = await append(customerId, { events }).expect(422);
      expect(res.body).toMatchObject({ error: 'rule-violation', message: expect.any(String), details: [{ path, rule, message: expect.any(String) }] });
      expect(await readStream(customerId)).toHaveLength(storedBefore);
    };

    it('a stream starts with ProspectRegistered', async () => {
      await expectViolation(newCustomerId(), [mailSent()], 'events[0]', 'stream-must-start-with-prospect-registered', 0);
    });

    it('ComplaintResolved needs a filed, unresolved complaint', async () => {
      await expectViolation(newCustomerId(), [prospect(), complaintResolved('CP-1')], 'events[1]', 'complaint-not-open', 0);
      const { customerId } = await givenCustomer(complaintFiled('CP-1'), complaintResolved('CP-1'));
      await expectViolation(customerId, [complaintResolved('CP-1')], 'events[0]', 'complaint-not-open', 3);
    });

    it('QuoteSent needs its QuoteRequested', async () => {
      const { customerId } = await givenCustomer(quoteRequested('Q-1'));
      await expectViolation(customerId, [quoteSent('Q-2')], 'events[0]', 'quote-not-requested', 2);
    });

    it('PromiseDelivered needs its promise', async () => {
      const { customerId } = await givenCustomer();
      await expectViolation(customerId, [{ type: 'PromiseDelivered', data: { promiseId: 'P-1' } }], 'events[0]', 'promise-not-made', 1);
    });

    it('ExpectationAdjusted needs an open quote or promise', async () => {
      const { customerId } = await givenCustomer(quoteRequested('Q-1'), quoteSent('Q-1'));
      const adjust: Envelope = { type: 'ExpectationAdjusted', data: { subjectId: 'Q-1', expectedBy: '2026-05-01T00:00:00Z' } };
      await expectViolation(customerId, [adjust], 'events[0]', 'expectation-subject-not-open', 3);
    });

    it('checks the rules against events stored earlier and earlier events of the same batch', async () => {
      const { customerId } = await givenCustomer(quoteRequested('Q-1'));
      await append(customerId, { events: [quoteSent('Q-1'), complaintFiled('CP-1'), complaintResolved('CP-1')] }).expect(201);
    });

    it('is all-or-nothing: a batch whose third event breaks a rule stores none of them', async () => {
      const { customerId } = await givenCustomer();
      await expectViolation(customerId, [mailSent('m-1'), mailSent('m-2'), quoteSent('Q-9')], 'events[2]', 'quote-not-requested', 1);
    });
  });
});

describe('POST /v1/events (bulk)', () => {
  it('appends events of several customers in request order and answers 201 with count and positions', async () => {
    const [a, b] = [newCustomerId(), newCustomerId()];
    const res = await bulk([
      { customerId: a, ...prospect('A') },
      { customerId: b, ...prospect('B') },
      { customerId: a, ...quoteRequested('Q-1') },
      { customerId: a, ...quoteSent('Q-1') },
      { customerId: b, ...mailSent() },
    ]).expect(201);
    expect(res.body).toEqual({ count: 5, firstPosition: expect.any(Number), lastPosition: res.body.firstPosition + 4 });

    const streamA = await readStream(a);
    expect(streamA.map((e) => [e.streamRevision, e.type])).toEqual([
      [0, 'ProspectRegistered'],
      [1, 'QuoteRequested'],
      [2, 'QuoteSent'],
    ]);
    expect(streamA[0].metadata).toMatchObject({ customerId: a, recordedBy: { userId: 'crm-sync' } });
    expect((await readStream(b)).map((e) => e.type)).toEqual(['ProspectRegistered', 'MailSent']);

    // Appends to existing streams as well, checking the rules against what is stored.
    await bulk([{ customerId: b, ...mailSent('m-2') }, { customerId: a, ...complaintFiled('CP-1') }]).expect(201);
    expect(await readStream(b)).toHaveLength(3);
  });

  it('is atomic across customers: one customer breaking a rule stores nothing for anyone', async () => {
    const [a, b] = [newCustomerId(), newCustomerId()];
    const res = await bulk([
      { customerId: a, ...prospect() },
      { customerId: b, ...prospect() },
      { customerId: a, ...mailSent() },
      { customerId: b, ...complaintResolved('CP-404') },
    ]).expect(422);
    expect(res.body).toMatchObject({ error: 'rule-violation', details: [{ path: 'events[3]', rule: 'complaint-not-open' }] });
    expect(await readStream(a)).toHaveLength(0);
    expect(await readStream(b)).toHaveLength(0);
  });

  it('validates like the customer endpoint, plus each customerId, naming full paths', async () => {
    const res = await bulk([
      { customerId: 'ok-1', ...prospect() },
      { customerId: '-bad', ...prospect() },
      { ...mailSent() },
      { customerId: 'ok-1', type: 'NpsResponded', data: { surveyId: 'S', score: 12 } },
    ]).expect(400);
    expect(paths(res.body).sort()).toEqual(['events[1].customerId', 'events[2].customerId', 'events[3].data.score'].sort());
    expect(await readStream('ok-1')).toHaveLength(0);
  });

  it('accepts 10 000 events and rejects 10 001', async () => {
    const customers = Array.from({ length: 100 }, () => newCustomerId());
    const events = customers.flatMap((customerId) => [
      { customerId, ...prospect() },
      ...Array.from({ length: 99 }, (_, i) => ({ customerId, ...mailSent(`m-${i}`) })),
    ]);
    expect(events).toHaveLength(10_000);
    const tooMany = await bulk([...events, { customerId: customers[0], ...mailSent('one-too-many') }]).expect(400);
    expect(paths(tooMany.body)).toEqual(['events']);
    expect(await readStream(customers[0])).toHaveLength(0);

    const res = await bulk(events).expect(201);
    expect(res.body).toMatchObject({ count: 10_000 });
    expect(res.body.lastPosition - res.body.firstPosition).toBe(9_999);
    expect(await readStream(customers[99])).toHaveLength(100);
  });

  it('answers an identical retry with 200 and the original positions; a mixed batch with 409', async () => {
    const [a, b] = [newCustomerId(), newCustomerId()];
    const events = [
      { customerId: a, ...withId(prospect()) },
      { customerId: b, ...withId(prospect()) },
    ];
    const original = await bulk(events).expect(201);
    const retry = await bulk(events).expect(200);
    expect(retry.body).toEqual(original.body);

    const mixed = await bulk([...events, { customerId: a, ...withId(mailSent()) }]).expect(409);
    expect(mixed.body.error).toBe('idempotency-conflict');
    const changed = await bulk([events[0], { ...events[1], data: { name: 'Changed', size: 'large' } }]).expect(409);
    expect(changed.body.error).toBe('idempotency-conflict');
    expect(await readStream(a)).toHaveLength(1);
  });
});

describe('authentication and roles', () => {
  it('401 without a key or with an unknown key', async () => {
    const none = await append(newCustomerId(), { events: [prospect()] }, null).expect(401);
    expect(none.body).toMatchObject({ error: 'unauthorized', message: expect.any(String) });
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const unknown = await append(newCustomerId(), { events: [prospect()] }, 'not-a-configured-key').expect(401);
    expect(unknown.body.error).toBe('unauthorized');
    await bulk([{ customerId: 'x', ...prospect() }], null).expect(401);
  });

  it('403 forbidden, naming the roles needed, for a key without the ingest role', async () => {
    const customerId = newCustomerId();
    const res = await append(customerId, { events: [prospect()] }, ANALYST_KEY).expect(403);
    expect(res.body).toMatchObject({ error: 'forbidden', message: expect.stringContaining('ingest') });
    await bulk([{ customerId, ...prospect() }], ANALYST_KEY).expect(403);
    expect(await readStream(customerId)).toHaveLength(0);
  });

  it('lets admin ingest, recording the admin key name as recorder', async () => {
    const customerId = newCustomerId();
    await append(customerId, { events: [prospect()] }, ADMIN_KEY).expect(201);
    await bulk([{ customerId, ...mailSent() }], ADMIN_KEY).expect(201);
    expect((await readStream(customerId)).map((e) => e.metadata.recordedBy)).toEqual([{ userId: 'ops' }, { userId: 'ops' }]);
  });

  it('checks the key before validating the body', async () => {
    await append('-bad', { events: [] }, null).expect(401);
  });
});

describe('OpenAPI and health', () => {
  it('publishes both endpoints with their bodies, responses and the bearer scheme at /openapi.json', async () => {
    const res = await request(baseUrl).get('/openapi.json').expect(200);
    const doc = res.body;
    const single = doc.paths['/v1/customers/{customerId}/events'].post;
    const bulkOp = doc.paths['/v1/events'].post;
    expect(Object.keys(single.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '401', '403', '409', '413', '422']));
    expect(Object.keys(bulkOp.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '401', '403', '409', '413', '422']));
    expect(single.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/AppendEventsDto');
    expect(single.requestBody.content['application/json'].examples.quoteSent.value.events[0]).toMatchObject({ type: 'QuoteSent' });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(single.security).toEqual([{ bearer: [] }]);
    const envelope = doc.components.schemas.EventEnvelopeDto;
    expect(envelope.properties.type.enum).toContain('NpsResponded');
    expect(doc.components.schemas.NpsRespondedData.properties.score).toMatchObject({ minimum: 0, maximum: 10 });
    expect(doc.components.schemas.BulkEventDto.properties.customerId).toBeDefined();
  });

  it('serves the docs UI at /docs without a key', async () => {
    const res = await request(baseUrl).get('/docs').redirects(1).expect(200);
    expect(res.text).toContain('swagger');
  });

  it('answers /health/live and /health/ready', async () => {
    await request(baseUrl).get('/health/live').expect(200, { status: 'live' });
    await request(baseUrl).get('/health/ready').expect(200, { status: 'ready', checks: { database: 'up' } });
  });
});
