/**
 * `GET /v1/customers/{id}/touchpoints` over real HTTP on real PostgreSQL: events go in through the ingest API and
 * come back from the event store newest first, in pages, filtered by type.
 */
import { randomBytes } from 'node:crypto';
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
import { createPrivacy, LocalKeyEncryptionKey, PRIVACY_MIGRATIONS, type Privacy } from '@klantcentraal/privacy';
import { READ_MODEL_MIGRATIONS } from '@klantcentraal/read-models';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { QueryApiModule } from '../query-api.module';

const KEYS: ApiKeySpec[] = [
  { key: 'k-ingest-touchpoints-0123456789', name: 'crm-sync', roles: ['ingest'] },
  { key: 'k-analyst-touchpoints-0123456789', name: 'analyst', roles: ['analyst'] },
  { key: 'k-sales-touchpoints-01234567890', name: 'sales', roles: ['sales'] },
  { key: 'k-auditor-touchpoints-0123456789', name: 'auditor', roles: ['auditor'] },
];
const bearer = (role: string) => `Bearer ${KEYS.find((k) => k.roles.includes(role as never))!.key}`;

const day = (n: number) => `2025-03-${String(n).padStart(2, '0')}T09:00:00.000Z`;
const EVENTS = [
  { type: 'ProspectRegistered', occurredAt: day(1), data: { name: 'Acme BV', size: 'medium' } },
  { type: 'ContactAdded', occurredAt: day(1), data: { contactId: 'p-1', name: 'Ans de Vries', email: 'ans@acme.example', dmuRole: 'buyer' } },
  { type: 'MailSent', occurredAt: day(2), data: { mailId: 'M-1' } },
  { type: 'MailOpened', occurredAt: day(3), data: { mailId: 'M-1' } },
  { type: 'MeetingHeld', occurredAt: day(4), data: { meetingId: 'MT-1', kind: 'visit' } },
  { type: 'QuoteRequested', occurredAt: day(5), data: { quoteId: 'Q-1', expectedWithinDays: 3 } },
  { type: 'QuoteSent', occurredAt: day(6), data: { quoteId: 'Q-1', amount: 1200, currency: 'EUR' } },
  // Recorded late: the list follows the stream (newest recorded first), not occurredAt.
  { type: 'MeetingHeld', occurredAt: day(3), data: { meetingId: 'MT-0', kind: 'call' } },
];

describe('GET /v1/customers/{customerId}/touchpoints', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let url: string;
  let privacy: Privacy;
  const get = (path: string, role = 'analyst') => request(url).get(path).set('Authorization', bearer(role));

  beforeAll(async () => {
    db = await createTestDatabase('kc_touchpoints');
    await runMigrations(db.url, [...EVENT_STORE_MIGRATIONS, ...READ_MODEL_MIGRATIONS, ...PRIVACY_MIGRATIONS]);
    // The platform's store: personal fields encrypted at rest, erased ones read back as null.
    privacy = createPrivacy({ pool: db.pool, store: new PostgresEventStore(db.pool), kek: new LocalKeyEncryptionKey(randomBytes(32)) });
    const store = privacy.eventStore;
    @Module({})
    class Root {}
    app = await NestFactory.create(
      {
        module: Root,
        imports: [
          AuthModule.forRoot({ keys: KEYS }),
          IngestApiModule.register({ eventStore: store }),
          QueryApiModule.register({ pool: db.pool, eventStore: store }),
        ],
      },
      { bodyParser: false, logger: ['error'] },
    );
    configureHttpApp(app, { title: 'touchpoints' });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    const ingested = await request(url).post('/v1/customers/acme/events').set('Authorization', bearer('ingest')).send({ events: EVENTS });
    expect(ingested.status).toBe(201);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('lists every touchpoint newest first in the contract shape', async () => {
    const res = await get('/v1/customers/acme/touchpoints', 'sales');
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items.map((t: { streamRevision: number }) => t.streamRevision)).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
    expect(res.body.items[0]).toEqual({
      streamRevision: 7,
      globalPosition: expect.any(Number),
      type: 'MeetingHeld',
      occurredAt: day(3),
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { meetingId: 'MT-0', kind: 'call' },
    });
    expect(res.body.items[7]).toMatchObject({ type: 'ProspectRegistered', data: { name: 'Acme BV', size: 'medium' } });
  });

  it('pages with nextCursor until null, without gaps or repeats', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/v1/customers/acme/touchpoints?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items.map((t: { streamRevision: number }) => t.streamRevision));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('filters by types (comma-separated), still newest first and paged', async () => {
    const first = await get('/v1/customers/acme/touchpoints?types=MeetingHeld,QuoteSent&limit=2');
    expect(first.body.items.map((t: { type: string; streamRevision: number }) => [t.type, t.streamRevision])).toEqual([
      ['MeetingHeld', 7],
      ['QuoteSent', 6],
    ]);
    const next = await get(`/v1/customers/acme/touchpoints?types=MeetingHeld,QuoteSent&limit=2&cursor=${first.body.nextCursor}`);
    expect(next.body).toEqual({ items: [expect.objectContaining({ type: 'MeetingHeld', streamRevision: 4 })], nextCursor: null });
  });

  it('answers 404 for an unknown customer, 400 naming the bad parameter, 403 for other roles', async () => {
    expect((await get('/v1/customers/nobody/touchpoints')).body).toMatchObject({ error: 'not-found' });
    const bad = await get('/v1/customers/acme/touchpoints?types=MeetingHeld,Teleported&limit=0&cursor=x');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('validation');
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['cursor', 'limit', 'types']);
    expect((await get('/v1/customers/acme/touchpoints', 'auditor')).status).toBe(403);
  });

  it('shows the personal fields of an erased contact as null and lists no erasure marker', async () => {
    const before = await get('/v1/customers/acme/touchpoints?types=ContactAdded');
    expect(before.body.items[0].data).toMatchObject({ name: 'Ans de Vries', email: 'ans@acme.example' });
    const outcome = await privacy.erasures.erase({ customerId: 'acme', contactId: 'p-1', basis: 'data-subject-request' }, { userId: 'dpo' });
    expect(outcome.kind).toBe('erased');
    const after = await get('/v1/customers/acme/touchpoints');
    expect(after.body.items.map((t: { type: string }) => t.type)).not.toContain('PersonalDataErased');
    expect(after.body.items.find((t: { type: string }) => t.type === 'ContactAdded').data).toEqual({
      contactId: 'p-1',
      name: null,
      email: null,
      dmuRole: 'buyer',
    });
  });

  it('is in the OpenAPI document', async () => {
    const doc = await request(url).get('/openapi.json');
    expect(Object.keys(doc.body.paths)).toContain('/v1/customers/{customerId}/touchpoints');
  });
});
