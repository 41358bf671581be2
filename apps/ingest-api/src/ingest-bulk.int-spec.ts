/**
 * The bulk endpoint, POST /v1/events: events of several customers in one request.
 * Real HTTP against a real PostgreSQL event store; the app and helpers come from ./testing/ingest-fixture.
 */
import { complaintFiled, complaintResolved, mailSent, newCustomerId, paths, prospect, quoteRequested, quoteSent, withId, useIngestApp } from './testing/ingest-fixture';

const { bulk, readStream } = useIngestApp();

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
