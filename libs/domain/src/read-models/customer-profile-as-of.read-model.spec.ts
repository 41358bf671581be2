import { CUSTOMER_EVENT_TYPES, CUSTOMER_PROFILE_EVENT_TYPES, evolveCustomerProfile, lifecyclePhaseHistory, nextTimeDependentChangeAt, viewCustomerProfile, type CustomerProfileState, HOUR, deepFreeze, recordedInOrder, definition, T0, at, customer, fold, given } from './testing/customer-profile.fixture';

describe('customer profile read model', () => {
  describe('as of a moment and in any recording order', () => {
    const scenario = () => {
      const c = customer();
      return [
        c.registered(),
        c.event('ContactAdded', { contactId: 'P-1', name: 'Jan', email: 'jan@acme.example', dmuRole: 'buyer' }, at(1)),
        c.event('AccountManagerAssigned', { employeeId: 'E-1', salesRole: 'account-manager' }, at(2)),
        c.purchased(at(10)),
        c.quoteRequested(at(20), 2),
        c.quoteSent(at(21)),
        c.complained(at(30)),
        c.resolved(at(31)),
        c.answeredNps(at(40), 5, 'answer the phone'),
        c.purchased(at(200)),
        c.mailed(at(250)),
        c.event('AccountManagerAssigned', { employeeId: 'E-2', salesRole: 'key-account-manager' }, at(300)),
        c.purchased(at(700)),
        c.ended(at(800)),
      ];
    };
    const moments = [at(0), at(5), at(15), at(30, HOUR), at(45), at(300), at(565, 1), at(700), at(799), at(900)];

    it('a late-recorded event gives the same profile and history as in-order recording', () => {
      const inOrder = scenario();
      // Registration first (a stream starts with it); the rest recorded in a scrambled order that still respects
      // the stream rules (filed before resolved, requested before sent).
      const scrambled = recordedInOrder(inOrder, [0, 13, 12, 9, 6, 11, 4, 8, 3, 1, 10, 7, 5, 2]);
      expect(scrambled.map((event) => event.occurredAt)).not.toEqual(inOrder.map((event) => event.occurredAt));
      for (const moment of moments) {
        expect(given(scrambled).asOf(moment)).toEqual(given(inOrder).asOf(moment));
        expect(lifecyclePhaseHistory(fold(scrambled), moment, definition)).toEqual(
          lifecyclePhaseHistory(fold(inOrder), moment, definition).map((transition) => ({
            ...transition,
            globalPosition: transition.globalPosition === null ? null : expect.any(Number),
          })),
        );
      }
    });

    it('a purchase recorded late re-derives the phases: gaps it fills are no longer departures', () => {
      const c = customer();
      const recorded = [c.registered(), c.purchased(at(10)), c.purchased(at(410))];
      expect(given(recorded).asOf(at(420))).toMatchObject({ lifecyclePhase: 'new-customer', cycle: 2 });
      const withLate = [...recorded, c.purchased(at(200), { recordedAt: at(415) })];
      expect(given(withLate).asOf(at(420))).toMatchObject({
        lifecyclePhase: 'loyal-customer',
        cycle: 1,
        loyalty: { status: 'loyal', purchaseCount: 3, lastPurchaseAt: at(410) },
      });
    });

    it('a moment in the past hides what occurred later', () => {
      const events = scenario();
      expect(given(events).asOf(at(45))).toEqual({
        customerId: 'C-1',
        name: 'Acme BV',
        size: 'medium',
        lifecyclePhase: 'new-customer',
        cycle: 1,
        loyalty: { status: 'at-risk', reasons: ['detractor'], purchaseCount: 1, lastPurchaseAt: at(10) },
        nps: { lastScore: 5, category: 'detractor', lastImprovement: 'answer the phone' },
        complaints: { open: 0, resolved: 1 },
        experience: { positive: 1, asExpected: 0, negative: 0 },
        accountManager: { employeeId: 'E-1', salesRole: 'account-manager' },
        contacts: [{ contactId: 'P-1', name: 'Jan', email: 'jan@acme.example', dmuRole: 'buyer' }],
        touchpoints: {
          total: 9,
          byType: {
            ProspectRegistered: 1,
            ContactAdded: 1,
            AccountManagerAssigned: 1,
            QuoteRequested: 1,
            QuoteSent: 1,
            PurchaseMade: 1,
            ComplaintFiled: 1,
            ComplaintResolved: 1,
            NpsResponded: 1,
          },
        },
        lastTouchpointAt: at(40),
        asOf: at(45),
        definitionVersion: 1,
      });
      expect(given(events).asOf(at(900))).toMatchObject({
        lifecyclePhase: 'departed',
        cycle: 2,
        loyalty: { status: 'lapsed', reasons: [], purchaseCount: 1, lastPurchaseAt: at(700) },
        accountManager: { employeeId: 'E-2', salesRole: 'key-account-manager' },
        touchpoints: { total: 14 },
        lastTouchpointAt: at(800),
      });
    });

    it('there is no profile as of a moment before the registration occurred', () => {
      const c = customer();
      const state = fold([c.registered(at(10)), c.purchased(at(20))]);
      expect(viewCustomerProfile(state, at(10, -1), definition)).toBeNull();
      expect(viewCustomerProfile(state, at(10), definition)).not.toBeNull();
    });

    it('normalises asOf to a UTC ISO timestamp', () => {
      const c = customer();
      expect(given([c.registered()]).asOf('2025-01-06T12:00:00+02:00').asOf).toBe(T0);
      expect(() => viewCustomerProfile(fold([c.registered()]), 'yesterday', definition)).toThrow(/asOf/);
    });
  });

  describe('fold', () => {
    it('handles every catalogue type and counts each as a touchpoint', () => {
      expect([...CUSTOMER_PROFILE_EVENT_TYPES]).toEqual([...CUSTOMER_EVENT_TYPES]);
      const c = customer();
      const events = [
        c.registered(),
        c.event('ContactAdded', { contactId: 'P-1', name: 'Jan', dmuRole: 'decision-maker' }, at(1)),
        c.event('AccountManagerAssigned', { employeeId: 'E-1', salesRole: 'inside-sales' }, at(1)),
        c.event('MailSent', { mailId: 'M-1', campaignId: 'CMP-1' }, at(1)),
        c.event('MailOpened', { mailId: 'M-1' }, at(1)),
        c.event('MailClicked', { mailId: 'M-1', url: 'https://example.com' }, at(1)),
        c.event('WebsiteVisited', { url: 'https://example.com/prices', durationSeconds: 30 }, at(1)),
        c.event('MeetingHeld', { meetingId: 'MT-1', kind: 'visit', contactIds: ['P-1'] }, at(1)),
        c.quoteRequested(at(2), 1),
        c.quoteSent(at(2)),
        c.promised(at(2), at(3)),
        c.adjusted(at(2), 'P-1', at(4)),
        c.delivered(at(3)),
        c.purchased(at(3)),
        c.complained(at(3)),
        c.resolved(at(3)),
        c.answeredNps(at(3), 10),
        c.event('OpportunityStageChanged', { opportunityId: 'OP-1', stage: 'won', value: 1000 }, at(3)),
        c.ended(at(3)),
      ];
      const view = given(events).asOf(at(4));
      expect(Object.keys(view.touchpoints.byType)).toEqual([...CUSTOMER_EVENT_TYPES]);
      expect(view.touchpoints.total).toBe(CUSTOMER_EVENT_TYPES.length);
      expect(view.experience).toEqual({ positive: 2, asExpected: 0, negative: 0 });
      expect(view.contacts).toEqual([{ contactId: 'P-1', name: 'Jan', email: null, dmuRole: 'decision-maker' }]);
    });

    it('updates a contact added again under the same id and keeps the first-added order', () => {
      const c = customer();
      const events = [
        c.registered(),
        c.event('ContactAdded', { contactId: 'P-1', name: 'Jan', dmuRole: 'user' }, at(1)),
        c.event('ContactAdded', { contactId: 'P-2', name: 'Els', dmuRole: 'gatekeeper' }, at(2)),
        c.event('ContactAdded', { contactId: 'P-1', name: 'Jan de Vries', email: 'jan@acme.example', dmuRole: 'decision-maker' }, at(3)),
      ];
      expect(given(events).asOf(at(2)).contacts.map((contact) => contact.name)).toEqual(['Jan', 'Els']);
      expect(given(events).asOf(at(3)).contacts).toEqual([
        { contactId: 'P-1', name: 'Jan de Vries', email: 'jan@acme.example', dmuRole: 'decision-maker' },
        { contactId: 'P-2', name: 'Els', email: null, dmuRole: 'gatekeeper' },
      ]);
    });

    it('ignores a redelivered event (at or below the last applied revision) and tracks the last position', () => {
      const c = customer();
      const registered = c.registered();
      const purchase = c.purchased(at(1));
      const state = fold([registered, purchase]);
      expect(evolveCustomerProfile(state, purchase, definition)).toBe(state);
      expect(state).toMatchObject({ lastStreamRevision: 1, lastPosition: 2, touchpointTotal: 2, lastTouchpointAt: at(1) });
    });

    it('does not modify the state it is given', () => {
      const c = customer();
      const events = [c.registered(), c.quoteRequested(at(1), 3), c.purchased(at(2)), c.adjusted(at(2), 'Q-1', at(5)), c.quoteSent(at(4))];
      let state: CustomerProfileState | null = null;
      for (const event of events) state = deepFreeze(evolveCustomerProfile(state, event, definition));
      expect(state?.quotes[0]).toMatchObject({ sentAt: at(4), adjustments: [{ expectedBy: at(5) }] });
    });

    it('keeps a JSON-serialisable state: a JSON round trip gives the same profile', () => {
      const c = customer();
      const state = fold([c.registered(), c.purchased(at(1)), c.complained(at(2)), c.answeredNps(at(3), 8), c.promised(at(3), at(9))]);
      const roundTripped = JSON.parse(JSON.stringify(state)) as CustomerProfileState;
      expect(roundTripped).toEqual(state);
      expect(viewCustomerProfile(roundTripped, at(20), definition)).toEqual(viewCustomerProfile(state, at(20), definition));
    });
  });

  describe('customer definition', () => {
    it('applies another definition to the same state, and reports its version', () => {
      const c = customer();
      const state = fold([c.registered(), c.purchased(at(10)), c.purchased(at(50))]);
      const quick = { ...definition, version: 7, loyalWithinDays: 30, departAfterDays: 35 };
      expect(viewCustomerProfile(state, at(60), quick)).toMatchObject({ lifecyclePhase: 'new-customer', cycle: 2, definitionVersion: 7 });
      expect(viewCustomerProfile(state, at(60), definition)).toMatchObject({ lifecyclePhase: 'loyal-customer', cycle: 1, definitionVersion: 1 });
      expect(viewCustomerProfile(state, at(85, 1), quick)).toMatchObject({ lifecyclePhase: 'departed', cycle: 2 });
    });

    it('uses the definition NPS thresholds for category and detractor', () => {
      const c = customer();
      const state = fold([c.registered(), c.purchased(at(1)), c.answeredNps(at(2), 7)]);
      const strict = { ...definition, version: 2, detractorMaxScore: 7, promoterMinScore: 10 };
      expect(viewCustomerProfile(state, at(3), strict)?.nps.category).toBe('detractor');
      expect(viewCustomerProfile(state, at(3), strict)?.loyalty.reasons).toEqual(['detractor']);
    });
  });

  describe('next time-dependent change', () => {
    it('is the earliest of purchase gap, departure, complaint and expectation deadlines still ahead', () => {
      const c = customer();
      const state = fold([c.registered(), c.purchased(at(10)), c.complained(at(20)), c.quoteRequested('2025-02-01T08:00:00Z', 1)]);
      expect(nextTimeDependentChangeAt(state, at(15), definition)).toBe(at(10 + 182, 12 * HOUR)); // complaint not filed yet
      expect(nextTimeDependentChangeAt(state, at(20), definition)).toBe(at(21));
      expect(nextTimeDependentChangeAt(state, at(21), definition)).toBe(at(21)); // overdue only after that instant
      expect(nextTimeDependentChangeAt(state, '2025-02-01T09:00:00Z', definition)).toBe('2025-02-02T23:59:59.999Z');
      expect(nextTimeDependentChangeAt(state, at(100), definition)).toBe(at(10 + 182, 12 * HOUR));
      expect(nextTimeDependentChangeAt(state, at(200), definition)).toBe(at(375));
      expect(nextTimeDependentChangeAt(state, at(400), definition)).toBeNull();
    });
  });
});
