import {
  CUSTOMER_EVENT_TYPES,
  evolveStreamState,
  foldStreamState,
  type CustomerEvent,
  type CustomerEventType,
} from '@klantcentraal/domain';
import { idempotencyHash } from '@klantcentraal/event-store';
import { prepareTouchpoint, RULE_STATE_EVENT_TYPES } from './touchpoint-batch';

/** One event of every catalogue type, touching ids the rich state below knows. */
const SAMPLES: { [T in CustomerEventType]: Extract<CustomerEvent, { type: T }> } = {
  ProspectRegistered: { type: 'ProspectRegistered', data: { name: 'Acme', size: 'small' } },
  ContactAdded: { type: 'ContactAdded', data: { contactId: 'p', name: 'A', dmuRole: 'user' } },
  AccountManagerAssigned: { type: 'AccountManagerAssigned', data: { employeeId: 'e', salesRole: 'account-manager' } },
  MailSent: { type: 'MailSent', data: { mailId: 'm' } },
  MailOpened: { type: 'MailOpened', data: { mailId: 'm' } },
  MailClicked: { type: 'MailClicked', data: { mailId: 'm', url: 'u' } },
  WebsiteVisited: { type: 'WebsiteVisited', data: { url: 'u' } },
  MeetingHeld: { type: 'MeetingHeld', data: { meetingId: 'mt', kind: 'call' } },
  QuoteRequested: { type: 'QuoteRequested', data: { quoteId: 'Q-new', expectedWithinDays: 1 } },
  QuoteSent: { type: 'QuoteSent', data: { quoteId: 'Q-open', amount: 1, currency: 'EUR' } },
  PromiseMade: { type: 'PromiseMade', data: { promiseId: 'P-new', subject: 's', expectedBy: '2026-01-01T00:00:00Z' } },
  PromiseDelivered: { type: 'PromiseDelivered', data: { promiseId: 'P-open' } },
  ExpectationAdjusted: { type: 'ExpectationAdjusted', data: { subjectId: 'Q-open', expectedBy: '2026-01-02T00:00:00Z' } },
  PurchaseMade: { type: 'PurchaseMade', data: { orderId: 'o', lines: [{ sku: 's', quantity: 1, unitPrice: 1 }], total: 1, currency: 'EUR' } },
  ComplaintFiled: { type: 'ComplaintFiled', data: { complaintId: 'C-new', category: 'x' } },
  ComplaintResolved: { type: 'ComplaintResolved', data: { complaintId: 'C-open' } },
  NpsResponded: { type: 'NpsResponded', data: { surveyId: 's', score: 3 } },
  OpportunityStageChanged: { type: 'OpportunityStageChanged', data: { opportunityId: 'op', stage: 'won' } },
  RelationshipEnded: { type: 'RelationshipEnded', data: { initiatedBy: 'customer' } },
};

describe('RULE_STATE_EVENT_TYPES (the types the ingest handlers read to check the rules)', () => {
  const richState = foldStreamState([
    SAMPLES.ProspectRegistered,
    { type: 'ComplaintFiled', data: { complaintId: 'C-open', category: 'x' } },
    { type: 'QuoteRequested', data: { quoteId: 'Q-open', expectedWithinDays: 1 } },
    { type: 'PromiseMade', data: { promiseId: 'P-open', subject: 's', expectedBy: '2026-01-01T00:00:00Z' } },
  ]);

  it.each(CUSTOMER_EVENT_TYPES.filter((type) => !RULE_STATE_EVENT_TYPES.includes(type)))(
    'may skip %s: it never changes the rule state',
    (type) => {
      expect(evolveStreamState(richState, SAMPLES[type])).toBe(richState);
      expect(evolveStreamState(foldStreamState([]), SAMPLES[type])).toEqual(foldStreamState([]));
    },
  );

  it.each([...RULE_STATE_EVENT_TYPES])('reads %s: it changes the rule state', (type) => {
    const from = type === 'ProspectRegistered' ? foldStreamState([]) : richState;
    expect(evolveStreamState(from, SAMPLES[type])).not.toEqual(from);
  });
});

describe('prepareTouchpoint', () => {
  const context = { now: new Date('2026-04-01T12:00:00Z'), newId: () => 'AAAAAAAA-0000-4000-8000-000000000000', recorder: 'crm-sync' };

  it('fills the server defaults into the metadata but keeps them out of the idempotency payload', () => {
    const prepared = prepareTouchpoint('acme', { type: 'MailSent', data: { mailId: 'm' } }, context);
    expect(prepared.clientEventId).toBe(false);
    expect(prepared.stream).toBe('customer-acme');
    expect(prepared.toAppend).toEqual({
      eventId: 'aaaaaaaa-0000-4000-8000-000000000000',
      type: 'MailSent',
      data: { mailId: 'm' },
      metadata: { occurredAt: '2026-04-01T12:00:00.000Z', recordedBy: { userId: 'crm-sync' }, schemaVersion: 1, customerId: 'acme' },
      idempotencyPayload: { type: 'MailSent', data: { mailId: 'm' } },
    });
  });

  it('keeps what the client sent, exactly, as the idempotency payload and stores occurredAt in UTC', () => {
    const input = {
      eventId: '3F0C2A8E-5B1D-4C7E-9A6F-2D8B1E4C7A90',
      type: 'MailSent' as const,
      occurredAt: '2026-03-01T11:00:00+01:00',
      data: { mailId: 'm' },
      recordedBy: { userId: 'u-17' },
    };
    const prepared = prepareTouchpoint('acme', input, context);
    expect(prepared.clientEventId).toBe(true);
    expect(prepared.toAppend.eventId).toBe('3f0c2a8e-5b1d-4c7e-9a6f-2d8b1e4c7a90');
    expect(prepared.toAppend.metadata).toMatchObject({ occurredAt: '2026-03-01T10:00:00.000Z', recordedBy: { userId: 'u-17' } });
    expect(prepared.toAppend.idempotencyPayload).toEqual({
      type: 'MailSent',
      data: { mailId: 'm' },
      occurredAt: '2026-03-01T11:00:00+01:00',
      recordedBy: { userId: 'u-17' },
    });
    // The same request prepared later (another "now", another recorder) is the same payload.
    const later = prepareTouchpoint('acme', input, { ...context, now: new Date(), recorder: 'ops' });
    expect(idempotencyHash(later.toAppend.idempotencyPayload)).toBe(idempotencyHash(prepared.toAppend.idempotencyPayload));
  });
});
