import type { StoredCustomerEvent } from '../events';
import { DEFAULT_CUSTOMER_DEFINITION, type CustomerDefinition } from '../read-models/customer-definition';
import { evolveCustomerProfile, replayCustomerProfile, type CustomerProfileState } from '../read-models/customer-profile.read-model';
import { DAY, HOUR, deepFreeze, plus, storedEvents } from '../read-models/testing/stored-event.fixture';
import {
  INSIGHT_TYPES,
  deriveInsights,
  dueInsights,
  insightCloudEventType,
  insightEvaluationInstant,
  insightId,
  isInsightType,
  nextDueAt,
  type DeriveInsightsOptions,
  type Insight,
} from './insights';
import { sha256Hex } from './sha-256';

const definition = DEFAULT_CUSTOMER_DEFINITION;
/** A Monday, 10:00 UTC. */
const T0 = '2025-01-06T10:00:00.000Z';
const at = (days: number, ms = 0): string => plus(T0, days * DAY + ms);
const GAP = 182.5 * DAY; // departAfterDays × purchaseGapFraction
const DEPART = 365 * DAY;

/** A customer stream whose helpers read like the touchpoints they record. */
function customer(customerId = 'C-1') {
  const stream = storedEvents(customerId);
  let orders = 0;
  return {
    event: stream.event,
    registered: (occurredAt = T0) => stream.event('ProspectRegistered', { name: 'Acme BV', size: 'medium' }, occurredAt),
    assigned: (occurredAt: string, employeeId = 'E-7') =>
      stream.event('AccountManagerAssigned', { employeeId, salesRole: 'account-manager' }, occurredAt),
    contactAdded: (occurredAt: string) =>
      stream.event('ContactAdded', { contactId: 'CT-1', name: 'Jan de Vries', email: 'jan@acme.example', dmuRole: 'buyer' }, occurredAt),
    purchased: (occurredAt: string, overrides?: { recordedAt?: string }) =>
      stream.event(
        'PurchaseMade',
        { orderId: `O-${++orders}`, lines: [{ sku: 'SKU-1', quantity: 1, unitPrice: 100 }], total: 100, currency: 'EUR' },
        occurredAt,
        overrides,
      ),
    ended: (occurredAt: string) => stream.event('RelationshipEnded', { initiatedBy: 'customer', reason: 'Too expensive' }, occurredAt),
    answeredNps: (occurredAt: string, score: number, improvement?: string) =>
      stream.event('NpsResponded', { surveyId: 'S-1', contactId: 'CT-1', score, ...(improvement ? { improvement } : {}) }, occurredAt),
    complained: (occurredAt: string, complaintId = 'K-1') =>
      stream.event('ComplaintFiled', { complaintId, category: 'delivery' }, occurredAt),
    resolved: (occurredAt: string, complaintId = 'K-1') =>
      stream.event('ComplaintResolved', { complaintId, resolution: 'Sent a new pallet to Jan' }, occurredAt),
    quoteRequested: (occurredAt: string, expectedWithinDays: number, quoteId = 'Q-1') =>
      stream.event('QuoteRequested', { quoteId, expectedWithinDays }, occurredAt),
    quoteSent: (occurredAt: string, quoteId = 'Q-1') => stream.event('QuoteSent', { quoteId, amount: 1200, currency: 'EUR' }, occurredAt),
    promised: (occurredAt: string, expectedBy: string, promiseId = 'P-1') =>
      stream.event('PromiseMade', { promiseId, subject: 'Install the dock at Jan de Vries', expectedBy }, occurredAt),
    delivered: (occurredAt: string, promiseId = 'P-1') => stream.event('PromiseDelivered', { promiseId }, occurredAt),
    adjusted: (occurredAt: string, subjectId: string, expectedBy: string) =>
      stream.event('ExpectationAdjusted', { subjectId, expectedBy }, occurredAt),
    mailed: (occurredAt: string) => stream.event('MailSent', { mailId: 'M-1', subject: 'Hello Jan' }, occurredAt),
  };
}

const fold = (events: readonly StoredCustomerEvent[]): CustomerProfileState | null => replayCustomerProfile(events, definition);

/** given(events) → when(event) gives the insights of applying the event; dueBetween/nextDueAfter ask time. */
function given(history: readonly StoredCustomerEvent[], def: CustomerDefinition = definition) {
  const state = replayCustomerProfile(history, def);
  const folded = (): CustomerProfileState => {
    if (state === null) throw new Error('no events given');
    return state;
  };
  return {
    when: (event: StoredCustomerEvent, options?: DeriveInsightsOptions): Insight[] =>
      deriveInsights(state, evolveCustomerProfile(state, event, def), event, def, options),
    dueBetween: (from: string, to: string): Insight[] => dueInsights(folded(), from, to, def),
    nextDueAfter: (after: string): string | null => nextDueAt(folded(), after, def),
  };
}

type Step = StoredCustomerEvent | Readonly<{ tick: string }>;

/**
 * A projector as the module comment prescribes: applies events in order and, at each tick, asks for what time made
 * due since it last checked. `checkedUntil: false` leaves the option out (an event-only projector).
 */
function project(steps: readonly Step[], options: { def?: CustomerDefinition; checkedUntil?: boolean } = {}): Insight[] {
  const def = options.def ?? definition;
  let state: CustomerProfileState | null = null;
  let checkedUntil: string | null = null;
  const published: Insight[] = [];
  for (const step of steps) {
    if ('tick' in step) {
      if (state !== null && checkedUntil !== null) published.push(...dueInsights(state, checkedUntil, step.tick, def));
      checkedUntil = step.tick;
      continue;
    }
    const after = evolveCustomerProfile(state, step, def);
    const deriveOptions = options.checkedUntil === false ? {} : { checkedUntil };
    published.push(...deriveInsights(state, after, step, def, deriveOptions));
    checkedUntil = insightEvaluationInstant(state, step, deriveOptions);
    state = after;
  }
  return published;
}

/** What a reader compares: type, time and data. */
const brief = (insights: readonly Insight[]) => insights.map(({ type, time, data }) => ({ type, time, data }));
const ofType = (insights: readonly Insight[], type: Insight['type']) => insights.filter((insight) => insight.type === type);
const only = (insights: readonly Insight[], type: Insight['type']): Insight => {
  const matching = ofType(insights, type);
  if (matching.length !== 1) throw new Error(`expected one ${type}, got ${JSON.stringify(brief(insights))}`);
  return matching[0];
};

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
