import { type CustomerDefinition, HOUR, plus, INSIGHT_TYPES, insightCloudEventType, insightId, isInsightType, sha256Hex, definition, T0, at, GAP, customer, given, project, brief, ofType, only } from './testing/insights.fixture';

describe('insight rules', () => {
  describe('ids and names', () => {
    it('an id is a version-8 UUID of the SHA-256 of customerId|type|causeKey: stable, and different for any other part', () => {
      const id = insightId('C-1', 'customer-at-risk', 'event:e-1');
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(id.replace(/-/g, '').slice(0, 12)).toBe(sha256Hex('C-1|customer-at-risk|event:e-1').slice(0, 12));
      expect(insightId('C-1', 'customer-at-risk', 'event:e-1')).toBe(id);
      const others = [
        insightId('C-2', 'customer-at-risk', 'event:e-1'),
        insightId('C-1', 'customer-became-loyal', 'event:e-1'),
        insightId('C-1', 'customer-at-risk', 'event:e-2'),
      ];
      expect(new Set([id, ...others]).size).toBe(4);
    });

    it('SHA-256 matches the FIPS 180-4 test vectors, also for multi-byte UTF-8', () => {
      expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
        '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
      );
      expect(sha256Hex('a'.repeat(1000))).toBe('41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3');
      expect(sha256Hex('Klantcentraal é ü 日本 😀')).toBe('910548a8749e91885d18c253842b2b59637aed7075a18a1ae5c4b8837cc3aa0f');
    });

    it('the six contract types, as CloudEvent types insight.<name>', () => {
      expect(INSIGHT_TYPES).toEqual([
        'lifecycle-phase-changed',
        'customer-became-loyal',
        'customer-at-risk',
        'detractor-responded',
        'complaint-sla-breached',
        'expectation-missed',
      ]);
      expect(insightCloudEventType('customer-at-risk')).toBe('insight.customer-at-risk');
      expect(isInsightType('expectation-missed')).toBe(true);
      expect(isInsightType('insight.expectation-missed')).toBe(false);
    });
  });

  describe('lifecycle-phase-changed', () => {
    it('a registration makes a prospect of cycle 1, at the event, with the event position', () => {
      const c = customer();
      const registered = c.registered();
      expect(given([]).when(registered)).toEqual([
        {
          id: insightId('C-1', 'lifecycle-phase-changed', `event:${registered.eventId}`),
          type: 'lifecycle-phase-changed',
          customerId: 'C-1',
          time: T0,
          globalPosition: registered.globalPosition,
          accountManager: null,
          data: { from: null, to: 'prospect', cycle: 1, cause: 'ProspectRegistered' },
        },
      ]);
    });

    it('the first purchase makes a new customer; nothing else changes', () => {
      const c = customer();
      expect(brief(given([c.registered(), c.assigned(at(1))]).when(c.purchased(at(2))))).toEqual([
        { type: 'lifecycle-phase-changed', time: at(2), data: { from: 'prospect', to: 'new-customer', cycle: 1, cause: 'PurchaseMade' } },
      ]);
    });

    it('carries the account manager as of the evaluation instant', () => {
      const c = customer();
      const [insight] = given([c.registered(), c.assigned(at(1), 'E-9')]).when(c.purchased(at(2)));
      expect(insight.accountManager).toBe('E-9');
    });

    it('a relationship ended departs the customer', () => {
      const c = customer();
      expect(brief(given([c.registered(), c.purchased(at(1))]).when(c.ended(at(30))))).toEqual([
        { type: 'lifecycle-phase-changed', time: at(30), data: { from: 'new-customer', to: 'departed', cycle: 1, cause: 'RelationshipEnded' } },
      ]);
    });

    it('a second cycle: a departed customer buying again is new in cycle 2, then loyal in cycle 2', () => {
      const c = customer();
      const history = [c.registered(), c.purchased(at(1)), c.ended(at(30))];
      const again = c.purchased(at(60));
      expect(brief(given(history).when(again))).toEqual([
        { type: 'lifecycle-phase-changed', time: at(60), data: { from: 'departed', to: 'new-customer', cycle: 2, cause: 'PurchaseMade' } },
      ]);
      expect(brief(given([...history, again]).when(c.purchased(at(90))))).toEqual([
        { type: 'lifecycle-phase-changed', time: at(90), data: { from: 'new-customer', to: 'loyal-customer', cycle: 2, cause: 'PurchaseMade' } },
        { type: 'customer-became-loyal', time: at(90), data: { purchaseCount: 2, cycle: 2, previousStatus: 'new' } },
      ]);
    });
  });

  describe('customer-became-loyal', () => {
    it('a purchase within loyalWithinDays of the previous one makes a loyal customer', () => {
      const c = customer();
      const insights = given([c.registered(), c.purchased(at(1))]).when(c.purchased(at(100)));
      expect(brief(insights)).toEqual([
        { type: 'lifecycle-phase-changed', time: at(100), data: { from: 'new-customer', to: 'loyal-customer', cycle: 1, cause: 'PurchaseMade' } },
        { type: 'customer-became-loyal', time: at(100), data: { purchaseCount: 2, cycle: 1, previousStatus: 'new' } },
      ]);
      expect(insights[0].id).not.toBe(insights[1].id);
    });

    it('up to exactly loyalWithinDays later, when the gap that had opened meanwhile is reported first', () => {
      const c = customer();
      const insights = given([c.registered(), c.purchased(at(1))]).when(c.purchased(at(366)));
      expect(brief(insights)).toEqual([
        { type: 'customer-at-risk', time: plus(at(1), GAP), data: { reasons: ['purchase-gap'], newReasons: ['purchase-gap'] } },
        { type: 'lifecycle-phase-changed', time: at(366), data: { from: 'new-customer', to: 'loyal-customer', cycle: 1, cause: 'PurchaseMade' } },
        { type: 'customer-became-loyal', time: at(366), data: { purchaseCount: 2, cycle: 1, previousStatus: 'at-risk' } },
      ]);
    });

    it('a loyal-customer at risk is not loyal; the answer that clears the risk makes the status loyal', () => {
      const c = customer();
      const history = [c.registered(), c.purchased(at(1)), c.answeredNps(at(2), 3)];
      const loyalPhase = c.purchased(at(10));
      expect(ofType(given(history).when(loyalPhase), 'customer-became-loyal')).toEqual([]);
      expect(brief(given([...history, loyalPhase]).when(c.answeredNps(at(20), 9)))).toEqual([
        { type: 'customer-became-loyal', time: at(20), data: { purchaseCount: 2, cycle: 1, previousStatus: 'at-risk' } },
      ]);
    });
  });

  describe('customer-at-risk', () => {
    it('a customer answering as detractor is at risk, and the detractor responded', () => {
      const c = customer();
      expect(brief(given([c.registered(), c.purchased(at(1))]).when(c.answeredNps(at(5), 6)))).toEqual([
        { type: 'customer-at-risk', time: at(5), data: { reasons: ['detractor'], newReasons: ['detractor'] } },
        { type: 'detractor-responded', time: at(5), data: { surveyId: 'S-1', contactId: 'CT-1', score: 6, hasImprovement: false } },
      ]);
    });

    it('a second detractor answer adds no reason, so it is no new risk', () => {
      const c = customer();
      const insights = given([c.registered(), c.purchased(at(1)), c.answeredNps(at(5), 2)]).when(c.answeredNps(at(6), 4));
      expect(insights.map((insight) => insight.type)).toEqual(['detractor-responded']);
    });

    it('reasons that grow: at risk for the purchase gap, then a detractor answer', () => {
      const c = customer();
      // The timer reported the gap already (checked until day 190).
      const insights = given([c.registered(), c.purchased(at(1))]).when(c.answeredNps(at(200), 0), { checkedUntil: at(190) });
      expect(only(insights, 'customer-at-risk').data).toEqual({ reasons: ['detractor', 'purchase-gap'], newReasons: ['detractor'] });
    });

    it('a prospect is never at risk; its first purchase after a detractor answer makes it so', () => {
      const c = customer();
      const registered = c.registered();
      const answer = c.answeredNps(at(1), 5);
      const history = [registered, answer];
      expect(given([registered]).when(answer).map((insight) => insight.type)).toEqual(['detractor-responded']);
      expect(brief(given(history).when(c.purchased(at(3))))).toEqual([
        { type: 'lifecycle-phase-changed', time: at(3), data: { from: 'prospect', to: 'new-customer', cycle: 1, cause: 'PurchaseMade' } },
        { type: 'customer-at-risk', time: at(3), data: { reasons: ['detractor'], newReasons: ['detractor'] } },
      ]);
    });

    it('by time: the purchase gap opens more than departAfterDays × purchaseGapFraction after the last purchase', () => {
      const c = customer();
      const customerAt = given([c.registered(), c.assigned(at(0, HOUR)), c.purchased(at(1))]);
      const opens = plus(at(1), GAP);
      expect(customerAt.dueBetween(at(1), opens)).toEqual([]);
      const [insight] = customerAt.dueBetween(at(1), plus(opens, 1));
      expect(insight).toEqual({
        id: insightId('C-1', 'customer-at-risk', `at-risk:${opens}:purchase-gap`),
        type: 'customer-at-risk',
        customerId: 'C-1',
        time: opens,
        globalPosition: 3,
        accountManager: 'E-7',
        data: { reasons: ['purchase-gap'], newReasons: ['purchase-gap'] },
      });
      expect(customerAt.dueBetween(plus(opens, 1), at(300))).toEqual([]);
    });

    it('by time: an open complaint becoming overdue puts a customer at risk, but not a second one', () => {
      const c = customer();
      const state = given([c.registered(), c.purchased(at(1)), c.complained(at(2), 'K-1'), c.complained(at(2, HOUR), 'K-2')]);
      expect(brief(state.dueBetween(at(2), at(3, 2 * HOUR)))).toEqual([
        { type: 'customer-at-risk', time: at(3), data: { reasons: ['complaint-overdue'], newReasons: ['complaint-overdue'] } },
        { type: 'complaint-sla-breached', time: at(3), data: { complaintId: 'K-1', filedAt: at(2), targetHours: 24 } },
        { type: 'complaint-sla-breached', time: at(3, HOUR), data: { complaintId: 'K-2', filedAt: at(2, HOUR), targetHours: 24 } },
      ]);
    });
  });

  describe('detractor-responded', () => {
    const c = customer();
    const history = [c.registered(), c.purchased(at(1))];

    it('carries ids and numbers, and whether there is an improvement text, never the text', () => {
      const insight = only(given(history).when(c.answeredNps(at(5), 0, 'Call Jan back on time')), 'detractor-responded');
      expect(insight.data).toEqual({ surveyId: 'S-1', contactId: 'CT-1', score: 0, hasImprovement: true });
      expect(JSON.stringify(insight)).not.toContain('Call Jan');
    });

    it('a passive or promoter answer is no detractor', () => {
      expect(given(history).when(c.answeredNps(at(5), 7))).toEqual([]);
      expect(given(history).when(c.answeredNps(at(5), 10))).toEqual([]);
    });

    it('follows the definition: with detractorMaxScore 4, a 5 is no detractor', () => {
      const strict: CustomerDefinition = { ...definition, version: 2, detractorMaxScore: 4 };
      expect(given(history, strict).when(c.answeredNps(at(5), 5))).toEqual([]);
      expect(given(history, strict).when(c.answeredNps(at(5), 4)).map((insight) => insight.type)).toEqual([
        'customer-at-risk',
        'detractor-responded',
      ]);
    });
  });

  describe('complaint-sla-breached', () => {
    it('resolved exactly complaintTargetHours after filing is within target: no insight', () => {
      const c = customer();
      expect(given([c.registered(), c.complained(at(1))]).when(c.resolved(at(2)))).toEqual([]);
    });

    it('resolved one millisecond later is a breach, due at filing + target hours', () => {
      const c = customer();
      expect(brief(given([c.registered(), c.complained(at(1))]).when(c.resolved(at(2, 1))))).toEqual([
        { type: 'complaint-sla-breached', time: at(2), data: { complaintId: 'K-1', filedAt: at(1), targetHours: 24 } },
      ]);
    });

    it('by time: open at exactly the target is no breach; one millisecond later it is', () => {
      const c = customer();
      const prospect = given([c.registered(), c.complained(at(1))]);
      expect(prospect.dueBetween(at(1), at(2))).toEqual([]);
      expect(brief(prospect.dueBetween(at(1), at(2, 1)))).toEqual([
        { type: 'complaint-sla-breached', time: at(2), data: { complaintId: 'K-1', filedAt: at(1), targetHours: 24 } },
      ]);
    });

    it('the breach the timer reported at 24 h has the same id and content when the resolution at 30 h reports it', () => {
      const c = customer();
      const history = [c.registered(), c.complained(at(1))];
      const [byTime] = given(history).dueBetween(at(1), at(2, HOUR));
      const [byEvent] = given(history).when(c.resolved(at(1, 30 * HOUR)));
      expect(byEvent.id).toBe(byTime.id);
      expect({ ...byEvent, globalPosition: 0 }).toEqual({ ...byTime, globalPosition: 0 });
      // A projector that tells when it checked hears it once.
      expect(given(history).when(c.resolved(at(1, 30 * HOUR)), { checkedUntil: at(2, HOUR) })).toEqual([]);
    });

    it('the id names the complaint and its filing, so a complaint id filed again is another breach', () => {
      const c = customer();
      const insights = project([c.registered(), c.complained(at(1)), c.resolved(at(3)), c.complained(at(10)), c.resolved(at(12))]);
      const breaches = ofType(insights, 'complaint-sla-breached');
      expect(breaches.map((insight) => insight.time)).toEqual([at(2), at(11)]);
      expect(breaches[0].id).not.toBe(breaches[1].id);
    });

    it('follows the definition: with a 48-hour target, 30 hours is within target', () => {
      const relaxed: CustomerDefinition = { ...definition, version: 2, complaintTargetHours: 48 };
      const c = customer();
      expect(given([c.registered(), c.complained(at(1))], relaxed).when(c.resolved(at(1, 30 * HOUR)))).toEqual([]);
      expect(given([c.registered(), c.complained(at(1))], relaxed).nextDueAfter(at(1))).toBe(at(3, 1));
    });
  });

  describe('expectation-missed', () => {
    // Requested Monday 2025-01-06 10:00 within 2 days: expected Wednesday 2025-01-08.
    const missedQuote = { kind: 'quote', subjectId: 'Q-1', expectedDate: '2025-01-08', deliveredAt: null };

    it('by time: at the start of the day after the expected date, not on its last millisecond', () => {
      const c = customer();
      const requested = given([c.registered(), c.quoteRequested(at(0), 2)]);
      expect(requested.dueBetween(at(0), '2025-01-08T23:59:59.999Z')).toEqual([]);
      expect(brief(requested.dueBetween(at(0), '2025-01-09T00:00:00.000Z'))).toEqual([
        { type: 'expectation-missed', time: '2025-01-09T00:00:00.000Z', data: missedQuote },
      ]);
    });

    it('sent on the expected date, even late in the day, is no miss', () => {
      const c = customer();
      expect(given([c.registered(), c.quoteRequested(at(0), 2)]).when(c.quoteSent('2025-01-08T23:59:59.999Z'))).toEqual([]);
    });

    it('sent the day after: the miss, with the same id and content as by time', () => {
      const c = customer();
      const history = [c.registered(), c.quoteRequested(at(0), 2)];
      const [byTime] = given(history).dueBetween(at(0), at(5));
      const [byEvent] = given(history).when(c.quoteSent('2025-01-09T08:00:00.000Z'));
      expect(brief([byEvent])).toEqual([{ type: 'expectation-missed', time: '2025-01-09T00:00:00.000Z', data: missedQuote }]);
      expect({ ...byEvent, globalPosition: 0 }).toEqual({ ...byTime, globalPosition: 0 });
    });

    it('an expectation adjusted in time is measured against the new date', () => {
      const c = customer();
      const promised = given([c.registered(), c.promised(at(0), '2025-01-10T17:00:00Z'), c.adjusted(at(2), 'P-1', '2025-01-15T17:00:00Z')]);
      expect(promised.dueBetween(at(2), '2025-01-16T00:00:00.000Z').map((insight) => insight.data)).toEqual([
        { kind: 'promise', subjectId: 'P-1', expectedDate: '2025-01-15', deliveredAt: null },
      ]);
      expect(promised.dueBetween(at(2), '2025-01-15T23:59:59.999Z')).toEqual([]);
      expect(promised.nextDueAfter(at(2))).toBe('2025-01-16T00:00:00.000Z');
    });

    it('a promise made for a date already past is missed when it is made, reported once', () => {
      const c = customer();
      const insights = given([c.registered(), c.mailed(at(3))]).when(c.promised(at(3, HOUR), '2025-01-07T12:00:00Z'));
      expect(brief(insights)).toEqual([
        { type: 'expectation-missed', time: at(3, HOUR), data: { kind: 'promise', subjectId: 'P-1', expectedDate: '2025-01-07', deliveredAt: null } },
      ]);
    });

    it('a delivered promise has nothing pending', () => {
      const c = customer();
      const delivered = given([c.registered(), c.promised(at(0), '2025-01-10T17:00:00Z'), c.delivered(at(3))]);
      expect(delivered.nextDueAfter(at(3))).toBeNull();
      expect(delivered.dueBetween(at(3), at(100))).toEqual([]);
    });
  });
});
