import { expectationOutcomes, lifecyclePhaseHistory, HOUR, definition, T0, at, customer, fold, given } from './testing/customer-profile.fixture';

describe('customer profile read model', () => {
  describe('lifecycle', () => {
    it('a registered prospect is in cycle 1 with loyalty none and empty figures', () => {
      const c = customer();
      expect(given([c.registered()]).asOf(at(1))).toEqual({
        customerId: 'C-1',
        name: 'Acme BV',
        size: 'medium',
        lifecyclePhase: 'prospect',
        cycle: 1,
        loyalty: { status: 'none', reasons: [], purchaseCount: 0, lastPurchaseAt: null },
        nps: { lastScore: null, category: null, lastImprovement: null },
        complaints: { open: 0, resolved: 0 },
        experience: { positive: 0, asExpected: 0, negative: 0 },
        accountManager: null,
        contacts: [],
        touchpoints: { total: 1, byType: { ProspectRegistered: 1 } },
        lastTouchpointAt: T0,
        asOf: at(1),
        definitionVersion: 1,
      });
    });

    it('the first purchase makes a new customer', () => {
      const c = customer();
      const view = given([c.registered(), c.purchased(at(10))]).asOf(at(11));
      expect(view.lifecyclePhase).toBe('new-customer');
      expect(view.cycle).toBe(1);
      expect(view.loyalty).toEqual({ status: 'new', reasons: [], purchaseCount: 1, lastPurchaseAt: at(10) });
    });

    it('a purchase exactly 365 days after the previous one makes a loyal customer', () => {
      const c = customer();
      const view = given([c.registered(), c.purchased(at(10)), c.purchased(at(10 + 365))]).asOf(at(10 + 365));
      expect(view).toMatchObject({
        lifecyclePhase: 'loyal-customer',
        cycle: 1,
        loyalty: { status: 'loyal', reasons: [], purchaseCount: 2, lastPurchaseAt: at(375) },
      });
    });

    it('a purchase 365 days + 1 ms after the previous one starts a new cycle: the customer had departed by inactivity', () => {
      const c = customer();
      const events = [c.registered(), c.purchased(at(10)), c.purchased(at(10 + 365, 1))];
      expect(given(events).asOf(at(400))).toMatchObject({
        lifecyclePhase: 'new-customer',
        cycle: 2,
        loyalty: { status: 'new', reasons: [], purchaseCount: 1, lastPurchaseAt: at(375, 1) },
      });
      expect(lifecyclePhaseHistory(fold(events), at(400), definition).map(({ to, at: when, cause, cycle }) => [to, when, cause, cycle])).toEqual([
        ['prospect', T0, 'ProspectRegistered', 1],
        ['new-customer', at(10), 'PurchaseMade', 1],
        ['departed', at(375), 'inactivity', 1],
        ['new-customer', at(375, 1), 'PurchaseMade', 2],
      ]);
    });

    it('departs by inactivity without any event: not yet exactly 365 days after the last purchase, 1 ms later it has', () => {
      const c = customer();
      const events = [c.registered(), c.purchased(at(10)), c.purchased(at(20))];
      expect(given(events).asOf(at(20 + 365))).toMatchObject({
        lifecyclePhase: 'loyal-customer',
        cycle: 1,
        loyalty: { status: 'at-risk', reasons: ['purchase-gap'] },
      });
      expect(given(events).asOf(at(20 + 365, 1))).toMatchObject({
        lifecyclePhase: 'departed',
        cycle: 1,
        loyalty: { status: 'lapsed', reasons: [], purchaseCount: 2, lastPurchaseAt: at(20) },
      });
    });

    it('RelationshipEnded departs at once; the next purchase starts cycle 2 as a new customer', () => {
      const c = customer();
      const events = [c.registered(), c.purchased(at(10)), c.purchased(at(20)), c.ended(at(30)), c.purchased(at(40))];
      expect(given(events).asOf(at(30))).toMatchObject({
        lifecyclePhase: 'departed',
        cycle: 1,
        loyalty: { status: 'lapsed', reasons: [], purchaseCount: 2, lastPurchaseAt: at(20) },
      });
      expect(given(events).asOf(at(40))).toMatchObject({
        lifecyclePhase: 'new-customer',
        cycle: 2,
        loyalty: { status: 'new', reasons: [], purchaseCount: 1, lastPurchaseAt: at(40) },
      });
    });

    it('a prospect who ends the relationship is departed; a first purchase after that starts cycle 2', () => {
      const c = customer();
      const events = [c.registered(), c.ended(at(5)), c.purchased(at(50))];
      expect(given(events).asOf(at(6))).toMatchObject({
        lifecyclePhase: 'departed',
        cycle: 1,
        loyalty: { status: 'lapsed', purchaseCount: 0, lastPurchaseAt: null },
      });
      expect(given(events).asOf(at(50))).toMatchObject({ lifecyclePhase: 'new-customer', cycle: 2, loyalty: { purchaseCount: 1 } });
    });

    it('a purchase later than loyalWithinDays but before departure keeps the phase it had', () => {
      const strict = { ...definition, version: 2, loyalWithinDays: 30 };
      const c = customer();
      const newThenLate = [c.registered(), c.purchased(at(10)), c.purchased(at(100))];
      expect(given(newThenLate, strict).asOf(at(100))).toMatchObject({ lifecyclePhase: 'new-customer', cycle: 1, loyalty: { purchaseCount: 2 } });

      const d = customer();
      const loyalThenLate = [d.registered(), d.purchased(at(10)), d.purchased(at(20)), d.purchased(at(200))];
      expect(given(loyalThenLate, strict).asOf(at(200))).toMatchObject({ lifecyclePhase: 'loyal-customer', cycle: 1 });
    });

    it('lists every transition with its cause, including departures by inactivity, up to asOf', () => {
      const c = customer();
      const events = [
        c.registered(),
        c.purchased(at(10)),
        c.purchased(at(20)),
        c.purchased(at(30)),
        c.purchased(at(500)),
        c.ended(at(600)),
        c.ended(at(601)),
      ];
      const history = lifecyclePhaseHistory(fold(events), at(1000), definition);
      expect(history).toEqual([
        { from: null, to: 'prospect', at: T0, cause: 'ProspectRegistered', cycle: 1, globalPosition: 1 },
        { from: 'prospect', to: 'new-customer', at: at(10), cause: 'PurchaseMade', cycle: 1, globalPosition: 2 },
        { from: 'new-customer', to: 'loyal-customer', at: at(20), cause: 'PurchaseMade', cycle: 1, globalPosition: 3 },
        { from: 'loyal-customer', to: 'departed', at: at(395), cause: 'inactivity', cycle: 1, globalPosition: null },
        { from: 'departed', to: 'new-customer', at: at(500), cause: 'PurchaseMade', cycle: 2, globalPosition: 5 },
        { from: 'new-customer', to: 'departed', at: at(600), cause: 'RelationshipEnded', cycle: 2, globalPosition: 6 },
      ]);
      expect(lifecyclePhaseHistory(fold(events), at(395), definition)).toHaveLength(3);
      expect(lifecyclePhaseHistory(fold(events), at(395, 1), definition)).toHaveLength(4);
      expect(lifecyclePhaseHistory(null, at(1000), definition)).toEqual([]);
    });
  });

  describe('loyalty', () => {
    it.each([
      [0, 'detractor', 'at-risk', ['detractor']],
      [6, 'detractor', 'at-risk', ['detractor']],
      [7, 'passive', 'new', []],
      [8, 'passive', 'new', []],
      [9, 'promoter', 'new', []],
      [10, 'promoter', 'new', []],
    ])('an NPS answer of %i is a %s: loyalty %s %j', (score, category, status, reasons) => {
      const c = customer();
      const view = given([c.registered(), c.purchased(at(10)), c.answeredNps(at(11), score, 'faster delivery')]).asOf(at(12));
      expect(view.nps).toEqual({ lastScore: score, category, lastImprovement: 'faster delivery' });
      expect(view.loyalty).toMatchObject({ status, reasons });
    });

    it('the last NPS answer by occurredAt counts, with its own improvement text', () => {
      const c = customer();
      const view = given([c.registered(), c.purchased(at(10)), c.answeredNps(at(11), 3, 'call back'), c.answeredNps(at(12), 9)]).asOf(at(13));
      expect(view.nps).toEqual({ lastScore: 9, category: 'promoter', lastImprovement: null });
      expect(view.loyalty.status).toBe('new');
    });

    it('a complaint open exactly 24 hours is not overdue; 1 ms longer it is', () => {
      const c = customer();
      const events = [c.registered(), c.purchased(at(10)), c.complained(at(11))];
      expect(given(events).asOf(at(12)).loyalty).toMatchObject({ status: 'new', reasons: [] });
      expect(given(events).asOf(at(12, 1)).loyalty).toMatchObject({ status: 'at-risk', reasons: ['complaint-overdue'] });
    });

    it('a complaint resolved in time is never overdue, and one resolved late stops being overdue once resolved', () => {
      const c = customer();
      const events = [c.registered(), c.purchased(at(10)), c.complained(at(11)), c.resolved(at(13))];
      expect(given(events).asOf(at(12, 1)).loyalty.reasons).toEqual(['complaint-overdue']);
      expect(given(events).asOf(at(13)).loyalty).toMatchObject({ status: 'new', reasons: [] });
    });

    it('the purchase gap opens after more than half the departure window (182.5 days) since the last purchase', () => {
      const c = customer();
      const events = [c.registered(), c.purchased(at(10)), c.purchased(at(20))];
      expect(given(events).asOf(at(20 + 182, 12 * HOUR)).loyalty).toMatchObject({ status: 'loyal', reasons: [] });
      expect(given(events).asOf(at(20 + 182, 12 * HOUR + 1)).loyalty).toMatchObject({ status: 'at-risk', reasons: ['purchase-gap'] });
    });

    it('lists every reason that holds, in the contract order', () => {
      const c = customer();
      const events = [c.registered(), c.purchased(at(10)), c.complained(at(100)), c.answeredNps(at(101), 2)];
      expect(given(events).asOf(at(200)).loyalty).toEqual({
        status: 'at-risk',
        reasons: ['detractor', 'complaint-overdue', 'purchase-gap'],
        purchaseCount: 1,
        lastPurchaseAt: at(10),
      });
    });

    it('a prospect has loyalty none and a departed customer lapsed, without reasons, whatever else holds', () => {
      const c = customer();
      const prospect = [c.registered(), c.answeredNps(at(1), 0), c.complained(at(2))];
      expect(given(prospect).asOf(at(30)).loyalty).toEqual({ status: 'none', reasons: [], purchaseCount: 0, lastPurchaseAt: null });

      const d = customer();
      const departed = [d.registered(), d.purchased(at(10)), d.answeredNps(at(11), 0), d.complained(at(12)), d.ended(at(13))];
      expect(given(departed).asOf(at(30)).loyalty).toEqual({ status: 'lapsed', reasons: [], purchaseCount: 1, lastPurchaseAt: at(10) });
    });
  });

  describe('complaints', () => {
    it('counts complaints open and resolved as of the moment; a later resolution is still open then', () => {
      const c = customer();
      const events = [
        c.registered(),
        c.complained(at(1), 'K-1'),
        c.complained(at(2), 'K-2'),
        c.resolved(at(3), 'K-1'),
        c.resolved(at(5), 'K-2'),
        c.complained(at(6), 'K-1'), // an id reused after resolution is a new complaint
      ];
      expect(given(events).asOf(at(1)).complaints).toEqual({ open: 1, resolved: 0 });
      expect(given(events).asOf(at(4)).complaints).toEqual({ open: 1, resolved: 1 });
      expect(given(events).asOf(at(5)).complaints).toEqual({ open: 0, resolved: 2 });
      expect(given(events).asOf(at(7)).complaints).toEqual({ open: 1, resolved: 2 });
    });
  });

  describe('experience', () => {
    it.each([
      ['positive', 1, { positive: 1, asExpected: 0, negative: 0 }],
      ['as expected', 2, { positive: 0, asExpected: 1, negative: 0 }],
      ['negative', 4, { positive: 0, asExpected: 0, negative: 1 }],
    ])('a quote expected within 2 days is %s when it arrives after %i days', (_, days, experience) => {
      const c = customer();
      const view = given([c.registered(), c.quoteRequested(at(1), 2), c.quoteSent(at(1 + days))]).asOf(at(10));
      expect(view.experience).toEqual(experience);
    });

    it('compares UTC calendar dates, not durations', () => {
      const requested = '2025-03-03T23:00:00.000Z'; // expected within 1 day: on 2025-03-04
      const c = customer();
      const lateAfter25Hours = [c.registered(), c.quoteRequested(requested, 1), c.quoteSent('2025-03-05T00:00:00.000Z')];
      expect(given(lateAfter25Hours).asOf(at(100)).experience).toEqual({ positive: 0, asExpected: 0, negative: 1 });
      const d = customer();
      const onTheDayAfter49Hours = [d.registered(), d.quoteRequested('2025-03-03T00:00:00.000Z', 1), d.quoteSent('2025-03-04T23:59:59.999Z')];
      expect(given(onTheDayAfter49Hours).asOf(at(100)).experience).toEqual({ positive: 0, asExpected: 1, negative: 0 });
      const e = customer();
      const zoned = [e.registered(), e.quoteRequested('2025-03-04T00:30:00+02:00', 0), e.quoteSent('2025-03-03T23:00:00Z')];
      expect(given(zoned).asOf(at(100)).experience).toEqual({ positive: 0, asExpected: 1, negative: 0 });
    });

    it.each([
      ['positive', '2025-03-09T23:59:59.999Z', { positive: 1, asExpected: 0, negative: 0 }],
      ['as expected', '2025-03-10T00:00:00.000Z', { positive: 0, asExpected: 1, negative: 0 }],
      ['as expected', '2025-03-10T23:59:59.999Z', { positive: 0, asExpected: 1, negative: 0 }],
      ['negative', '2025-03-11T00:00:00.000Z', { positive: 0, asExpected: 0, negative: 1 }],
    ])('a promise expected by 2025-03-10 12:00 is %s when delivered at %s', (_, deliveredAt, experience) => {
      const c = customer();
      const events = [c.registered(), c.promised('2025-03-01T09:00:00Z', '2025-03-10T12:00:00Z'), c.delivered(deliveredAt)];
      expect(given(events).asOf(at(100)).experience).toEqual(experience);
    });

    it('an adjustment that occurs before the expected date replaces it', () => {
      const c = customer();
      // Expected on day 3 (requested day 1 + 2 days); adjusted on day 2 to day 5; sent on day 5.
      const events = [c.registered(), c.quoteRequested(at(1), 2), c.adjusted(at(2), 'Q-1', at(5)), c.quoteSent(at(5))];
      expect(given(events).asOf(at(10)).experience).toEqual({ positive: 0, asExpected: 1, negative: 0 });
    });

    it('an adjustment on the expected date is too late and is ignored', () => {
      const c = customer();
      const events = [c.registered(), c.quoteRequested(at(1), 2), c.adjusted(at(3), 'Q-1', at(5)), c.quoteSent(at(5))];
      expect(given(events).asOf(at(10)).experience).toEqual({ positive: 0, asExpected: 0, negative: 1 });
    });

    it('adjustments of a promise chain: each must occur before the expected date it replaces', () => {
      const c = customer();
      const events = [
        c.registered(),
        c.promised(at(0), at(4)),
        c.adjusted(at(3), 'P-1', at(6)), // before day 4: expected day 6
        c.adjusted(at(5), 'P-1', at(8)), // before day 6: expected day 8
        c.delivered(at(8)),
      ];
      expect(given(events).asOf(at(10)).experience).toEqual({ positive: 0, asExpected: 1, negative: 0 });

      const d = customer();
      const tooLate = [d.registered(), d.promised(at(0), at(4)), d.adjusted(at(4), 'P-1', at(8)), d.delivered(at(8))];
      expect(given(tooLate).asOf(at(10)).experience).toEqual({ positive: 0, asExpected: 0, negative: 1 });
    });

    it('an adjustment that occurred after the delivery does not count, even when recorded before it', () => {
      const c = customer();
      // Expected day 3; delivered day 1 (recorded late); an adjustment occurring on day 2 would pull it to day 0.
      const events = [c.registered(), c.quoteRequested(at(0), 3), c.adjusted(at(2), 'Q-1', at(0)), c.quoteSent(at(1))];
      expect(given(events).asOf(at(10)).experience).toEqual({ positive: 1, asExpected: 0, negative: 0 });
    });

    it('counts only what was delivered by asOf; an undelivered item past its date is reported overdue', () => {
      const c = customer();
      const events = [c.registered(), c.quoteRequested(at(1), 2), c.promised(at(1), at(2)), c.quoteSent(at(6))];
      const state = fold(events);
      expect(given(events).asOf(at(5)).experience).toEqual({ positive: 0, asExpected: 0, negative: 0 });
      expect(given(events).asOf(at(6)).experience).toEqual({ positive: 0, asExpected: 0, negative: 1 });
      expect(expectationOutcomes(state, at(5))).toEqual([
        { kind: 'quote', subjectId: 'Q-1', since: at(1), expectedDate: at(3).slice(0, 10), deliveredAt: null, experience: null, overdue: true },
        { kind: 'promise', subjectId: 'P-1', since: at(1), expectedDate: at(2).slice(0, 10), deliveredAt: null, experience: null, overdue: true },
      ]);
      expect(expectationOutcomes(state, at(2)).map((outcome) => outcome.overdue)).toEqual([false, false]);
    });

    it('a quote id requested again after it was sent is a new quote', () => {
      const c = customer();
      const events = [c.registered(), c.quoteRequested(at(1), 1), c.quoteSent(at(1)), c.quoteRequested(at(5), 1), c.quoteSent(at(9))];
      expect(given(events).asOf(at(10)).experience).toEqual({ positive: 1, asExpected: 0, negative: 1 });
    });
  });
});
