import { customerStreamName, RuleViolationError, SCHEMA_VERSION } from '@klantcentraal/domain';
import { EVENT_STORE_MIGRATIONS, idempotencyHash, PostgresEventStore, type RecordedEvent } from '@klantcentraal/event-store';
import { runMigrations } from '@klantcentraal/postgres';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { generateCustomerHistories, generateDemoData } from './demo-data.generator';
import { loadDemoData } from './load-demo-data';

async function readAll(store: PostgresEventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let page = await store.readAll(0, 1000); page.length > 0; page = await store.readAll(page[page.length - 1].globalPosition, 1000)) {
    events.push(...page);
  }
  return events;
}

async function readStream(store: PostgresEventStore, stream: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(stream)) events.push(event);
  return events;
}

describe('loadDemoData into the PostgreSQL event store', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const set = generateDemoData({ seed: 11, customers: 20 });
  const total = set.customers.reduce((n, c) => n + c.events.length, 0);

  beforeAll(async () => {
    db = await createTestDatabase('kc_demo_data');
    await runMigrations(db.url, EVENT_STORE_MIGRATIONS);
    store = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('appends every customer as its own stream, in chunks, reporting progress', async () => {
    const progress: [number, number | undefined][] = [];
    const result = await loadDemoData(store, set, { customersPerAppend: 8, onProgress: (done, of) => progress.push([done, of]) });

    expect(progress).toEqual([[8, 20], [16, 20], [20, 20]]);
    expect(result).toMatchObject({ customers: 20, events: total, alreadyStored: 0 });
    const stored = await readAll(store);
    expect(stored).toHaveLength(total);
    expect(await store.headPosition()).toBe(result.lastPosition);
    expect(new Set(stored.map((e) => e.stream))).toEqual(new Set(set.customers.map((c) => customerStreamName(c.customerId))));
  });

  it('keeps a stream in the generated (recording) order, with the envelope the ingest API would store', async () => {
    const customer = set.customers[3];
    const stream = await readStream(store, customerStreamName(customer.customerId));

    expect(stream.map((e) => e.eventId)).toEqual(customer.events.map((e) => e.eventId));
    expect(stream.map((e) => e.streamRevision)).toEqual(customer.events.map((_, i) => i));
    const positions = stream.map((e) => e.globalPosition);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    stream.forEach((recorded, i) => {
      const event = customer.events[i];
      expect(recorded).toMatchObject({ type: event.type, data: event.data });
      expect(recorded.metadata).toEqual({
        occurredAt: new Date(event.occurredAt).toISOString(),
        recordedBy: event.recordedBy,
        schemaVersion: SCHEMA_VERSION,
        customerId: customer.customerId,
      });
    });

    const [first] = await store.findByEventIds([customer.events[0].eventId]);
    const { type, data, occurredAt, recordedBy } = customer.events[0];
    expect(first.payloadHash).toBe(idempotencyHash({ type, data, occurredAt, recordedBy }));
  });

  it('stores nothing new when the same data is loaded again (the event ids make it an identical retry)', async () => {
    const before = await store.headPosition();
    const again = await loadDemoData(store, set, { customersPerAppend: 8 });
    expect(await store.headPosition()).toBe(before);
    // …and says so: the CLI reports these counts, so a second `npm run demo` must not claim to have loaded anything.
    expect(again).toMatchObject({ customers: 0, events: 0, alreadyStored: 20 });
  });

  it('loads a generator one chunk at a time, without knowing the total', async () => {
    const progress: [number, number | undefined][] = [];
    const histories = generateCustomerHistories({ seed: 11, customers: 7, customerIdPrefix: 'stream-' });
    const result = await loadDemoData(store, histories, { customersPerAppend: 3, onProgress: (done, of) => progress.push([done, of]) });

    expect(progress).toEqual([[3, undefined], [6, undefined], [7, undefined]]);
    const expected = [...generateCustomerHistories({ seed: 11, customers: 7, customerIdPrefix: 'stream-' })];
    expect(result.events).toBe(expected.reduce((n, c) => n + c.events.length, 0));
    const last = await readStream(store, customerStreamName('stream-00007'));
    expect(last.map((e) => e.eventId)).toEqual(expected[6].events.map((e) => e.eventId));
  });

  it('refuses a history that breaks the semantic rules before appending anything', async () => {
    const before = await store.headPosition();
    const [customer] = generateDemoData({ seed: 12, customers: 1, customerIdPrefix: 'broken-' }).customers;
    const broken = { customerId: customer.customerId, events: customer.events.slice(1) }; // no ProspectRegistered
    await expect(loadDemoData(store, [broken])).rejects.toThrow(RuleViolationError);
    expect(await store.headPosition()).toBe(before);
  });
});
