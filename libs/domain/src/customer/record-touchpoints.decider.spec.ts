import { RuleViolationError } from '../errors';
import type { CustomerEvent } from '../events';
import { DeciderSpecification } from '../testing/decider-specification';
import {
  evolveStreamState,
  foldStreamState,
  initialStreamState,
  isPromiseOpen,
  isQuoteOpen,
} from './customer-stream.state';
import { CUSTOMER_STREAM_RULES, decideRecordTouchpoints, type RecordTouchpoints } from './record-touchpoints.decider';

const customerId = 'acme-1';
const record = (...events: CustomerEvent[]): RecordTouchpoints => ({ customerId, events });

const prospectRegistered: CustomerEvent = { type: 'ProspectRegistered', data: { name: 'Acme BV', size: 'medium' } };
const contactAdded: CustomerEvent = {
  type: 'ContactAdded',
  data: { contactId: 'p-1', name: 'Anna', dmuRole: 'decision-maker' },
};
const complaintFiled = (complaintId: string): CustomerEvent => ({
  type: 'ComplaintFiled',
  data: { complaintId, category: 'delivery', severity: 'high' },
});
const complaintResolved = (complaintId: string): CustomerEvent => ({
  type: 'ComplaintResolved',
  data: { complaintId },
});
const quoteRequested = (quoteId: string): CustomerEvent => ({
  type: 'QuoteRequested',
  data: { quoteId, expectedWithinDays: 2 },
});
const quoteSent = (quoteId: string): CustomerEvent => ({
  type: 'QuoteSent',
  data: { quoteId, amount: 1200, currency: 'EUR' },
});
const promiseMade = (promiseId: string): CustomerEvent => ({
  type: 'PromiseMade',
  data: { promiseId, subject: 'spare parts', expectedBy: '2026-03-10T00:00:00Z' },
});
const promiseDelivered = (promiseId: string): CustomerEvent => ({ type: 'PromiseDelivered', data: { promiseId } });
const expectationAdjusted = (subjectId: string): CustomerEvent => ({
  type: 'ExpectationAdjusted',
  data: { subjectId, expectedBy: '2026-03-12T00:00:00Z' },
});
const purchaseMade = (orderId: string): CustomerEvent => ({
  type: 'PurchaseMade',
  data: { orderId, lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: 50 }], total: 100, currency: 'EUR' },
});
const relationshipEnded: CustomerEvent = { type: 'RelationshipEnded', data: { initiatedBy: 'customer' } };

/** One of each catalogue type that has no rule of its own beyond the stream having started. */
const ruleFreeTouchpoints: CustomerEvent[] = [
  contactAdded,
  { type: 'AccountManagerAssigned', data: { employeeId: 'e-1', salesRole: 'account-manager' } },
  { type: 'MailSent', data: { mailId: 'm-1', campaignId: 'spring' } },
  { type: 'MailOpened', data: { mailId: 'm-1' } },
  { type: 'MailClicked', data: { mailId: 'm-1', url: 'https://example.com/offer' } },
  { type: 'WebsiteVisited', data: { url: 'https://example.com/pricing', durationSeconds: 40 } },
  { type: 'MeetingHeld', data: { meetingId: 'mt-1', kind: 'visit', contactIds: ['p-1'] } },
  quoteRequested('Q-1'),
  promiseMade('P-1'),
  purchaseMade('O-1'),
  { type: 'NpsResponded', data: { surveyId: 's-1', score: 9 } },
  { type: 'OpportunityStageChanged', data: { opportunityId: 'op-1', stage: 'proposal', value: 5000 } },
  relationshipEnded,
];

// Instantiated: TypeScript cannot infer a command type from a generic decider.
const spec = DeciderSpecification.for(decideRecordTouchpoints<CustomerEvent>, evolveStreamState, initialStreamState);
const violates = (rule: string, index: number) =>
  [RuleViolationError, { code: 'rule-violation', rule, index }] as const;

