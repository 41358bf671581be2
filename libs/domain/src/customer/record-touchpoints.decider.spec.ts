import { RuleViolationError, record, prospectRegistered, contactAdded, complaintFiled, complaintResolved, quoteRequested, quoteSent, promiseMade, promiseDelivered, purchaseMade, relationshipEnded, ruleFreeTouchpoints, spec, violates } from './testing/record-touchpoints.fixture';

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
});
