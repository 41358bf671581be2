/**
 * Request validation (400) of the single-customer endpoint: every malformed envelope is named by its path.
 * Real HTTP against a real PostgreSQL event store; the app and helpers come from ./testing/ingest-fixture.
 */
import { INGEST_KEY, mailSent, newCustomerId, paths, prospect, withId, type Envelope, useIngestApp } from './testing/ingest-fixture';

const { http, append, readStream } = useIngestApp();

describe('POST /v1/customers/:customerId/events', () => {
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
      const res = await http()
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
});
