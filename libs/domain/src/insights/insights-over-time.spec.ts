import { type StoredCustomerEvent, evolveCustomerProfile, HOUR, deepFreeze, plus, INSIGHT_TYPES, deriveInsights, dueInsights, insightEvaluationInstant, nextDueAt, type Insight, definition, T0, at, GAP, DEPART, customer, fold, given, type Step, project, brief, ofType } from './testing/insights.fixture';

describe('insight rules', () => {
  describe('departure by inactivity', () => {
    it('by time: more than departAfterDays after the last purchase, with the purchase gap before it', () => {
      const c = customer();
      const state = given([c.registered(), c.purchased(at(1))]);
      const departs = plus(at(1), DEPART);
      expect(brief(state.dueBetween(at(1), departs))).toEqual([
        { type: 'customer-at-risk', time: plus(at(1), GAP), data: { reasons: ['purchase-gap'], newReasons: ['purchase-gap'] } },
      ]);
      expect(brief(state.dueBetween(plus(at(1), GAP + 1), plus(departs, 1)))).toEqual([
        { type: 'lifecycle-phase-changed', time: departs, data: { from: 'new-customer', to: 'departed', cycle: 1, cause: 'inactivity' } },
      ]);
    });

    it('detected late by the next purchase: the same ids as by time, then a new cycle', () => {
      const c = customer();
      const history = [c.registered(), c.purchased(at(1))];
      const byTime = given(history).dueBetween(at(1), at(399));
      const byEvent = given(history).when(c.purchased(at(400)));
      expect(brief(byEvent)).toEqual([
        { type: 'customer-at-risk', time: plus(at(1), GAP), data: { reasons: ['purchase-gap'], newReasons: ['purchase-gap'] } },
        { type: 'lifecycle-phase-changed', time: plus(at(1), DEPART), data: { from: 'new-customer', to: 'departed', cycle: 1, cause: 'inactivity' } },
        { type: 'lifecycle-phase-changed', time: at(400), data: { from: 'departed', to: 'new-customer', cycle: 2, cause: 'PurchaseMade' } },
      ]);
      expect(byEvent.slice(0, 2).map((insight) => insight.id)).toEqual(byTime.map((insight) => insight.id));
    });

    it('each cycle departs under its own id', () => {
      const c = customer();
      const insights = project([c.registered(), c.purchased(at(1)), c.purchased(at(400)), { tick: at(800) }]);
      const departures = insights.filter((insight) => insight.type === 'lifecycle-phase-changed' && insight.data['cause'] === 'inactivity');
      expect(departures.map((insight) => insight.data['cycle'])).toEqual([1, 2]);
      expect(departures[0].id).not.toBe(departures[1].id);
    });
  });

  describe('nextDueAt', () => {
    it('nothing pending for a prospect without complaints or expectations', () => {
      const c = customer();
      expect(given([c.registered(), c.mailed(at(1))]).nextDueAfter(at(1))).toBeNull();
    });

    it('walks a customer through the gap, the departure, and then nothing', () => {
      const c = customer();
      const state = given([c.registered(), c.purchased(at(1))]);
      const gap = plus(at(1), GAP + 1);
      const departure = plus(at(1), DEPART + 1);
      expect(state.nextDueAfter(at(1))).toBe(gap);
      expect(state.nextDueAfter(gap)).toBe(departure);
      expect(state.nextDueAfter(departure)).toBeNull();
    });

    it('the earliest of complaint, expectation and gap; skips instants that give nothing', () => {
      const c = customer();
      expect(given([c.registered(), c.purchased(at(1)), c.quoteRequested(at(2), 0), c.complained(at(2, HOUR))]).nextDueAfter(at(2, HOUR))).toBe(
        '2025-01-09T00:00:00.000Z',
      );
      // Departed by RelationshipEnded: the purchase gap would open, but a lapsed customer is not at risk.
      expect(given([c.registered(), c.purchased(at(1)), c.ended(at(2))]).nextDueAfter(at(2))).toBeNull();
    });

    it('is exactly the first instant at which dueInsights gives something', () => {
      const c = customer();
      const events = [
        c.registered(),
        c.purchased(at(1)),
        c.quoteRequested(at(2), 3),
        c.complained(at(4)),
        c.promised(at(5), '2025-02-01T12:00:00Z'),
        c.answeredNps(at(6), 8),
      ];
      const state = fold(events)!;
      let after = at(1);
      const seen: string[] = [];
      for (let next = nextDueAt(state, after, definition); next !== null; next = nextDueAt(state, after, definition)) {
        expect(dueInsights(state, after, plus(next, -1), definition)).toEqual([]);
        expect(dueInsights(state, after, next, definition).length).toBeGreaterThan(0);
        seen.push(...dueInsights(state, after, next, definition).map((insight) => insight.type));
        after = next;
      }
      expect(seen).toEqual([
        'customer-at-risk', // complaint overdue
        'complaint-sla-breached',
        'expectation-missed', // quote
        'expectation-missed', // promise
        'customer-at-risk', // purchase gap
        'lifecycle-phase-changed', // departed
      ]);
    });
  });

  describe('when nothing changed', () => {
    it('a mail to a settled customer gives nothing', () => {
      const c = customer();
      expect(given([c.registered(), c.purchased(at(1)), c.purchased(at(2))]).when(c.mailed(at(3)))).toEqual([]);
    });

    it('a redelivered event (its revision already applied) gives nothing', () => {
      const c = customer();
      const answer = c.answeredNps(at(5), 1);
      expect(given([c.registered(), c.purchased(at(1)), answer]).when(answer)).toEqual([]);
    });

    it('an empty or reversed window gives nothing', () => {
      const c = customer();
      const state = given([c.registered(), c.complained(at(1))]);
      expect(state.dueBetween(at(5), at(5))).toEqual([]);
      expect(state.dueBetween(at(5), at(1))).toEqual([]);
    });
  });

  describe('late-recorded events', () => {
    it('are evaluated at the latest of their occurredAt, what was applied and what was checked', () => {
      const c = customer();
      const before = fold([c.registered(), c.mailed(at(10))]);
      expect(insightEvaluationInstant(before, c.purchased(at(3)))).toBe(at(10));
      expect(insightEvaluationInstant(before, c.purchased(at(12)))).toBe(at(12));
      expect(insightEvaluationInstant(before, c.purchased(at(12)), { checkedUntil: at(20) })).toBe(at(20));
      expect(insightEvaluationInstant(null, c.registered('2025-01-06T11:00:00+01:00'))).toBe(T0);
    });

    it('a purchase recorded late that makes a loyal customer is reported at its own time', () => {
      const c = customer();
      const insights = given([c.registered(), c.purchased(at(1)), c.mailed(at(20))]).when(c.purchased(at(10)));
      expect(brief(insights)).toEqual([
        { type: 'lifecycle-phase-changed', time: at(10), data: { from: 'new-customer', to: 'loyal-customer', cycle: 1, cause: 'PurchaseMade' } },
        { type: 'customer-became-loyal', time: at(10), data: { purchaseCount: 2, cycle: 1, previousStatus: 'new' } },
      ]);
    });

    it('a complaint recorded 30 hours late is breached and overdue already; the timer does not repeat it', () => {
      const c = customer();
      const steps: Step[] = [c.registered(), c.purchased(at(1)), c.mailed(at(10)), { tick: at(10, HOUR) }];
      steps.push(c.complained(at(10, -30 * HOUR)), { tick: at(11) });
      expect(brief(project(steps))).toEqual([
        { type: 'lifecycle-phase-changed', time: T0, data: { from: null, to: 'prospect', cycle: 1, cause: 'ProspectRegistered' } },
        { type: 'lifecycle-phase-changed', time: at(1), data: { from: 'prospect', to: 'new-customer', cycle: 1, cause: 'PurchaseMade' } },
        { type: 'customer-at-risk', time: at(10, -30 * HOUR), data: { reasons: ['complaint-overdue'], newReasons: ['complaint-overdue'] } },
        { type: 'complaint-sla-breached', time: at(10, -6 * HOUR), data: { complaintId: 'K-1', filedAt: at(10, -30 * HOUR), targetHours: 24 } },
      ]);
    });

    it('a resolution recorded after later events adds nothing: the breach was reported when time passed', () => {
      const c = customer();
      const insights = project([c.registered(), c.complained(at(1)), c.mailed(at(4)), c.resolved(at(1, 30 * HOUR))]);
      expect(ofType(insights, 'complaint-sla-breached').map((insight) => insight.globalPosition)).toEqual([3]);
    });
  });

  describe('one fact, one id', () => {
    const c = customer();
    const story: Step[] = [
      c.registered(),
      c.assigned(at(0, HOUR)),
      c.purchased(at(1)),
      { tick: at(1, HOUR) },
      c.complained(at(2)),
      c.quoteRequested(at(2, HOUR), 1),
      { tick: at(3, HOUR) },
      { tick: at(5) },
      c.resolved(at(5, HOUR)),
      c.quoteSent(at(6)),
      c.answeredNps(at(7), 4, 'Faster quotes please'),
      c.purchased(at(100)),
      { tick: at(200) },
      { tick: at(500) },
      c.promised(at(510), '2026-06-01T12:00:00Z'),
      c.purchased(at(520)),
      { tick: at(600) },
      c.answeredNps(at(601), 10),
      c.purchased(at(610)),
    ];
    const events = story.filter((step): step is StoredCustomerEvent => !('tick' in step));

    it('a projector with a timer reports every fact once, in the order it learns them', () => {
      const insights = project(story);
      expect(new Set(insights.map((insight) => insight.id)).size).toBe(insights.length);
      expect(insights.map((insight) => [insight.type, insight.time])).toEqual([
        ['lifecycle-phase-changed', T0], // prospect
        ['lifecycle-phase-changed', at(1)], // new customer
        ['customer-at-risk', at(3)], // complaint overdue (tick)
        ['complaint-sla-breached', at(3)], // (tick)
        ['expectation-missed', '2025-01-10T00:00:00.000Z'], // quote expected 2025-01-09 (tick)
        ['customer-at-risk', at(7)], // detractor
        ['detractor-responded', at(7)],
        ['lifecycle-phase-changed', at(100)], // loyal phase; still at risk, so not loyal status
        ['customer-at-risk', plus(at(100), GAP)], // purchase gap (tick)
        ['lifecycle-phase-changed', plus(at(100), DEPART)], // departed by inactivity (tick)
        ['expectation-missed', '2026-06-02T00:00:00.000Z'], // promise, noticed by the next purchase
        ['lifecycle-phase-changed', at(520)], // new customer, cycle 2
        ['customer-at-risk', at(520)], // the last answer is still a detractor's
        ['lifecycle-phase-changed', at(610)], // loyal, cycle 2
        ['customer-became-loyal', at(610)], // the promoter answer cleared the risk
      ]);
    });

    it('the same facts, with the same ids and times, whether the timer runs, and replay gives the same insights', () => {
      const withTimer = project(story);
      const eventsOnly = project(events);
      const key = (insight: Insight) => `${insight.id} ${insight.time} ${JSON.stringify(insight.data)}`;
      expect(new Set(eventsOnly.map(key))).toEqual(new Set(withTimer.map(key)));
      expect(project(story)).toEqual(withTimer);
      expect(project(events)).toEqual(eventsOnly);
    });

    it('without checkedUntil, the next event repeats what the timer reported, under the same id', () => {
      const withoutOption = project(story, { checkedUntil: false });
      const ids = withoutOption.map((insight) => insight.id);
      expect(new Set(ids)).toEqual(new Set(project(story).map((insight) => insight.id)));
      expect(ids.length).toBeGreaterThan(new Set(ids).size);
    });
  });

  describe('payloads', () => {
    it('carry ids, codes, numbers and timestamps only: no name, e-mail address or free text', () => {
      const c = customer();
      const insights = project([
        c.registered(),
        c.contactAdded(at(0, HOUR)),
        c.purchased(at(1)),
        c.complained(at(2)),
        c.resolved(at(4)),
        c.promised(at(4), '2025-01-12T12:00:00Z'),
        c.answeredNps(at(5), 2, 'Jan de Vries <jan@acme.example> wants a call'),
        c.mailed(at(6)),
        c.ended(at(20)),
        { tick: at(30) },
      ]);
      expect(new Set(insights.map((insight) => insight.type))).toEqual(new Set(INSIGHT_TYPES.filter((type) => type !== 'customer-became-loyal')));
      const json = JSON.stringify(insights);
      for (const personal of ['Acme', 'Jan', 'jan@', 'acme.example', 'pallet', 'dock', 'Hello', 'expensive', 'wants a call']) {
        expect(json).not.toContain(personal);
      }
      for (const insight of insights) {
        for (const value of Object.values(insight.data)) {
          const ok =
            value === null ||
            ['string', 'number', 'boolean'].includes(typeof value) ||
            (Array.isArray(value) && value.every((item) => typeof item === 'string'));
          expect(ok).toBe(true);
        }
      }
    });
  });

  describe('purity', () => {
    it('does not modify its inputs', () => {
      const c = customer();
      const history = [c.registered(), c.purchased(at(1)), c.complained(at(2)), c.quoteRequested(at(2), 1)];
      const before = deepFreeze(fold(history)!);
      const event = deepFreeze(c.purchased(at(400)));
      const after = deepFreeze(evolveCustomerProfile(before, event, definition));
      expect(() => deriveInsights(before, after, event, definition)).not.toThrow();
      expect(() => dueInsights(after, at(1), at(900), definition)).not.toThrow();
      expect(() => nextDueAt(after, at(1), definition)).not.toThrow();
    });
  });
});
