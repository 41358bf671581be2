import { RuleViolationError, foldStreamState, initialStreamState, isQuoteOpen, CUSTOMER_STREAM_RULES, decideRecordTouchpoints, customerId, record, prospectRegistered, contactAdded, complaintFiled, complaintResolved, quoteRequested, quoteSent, promiseMade, promiseDelivered, expectationAdjusted, purchaseMade, relationshipEnded, spec, violates } from './testing/record-touchpoints.fixture';

describe('decideRecordTouchpoints', () => {
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
