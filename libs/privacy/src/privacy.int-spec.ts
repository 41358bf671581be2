/**
 * Privacy at the event-store port, on real PostgreSQL: personal fields reach the store only encrypted, read back
 * decrypted; an erasure (contact or customer) makes every later read show them as null — also in a second process
 * whose cache held the key — while the hash chain stays valid; a crash between the erasure event and the key
 * destruction is finished on restart; plaintext stored before encryption is encrypted and re-hashed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { runMigrations } from '@klantcentraal/postgres';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore, verifyPostgresEventStore, type EventToAppend, type RecordedEvent } from '@klantcentraal/event-store';
import { LocalKeyEncryptionKey } from './crypto/key-encryption-key';
import { readLedger, applyLedger, formatLedger, parseLedger } from './erasure/erasure-ledger';
import { PRIVACY_MIGRATIONS } from './privacy.migrations';
import { createPrivacy, type Privacy } from './privacy';

const NAME = 'Bakkerij Van Dijk BV';
const CONTACT = 'Anna de Vries';
const EMAIL = 'anna.devries@example.nl';
const OTHER = 'Pieter Jansen';
const IMPROVEMENT = 'Sneller antwoorden op offertes';

const event = (type: string, data: Record<string, unknown>): EventToAppend => ({
  eventId: randomUUID(),
  type,
  data,
  metadata: { occurredAt: '2026-03-01T10:00:00.000Z', recordedBy: { userId: 'u-1' }, schemaVersion: 1 },
  idempotencyPayload: { type, data },
});

const customerEvents = () => [
  event('ProspectRegistered', { name: NAME, size: 'small' }),
  event('ContactAdded', { contactId: 'c-1', name: CONTACT, email: EMAIL, dmuRole: 'buyer' }),
  event('ContactAdded', { contactId: 'c-2', name: OTHER, dmuRole: 'user' }),
  event('NpsResponded', { surveyId: 's-1', contactId: 'c-1', score: 4, improvement: IMPROVEMENT }),
  event('QuoteRequested', { quoteId: 'q-1', expectedWithinDays: 2 }),
];

async function read(store: { readStream(s: string): AsyncIterable<RecordedEvent> }, stream: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const e of store.readStream(stream)) events.push(e);
  return events;
}

async function storedText(db: TestDatabase): Promise<string> {
  const { rows } = await db.pool.query(`SELECT string_agg(data::text, ' ') AS text FROM event_store.events`);
  return rows[0].text ?? '';
}

describe('privacy at the event-store port (PostgreSQL)', () => {
  let db: TestDatabase;
  let raw: PostgresEventStore;
  let privacy: Privacy;
  const kek = new LocalKeyEncryptionKey(randomBytes(32));
  const make = (options: Parameters<typeof createPrivacy>[0]['erasure'] = {}) =>
    createPrivacy({ pool: db.pool, store: raw, kek, storeOnPool: true, erasure: options });

  beforeAll(async () => {
    db = await createTestDatabase('kc_privacy');
    await runMigrations(db.url, [...EVENT_STORE_MIGRATIONS, ...PRIVACY_MIGRATIONS]);
    raw = new PostgresEventStore(db.pool);
    privacy = make();
  });
  afterAll(async () => {
    await raw.close();
    await db.drop();
  });

  it('stores personal fields only encrypted and reads them back decrypted', async () => {
    const stream = `customer-enc-${randomUUID()}`;
    await privacy.eventStore.appendToStream(stream, 'no-stream', customerEvents());
    const text = await storedText(db);
    for (const value of [NAME, CONTACT, EMAIL, OTHER, IMPROVEMENT]) expect(text).not.toContain(value);
    const events = await read(privacy.eventStore, stream);
    expect(events.map((e) => e.data['name'] ?? e.data['improvement'] ?? null)).toEqual([NAME, CONTACT, OTHER, IMPROVEMENT, null]);
    expect(events[1].data['email']).toBe(EMAIL);
    expect(events.every((e) => e.erased === undefined)).toBe(true);
    // Non-personal fields stay readable in the store (a contact id is an id, not personal data).
    const stored = await read(raw, stream);
    expect(stored[1].data['contactId']).toBe('c-1');
    expect(String(stored[1].data['name'])).toMatch(/^kc:v1:/);
    expect((await verifyPostgresEventStore(db.pool)).valid).toBe(true);
  });

  it('erases one contact: its fields read null and are listed as erased, others stay, verify stays valid', async () => {
    const customerId = `c-${randomUUID()}`;
    const stream = `customer-${customerId}`;
    await privacy.eventStore.appendToStream(stream, 'no-stream', customerEvents());
    // A second process (own cache) reads first, so it holds the contact's key.
    const other = make();
    expect((await read(other.eventStore, stream))[1].data['name']).toBe(CONTACT);

    const outcome = await privacy.erasures.erase({ customerId, contactId: 'c-1', basis: 'data-subject-request' }, { userId: 'admin' });
    expect(outcome).toMatchObject({ kind: 'erased', created: true, answer: { customerId, contactId: 'c-1' } });

    for (const reader of [privacy.eventStore, other.eventStore]) {
      const events = await read(reader, stream);
      expect(events[1]).toMatchObject({ data: { contactId: 'c-1', name: null, email: null, dmuRole: 'buyer' }, erased: ['data.name', 'data.email'] });
      expect(events[3]).toMatchObject({ data: { score: 4, improvement: null }, erased: ['data.improvement'] });
      expect(events[0].data['name']).toBe(NAME);
      expect(events[2].data['name']).toBe(OTHER);
      expect(events[5]).toMatchObject({ type: 'PersonalDataErased', data: { contactId: 'c-1', basis: 'data-subject-request' } });
    }
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM privacy.data_keys WHERE stream = $1 AND wrapped IS NOT NULL AND subject = 'contact:c-1'`, [stream]);
    expect(rows[0].n).toBe(0);
    expect((await verifyPostgresEventStore(db.pool)).valid).toBe(true);

    // Again: the first answer. An unknown contact or customer: not found.
    const again = await privacy.erasures.erase({ customerId, contactId: 'c-1', basis: 'other' }, { userId: 'admin' });
    expect(again).toEqual({ kind: 'erased', created: false, answer: outcome.kind === 'erased' ? outcome.answer : null });
    expect(await privacy.erasures.erase({ customerId, contactId: 'nobody', basis: 'other' }, { userId: 'admin' })).toMatchObject({ kind: 'not-found' });
    expect(await privacy.erasures.erase({ customerId: 'no-such', basis: 'other' }, { userId: 'admin' })).toMatchObject({ kind: 'not-found' });
  });

  it('erases a whole customer; events appended later use a fresh key and are readable', async () => {
    const customerId = `c-${randomUUID()}`;
    const stream = `customer-${customerId}`;
    await privacy.eventStore.appendToStream(stream, 'no-stream', customerEvents());
    await privacy.erasures.erase({ customerId, basis: 'retention-expired' }, { userId: 'admin' });
    const erased = await read(privacy.eventStore, stream);
    expect(erased.slice(0, 4).map((e) => e.erased)).toEqual([['data.name'], ['data.name', 'data.email'], ['data.name'], ['data.improvement']]);
    await privacy.eventStore.appendToStream(stream, 'any', [event('ContactAdded', { contactId: 'c-3', name: 'Nieuw Contact', dmuRole: 'user' })]);
    const after = await read(privacy.eventStore, stream);
    expect(after[after.length - 1].data['name']).toBe('Nieuw Contact');
    expect(after[0].data['name']).toBeNull();
    // A second erasure of the customer now has something to erase again.
    expect(await privacy.erasures.erase({ customerId, basis: 'other' }, { userId: 'admin' })).toMatchObject({ created: true });
    expect((await read(privacy.eventStore, stream)).slice(-2)[0].data['name']).toBeNull();
  });

  it('finishes an erasure on restart when the process died between the event and the key destruction', async () => {
    const customerId = `c-${randomUUID()}`;
    const stream = `customer-${customerId}`;
    await privacy.eventStore.appendToStream(stream, 'no-stream', customerEvents());
    const crashing = make({ afterEvent: async () => { throw new Error('simulated crash'); } });
    await expect(crashing.erasures.erase({ customerId, basis: 'data-subject-request' }, { userId: 'admin' })).rejects.toThrow('simulated crash');
    // The event is stored; reads already show null (the keys were marked before the event), keys not yet destroyed.
    const events = await read(privacy.eventStore, stream);
    expect(events.filter((e) => e.type === 'PersonalDataErased')).toHaveLength(1);
    expect(events[0].data['name']).toBeNull();
    const alive = await db.pool.query(`SELECT count(*)::int AS n FROM privacy.data_keys WHERE stream = $1 AND wrapped IS NOT NULL`, [stream]);
    expect(alive.rows[0].n).toBeGreaterThan(0);

    const restarted = make();
    expect((await restarted.prepare()).erasuresFinished).toBe(1);
    const after = await db.pool.query(`SELECT count(*)::int AS n FROM privacy.data_keys WHERE stream = $1 AND wrapped IS NOT NULL`, [stream]);
    expect(after.rows[0].n).toBe(0);
    const events2 = await read(privacy.eventStore, stream);
    expect(events2.filter((e) => e.type === 'PersonalDataErased')).toHaveLength(1); // the retry was idempotent
    const ledger = (await readLedger(db.pool)).find((e) => e.customerId === customerId)!;
    expect(ledger.globalPosition).toBe(events2[events2.length - 1].globalPosition);
  });

  it('encrypts plaintext stored before encryption existed and re-hashes the chains; verify valid before and after', async () => {
    const stream = `customer-legacy-${randomUUID()}`;
    await raw.appendToStream(stream, 'no-stream', customerEvents());
    await raw.appendToStream(stream, 'any', [event('MailSent', { mailId: 'm-1', subject: 'Uw offerte' })]);
    expect(await storedText(db)).toContain(CONTACT);
    expect((await verifyPostgresEventStore(db.pool)).valid).toBe(true);
    const result = await make().prepare();
    expect(result.encryption).toMatchObject({ eventsEncrypted: 5, streamsRehashed: 1 });
    const text = await storedText(db);
    for (const value of [NAME, CONTACT, EMAIL, IMPROVEMENT, 'Uw offerte']) expect(text).not.toContain(value);
    expect((await verifyPostgresEventStore(db.pool)).valid).toBe(true);
    expect((await read(privacy.eventStore, stream))[1].data['email']).toBe(EMAIL);
    const { rows } = await db.pool.query(`SELECT events_encrypted FROM privacy.store_encryption`);
    expect(rows.map((r) => r.events_encrypted)).toContain(5);
    expect((await make().prepare()).encryption).toEqual({ eventsEncrypted: 0, streamsRehashed: 0 });
  });

  it('key store: processes creating a key for one subject at once share one key; a KEK mismatch is named', async () => {
    const ref = { stream: `customer-race-${randomUUID()}`, subject: 'contact:c-1' };
    const stores = [make(), make(), make()].map((p) => p.keyStore);
    await Promise.all(stores.map((k) => k.sync()));
    const got = await Promise.all(stores.map((k) => k.activeKeys([ref])));
    const ids = new Set(got.map((m) => [...m.values()][0].keyId));
    expect(ids.size).toBe(1);
    const keys = got.map((m) => [...m.values()][0].key.toString('hex'));
    expect(new Set(keys).size).toBe(1);
    const stranger = createPrivacy({ pool: db.pool, store: raw, kek: new LocalKeyEncryptionKey(randomBytes(32)) }).keyStore;
    await stranger.sync();
    await expect(stranger.keysById([[...ids][0]])).rejects.toThrow('check MASTER_KEY');
  });

  it('key store: a first append to a new stream learns of an erasure elsewhere in the statement that creates its key', async () => {
    const [mine, other] = [make().keyStore, make().keyStore];
    const old = { stream: `customer-gen-${randomUUID()}`, subject: 'customer' };
    const first = await mine.syncedActiveKeys([old]);
    // Another process erases that subject (marks its key, advances the generation); this one still caches the key.
    await other.sync();
    await db.pool.query(`UPDATE privacy.data_keys SET erasure_id = $1 WHERE stream = $2`, [randomUUID(), old.stream]);
    await db.pool.query('UPDATE privacy.key_generation SET value = value + 1');
    // A new stream's key is created in one statement that also reads the generation: the stale cache is dropped.
    const fresh = { stream: `customer-gen-${randomUUID()}`, subject: 'customer' };
    const created = await mine.syncedActiveKeys([fresh]);
    expect([...created.values()][0].keyId).not.toBe([...first.values()][0].keyId);
    expect((await mine.keysById([[...first.values()][0].keyId])).get([...first.values()][0].keyId)).toBeNull();
    // The erased subject gets a fresh key for later events, never the marked one.
    const again = await mine.syncedActiveKeys([old]);
    expect([...again.values()][0].keyId).not.toBe([...first.values()][0].keyId);
  });

  it('a ledger applied to a database destroys the keys an older backup still holds', async () => {
    const customerId = `c-${randomUUID()}`;
    const stream = `customer-${customerId}`;
    await privacy.eventStore.appendToStream(stream, 'no-stream', customerEvents());
    // Pretend the key survived in a restored backup: the ledger entry of an erasure made later destroys it.
    const entry = { erasureId: randomUUID(), customerId, contactId: null, basis: 'data-subject-request' as const, erasedAt: new Date(Date.now() + 1000).toISOString(), globalPosition: null };
    const parsed = parseLedger(formatLedger([entry]));
    expect(parsed).toEqual([entry]);
    expect(await applyLedger(db.pool, parsed)).toEqual({ keysDestroyed: 3, entriesAdded: 1 });
    expect((await read(privacy.eventStore, stream))[0].data['name']).toBeNull();
    expect(await applyLedger(db.pool, parsed)).toEqual({ keysDestroyed: 0, entriesAdded: 0 });
    expect(() => parseLedger('{"erasureId":"x","customerId":"a","basis":"nope","erasedAt":"2026-01-01T00:00:00Z"}')).toThrow('ledger line 1: basis');
  });
});
