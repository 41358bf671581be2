/** Shared by insights.spec.ts and insights-over-time.spec.ts. */
import type { StoredCustomerEvent } from '../../events';
import { DEFAULT_CUSTOMER_DEFINITION, type CustomerDefinition } from '../../read-models/customer-definition';
import { evolveCustomerProfile, replayCustomerProfile, type CustomerProfileState } from '../../read-models/customer-profile.read-model';
import { DAY, HOUR, deepFreeze, plus, storedEvents } from '../../read-models/testing/stored-event.fixture';
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
} from '../insights';
import { sha256Hex } from '../sha-256';

export const definition = DEFAULT_CUSTOMER_DEFINITION;
/** A Monday, 10:00 UTC. */
export const T0 = '2025-01-06T10:00:00.000Z';
export const at = (days: number, ms = 0): string => plus(T0, days * DAY + ms);
export const GAP = 182.5 * DAY; // departAfterDays × purchaseGapFraction
export const DEPART = 365 * DAY;

/** A customer stream whose helpers read like the touchpoints they record. */
export function customer(customerId = 'C-1') {
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

export const fold = (events: readonly StoredCustomerEvent[]): CustomerProfileState | null => replayCustomerProfile(events, definition);

/** given(events) → when(event) gives the insights of applying the event; dueBetween/nextDueAfter ask time. */
export function given(history: readonly StoredCustomerEvent[], def: CustomerDefinition = definition) {
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

export type Step = StoredCustomerEvent | Readonly<{ tick: string }>;

/**
 * A projector as the module comment prescribes: applies events in order and, at each tick, asks for what time made
 * due since it last checked. `checkedUntil: false` leaves the option out (an event-only projector).
 */
export function project(steps: readonly Step[], options: { def?: CustomerDefinition; checkedUntil?: boolean } = {}): Insight[] {
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
export const brief = (insights: readonly Insight[]) => insights.map(({ type, time, data }) => ({ type, time, data }));
export const ofType = (insights: readonly Insight[], type: Insight['type']) => insights.filter((insight) => insight.type === type);
export const only = (insights: readonly Insight[], type: Insight['type']): Insight => {
  const matching = ofType(insights, type);
  if (matching.length !== 1) throw new Error(`expected one ${type}, got ${JSON.stringify(brief(insights))}`);
  return matching[0];
};

export type { StoredCustomerEvent, CustomerDefinition, Insight };
export { evolveCustomerProfile, HOUR, deepFreeze, plus, INSIGHT_TYPES, deriveInsights, dueInsights, insightCloudEventType, insightEvaluationInstant, insightId, isInsightType, nextDueAt, sha256Hex };