describe('decideRecordTouchpoints', () => {
  describe('a stream starts with ProspectRegistered', () => {
    it('accepts ProspectRegistered on an empty stream', () => {
      spec.given([]).when(record(prospectRegistered)).then([prospectRegistered]);
    });

    it('accepts a batch that registers the prospect first and goes on', () => {
      const batch = [prospectRegistered, ...ruleFreeTouchpoints];
      spec.given([]).when(record(...batch)).then(batch);
    });

    it.each(ruleFreeTouchpoints.map((event) => [event.type, event] as const))(
      'rejects %s on an empty stream',
      (_type, event) => {
        spec.given([]).when(record(event)).thenThrows(...violates('stream-must-start-with-prospect-registered', 0));
      },
    );

    it('rejects a batch whose ProspectRegistered comes after another event', () => {
      spec
        .given([])
        .when(record(contactAdded, prospectRegistered))
        .thenThrows(...violates('stream-must-start-with-prospect-registered', 0));
    });

    it('rejects a second ProspectRegistered on a started stream', () => {
      spec
        .given([prospectRegistered])
        .when(record(prospectRegistered))
        .thenThrows(...violates('prospect-already-registered', 0));
    });

    it('rejects a second ProspectRegistered within one batch', () => {
      spec
        .given([])
        .when(record(prospectRegistered, contactAdded, prospectRegistered))
        .thenThrows(...violates('prospect-already-registered', 2));
    });

    it('rejects ProspectRegistered after RelationshipEnded: a departed customer keeps its stream', () => {
      spec
        .given([prospectRegistered, purchaseMade('O-1'), relationshipEnded])
        .when(record(prospectRegistered))
        .thenThrows(...violates('prospect-already-registered', 0));
    });
  });

  describe('ComplaintResolved needs a filed, unresolved complaint', () => {
    it('accepts resolving an open complaint', () => {
      spec
        .given([prospectRegistered, complaintFiled('C-1')])
        .when(record(complaintResolved('C-1')))
        .then([complaintResolved('C-1')]);
    });

    it('accepts filing and resolving within one batch on an empty stream', () => {
      const batch = [prospectRegistered, complaintFiled('C-1'), complaintResolved('C-1')];
      spec.given([]).when(record(...batch)).then(batch);
    });

    it('rejects resolving a complaint that was never filed', () => {
      spec
        .given([prospectRegistered])
        .when(record(complaintResolved('C-1')))
        .thenThrows(...violates('complaint-not-open', 0));
    });

    it('rejects resolving a different complaint than the one filed', () => {
      spec
        .given([prospectRegistered, complaintFiled('C-1')])
        .when(record(complaintResolved('C-2')))
        .thenThrows(...violates('complaint-not-open', 0));
    });

    it('rejects resolving a complaint twice', () => {
      spec
        .given([prospectRegistered, complaintFiled('C-1'), complaintResolved('C-1')])
        .when(record(complaintResolved('C-1')))
        .thenThrows(...violates('complaint-not-open', 0));
    });

    it('rejects resolving twice within one batch, at the second resolution', () => {
      spec
        .given([prospectRegistered, complaintFiled('C-1')])
        .when(record(complaintResolved('C-1'), contactAdded, complaintResolved('C-1')))
        .thenThrows(...violates('complaint-not-open', 2));
    });

    it('rejects a resolution that comes before its filing in the batch', () => {
      spec
        .given([prospectRegistered])
        .when(record(complaintResolved('C-1'), complaintFiled('C-1')))
        .thenThrows(...violates('complaint-not-open', 0));
    });

    it('says in the message whether the complaint was never filed or already resolved', () => {
      spec
        .given([prospectRegistered])
        .when(record(complaintResolved('C-9')))
        .thenThrows(RuleViolationError, { message: expect.stringContaining('"C-9" was never filed') });
      spec
        .given([prospectRegistered, complaintFiled('C-9'), complaintResolved('C-9')])
        .when(record(complaintResolved('C-9')))
        .thenThrows(RuleViolationError, { message: expect.stringContaining('"C-9" is already resolved') });
    });
  });

  describe('ComplaintFiled may not reuse the id of an open complaint', () => {
    it('rejects filing a complaint id that is still open', () => {
      spec
        .given([prospectRegistered, complaintFiled('C-1')])
        .when(record(complaintFiled('C-1')))
        .thenThrows(...violates('complaint-already-open', 0));
    });

    it('rejects filing the same id twice within one batch', () => {
      spec
        .given([prospectRegistered])
        .when(record(complaintFiled('C-1'), complaintFiled('C-1')))
        .thenThrows(...violates('complaint-already-open', 1));
    });

    it('accepts several open complaints with different ids, resolved in any order', () => {
      const batch = [complaintFiled('C-1'), complaintFiled('C-2'), complaintResolved('C-2'), complaintResolved('C-1')];
      spec.given([prospectRegistered]).when(record(...batch)).then(batch);
    });

    it('accepts reusing the id of a resolved complaint, which opens a new complaint that can be resolved again', () => {
      const batch = [complaintFiled('C-1'), complaintResolved('C-1')];
      spec
        .given([prospectRegistered, complaintFiled('C-1'), complaintResolved('C-1')])
        .when(record(...batch))
        .then(batch);
    });
  });

  describe('QuoteSent needs its QuoteRequested', () => {
    it('accepts sending a requested quote', () => {
      spec.given([prospectRegistered, quoteRequested('Q-1')]).when(record(quoteSent('Q-1'))).then([quoteSent('Q-1')]);
    });

    it('accepts request and send within one batch', () => {
      const batch = [quoteRequested('Q-1'), quoteSent('Q-1')];
      spec.given([prospectRegistered]).when(record(...batch)).then(batch);
    });

    it('accepts sending a revised quote for the same request', () => {
      spec
        .given([prospectRegistered, quoteRequested('Q-1'), quoteSent('Q-1')])
        .when(record(quoteSent('Q-1')))
        .then([quoteSent('Q-1')]);
    });

    it('rejects sending a quote that was never requested', () => {
      spec.given([prospectRegistered]).when(record(quoteSent('Q-1'))).thenThrows(...violates('quote-not-requested', 0));
    });

    it('rejects sending a quote whose request has another id', () => {
      spec
        .given([prospectRegistered, quoteRequested('Q-1')])
        .when(record(quoteSent('Q-2')))
        .thenThrows(...violates('quote-not-requested', 0));
    });

    it('rejects a send that comes before its request in the batch', () => {
      spec
        .given([prospectRegistered])
        .when(record(contactAdded, quoteSent('Q-1'), quoteRequested('Q-1')))
        .thenThrows(...violates('quote-not-requested', 1));
    });
  });

  describe('PromiseDelivered needs its PromiseMade', () => {
    it('accepts delivering a promise that was made', () => {
      spec
        .given([prospectRegistered, promiseMade('P-1')])
        .when(record(promiseDelivered('P-1')))
        .then([promiseDelivered('P-1')]);
    });

    it('accepts making and delivering within one batch', () => {
      const batch = [promiseMade('P-1'), promiseDelivered('P-1')];
      spec.given([prospectRegistered]).when(record(...batch)).then(batch);
    });

    it('rejects delivering a promise that was never made', () => {
      spec
        .given([prospectRegistered])
        .when(record(promiseDelivered('P-1')))
        .thenThrows(...violates('promise-not-made', 0));
    });

    it('rejects a delivery that comes before its promise in the batch', () => {
      spec
        .given([prospectRegistered])
        .when(record(promiseDelivered('P-1'), promiseMade('P-1')))
        .thenThrows(...violates('promise-not-made', 0));
    });

    it('rejects delivering a promise twice', () => {
      spec
        .given([prospectRegistered, promiseMade('P-1'), promiseDelivered('P-1')])
        .when(record(promiseDelivered('P-1')))
        .thenThrows(...violates('promise-already-delivered', 0));
    });

    it('rejects delivering twice within one batch, at the second delivery', () => {
      spec
        .given([prospectRegistered, promiseMade('P-1')])
        .when(record(promiseDelivered('P-1'), promiseDelivered('P-1')))
        .thenThrows(...violates('promise-already-delivered', 1));
    });

    it('accepts a promise made again under a delivered id, delivered again', () => {
      const batch = [promiseMade('P-1'), promiseDelivered('P-1')];
      spec.given([prospectRegistered, promiseMade('P-1'), promiseDelivered('P-1')]).when(record(...batch)).then(batch);
    });
  });

  describe('ExpectationAdjusted needs an open quote or promise', () => {
    it('accepts adjusting an open quote', () => {
      spec
        .given([prospectRegistered, quoteRequested('Q-1')])
        .when(record(expectationAdjusted('Q-1')))
        .then([expectationAdjusted('Q-1')]);
    });

    it('accepts adjusting an open promise', () => {
      spec
        .given([prospectRegistered, promiseMade('P-1')])
        .when(record(expectationAdjusted('P-1')))
        .then([expectationAdjusted('P-1')]);
    });

    it('accepts adjusting more than once, then closing the subject', () => {
      const batch = [
        promiseMade('P-1'),
        expectationAdjusted('P-1'),
        expectationAdjusted('P-1'),
        promiseDelivered('P-1'),
      ];
      spec.given([prospectRegistered]).when(record(...batch)).then(batch);
    });

    it('rejects adjusting an unknown subject', () => {
      spec
        .given([prospectRegistered, quoteRequested('Q-1'), promiseMade('P-1')])
        .when(record(expectationAdjusted('X-1')))
        .thenThrows(...violates('expectation-subject-not-open', 0));
    });

    it('rejects adjusting a quote that was already sent', () => {
      spec
        .given([prospectRegistered, quoteRequested('Q-1'), quoteSent('Q-1')])
        .when(record(expectationAdjusted('Q-1')))
        .thenThrows(...violates('expectation-subject-not-open', 0));
    });

    it('rejects adjusting a promise that was already delivered', () => {
      spec
        .given([prospectRegistered, promiseMade('P-1'), promiseDelivered('P-1')])
        .when(record(expectationAdjusted('P-1')))
        .thenThrows(...violates('expectation-subject-not-open', 0));
    });

    it('rejects an adjustment after the subject closed earlier in the same batch', () => {
      spec
        .given([prospectRegistered])
        .when(record(quoteRequested('Q-1'), expectationAdjusted('Q-1'), quoteSent('Q-1'), expectationAdjusted('Q-1')))
        .thenThrows(...violates('expectation-subject-not-open', 3));
    });

    it('rejects an adjustment before its subject exists in the batch', () => {
      spec
        .given([prospectRegistered])
        .when(record(expectationAdjusted('P-1'), promiseMade('P-1')))
        .thenThrows(...violates('expectation-subject-not-open', 0));
    });

    it('does not treat an open complaint as an adjustable subject', () => {
      spec
        .given([prospectRegistered, complaintFiled('C-1')])
        .when(record(expectationAdjusted('C-1')))
        .thenThrows(...violates('expectation-subject-not-open', 0));
    });

    it('accepts adjusting a quote requested again after it was sent', () => {
      spec
        .given([prospectRegistered, quoteRequested('Q-1'), quoteSent('Q-1')])
        .when(record(quoteRequested('Q-1'), expectationAdjusted('Q-1')))
        .then([quoteRequested('Q-1'), expectationAdjusted('Q-1')]);
    });
  });

  describe('relationship cycles', () => {
    it('accepts a purchase after RelationshipEnded (a new cycle) and touchpoints of every kind after it', () => {
      const batch = [
        purchaseMade('O-2'),
        quoteRequested('Q-2'),
        quoteSent('Q-2'),
        complaintFiled('C-2'),
        complaintResolved('C-2'),
      ];
      spec
        .given([prospectRegistered, purchaseMade('O-1'), relationshipEnded])
        .when(record(...batch))
        .then(batch);
    });

    it('keeps the rules across cycles: an earlier complaint can still be resolved after the relationship ended', () => {
      spec
        .given([prospectRegistered, complaintFiled('C-1'), relationshipEnded, purchaseMade('O-2')])
        .when(record(complaintResolved('C-1')))
        .then([complaintResolved('C-1')]);
    });
  });

  describe('the batch is all-or-nothing and the first violation wins', () => {
    it('reports the first violation when several events break rules', () => {
      spec
        .given([prospectRegistered])
        .when(record(contactAdded, quoteSent('Q-1'), complaintResolved('C-1'), prospectRegistered))
        .thenThrows(...violates('quote-not-requested', 1));
    });

    it('accepts an empty batch (the HTTP layer requires at least one event)', () => {
      spec.given([prospectRegistered]).when(record()).then([]);
    });

    it('returns the very events it was given, envelope fields and all', () => {
      const batch = [
        { ...prospectRegistered, eventId: 'e-1', occurredAt: '2026-03-01T10:00:00Z' },
        { ...complaintFiled('C-1'), eventId: 'e-2', occurredAt: '2026-03-01T11:00:00Z' },
      ];
      const decided = decideRecordTouchpoints({ customerId, events: batch }, initialStreamState);
      expect(decided).toBe(batch);
      expect(decided[1].eventId).toBe('e-2');
    });

    it('does not change the state it was given', () => {
      const state = foldStreamState([prospectRegistered, quoteRequested('Q-1')]);
      decideRecordTouchpoints(record(quoteSent('Q-1'), complaintFiled('C-1')), state);
      expect(isQuoteOpen(state, 'Q-1')).toBe(true);
      expect(state.openComplaintIds.size).toBe(0);
    });
  });

  describe('the error', () => {
    it('carries code, rule and index, and names the index, type and id in its message', () => {
      let caught: unknown;
      try {
        decideRecordTouchpoints(
          record(promiseMade('P-7'), promiseDelivered('P-7'), promiseDelivered('P-7')),
          foldStreamState([prospectRegistered]),
        );
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(RuleViolationError);
      expect(caught).toBeInstanceOf(Error);
      const error = caught as RuleViolationError;
      expect(error).toMatchObject({
        code: 'rule-violation',
        rule: 'promise-already-delivered',
        index: 2,
        name: 'RuleViolationError',
      });
      expect(error.message).toContain('events[2]');
      expect(error.message).toContain('PromiseDelivered');
      expect(error.message).toContain('"P-7"');
    });

    it('names the customer when the stream has not started', () => {
      spec
        .given([])
        .when(record(contactAdded))
        .thenThrows(RuleViolationError, { message: expect.stringContaining(`"${customerId}"`) });
    });

    it('uses only the published rule codes', () => {
      expect(CUSTOMER_STREAM_RULES).toEqual([
        'stream-must-start-with-prospect-registered',
        'prospect-already-registered',
        'complaint-already-open',
        'complaint-not-open',
        'quote-not-requested',
        'promise-not-made',
        'promise-already-delivered',
        'expectation-subject-not-open',
      ]);
    });
  });
});

describe('evolveStreamState / foldStreamState', () => {
  it('starts empty', () => {
    expect(initialStreamState.exists).toBe(false);
    expect(foldStreamState([])).toBe(initialStreamState);
  });

  it('tracks existence, complaints, quotes and promises', () => {
    const state = foldStreamState([
      prospectRegistered,
      complaintFiled('C-1'),
      complaintFiled('C-2'),
      complaintResolved('C-1'),
      quoteRequested('Q-1'),
      quoteRequested('Q-2'),
      quoteSent('Q-1'),
      promiseMade('P-1'),
      promiseMade('P-2'),
      promiseDelivered('P-2'),
    ]);
    expect(state.exists).toBe(true);
    expect([...state.openComplaintIds]).toEqual(['C-2']);
    expect([...state.resolvedComplaintIds]).toEqual(['C-1']);
    expect([...state.requestedQuoteIds]).toEqual(['Q-1', 'Q-2']);
    expect([...state.sentQuoteIds]).toEqual(['Q-1']);
    expect([...state.madePromiseIds]).toEqual(['P-1', 'P-2']);
    expect([...state.deliveredPromiseIds]).toEqual(['P-2']);
    expect([isQuoteOpen(state, 'Q-1'), isQuoteOpen(state, 'Q-2')]).toEqual([false, true]);
    expect([isPromiseOpen(state, 'P-1'), isPromiseOpen(state, 'P-2')]).toEqual([true, false]);
  });

  it('leaves the state untouched for events without a rule', () => {
    const state = foldStreamState([prospectRegistered]);
    for (const event of ruleFreeTouchpoints.filter((e) => !['QuoteRequested', 'PromiseMade'].includes(e.type))) {
      expect(evolveStreamState(state, event)).toBe(state);
    }
  });

  it('never mutates an earlier state', () => {
    const before = foldStreamState([prospectRegistered, complaintFiled('C-1')]);
    const after = evolveStreamState(before, complaintResolved('C-1'));
    expect([...before.openComplaintIds]).toEqual(['C-1']);
    expect([...after.openComplaintIds]).toEqual([]);
    expect(before.resolvedComplaintIds.size).toBe(0);
  });
});
