/**
 * Appending to one customer's stream: revisions and positions, every catalogue type, server defaults, and the
 * semantic rules that reject a batch with nothing stored.
 * Real HTTP against a real PostgreSQL event store; the app and helpers come from ./testing/ingest-fixture.
 */
import { randomUUID } from 'node:crypto';
import { complaintFiled, complaintResolved, mailSent, newCustomerId, prospect, quoteRequested, quoteSent, type Envelope, useIngestApp } from './testing/ingest-fixture';

const { clock, append, readStream, givenCustomer } = useIngestApp();

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
    clock.now = new Date('2026-04-02T08:30:00.000Z');
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
