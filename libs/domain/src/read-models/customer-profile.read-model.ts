import {
  CUSTOMER_EVENT_TYPES,
  type CompanySize,
  type CustomerEventType,
  type DmuRole,
  type RelationshipInitiator,
  type SalesRole,
  type StoredCustomerStreamEvent,
} from '../events';
import { erasePersonalData } from './erase-personal-data';
import type { CustomerDefinition } from './customer-definition';
import { npsCategory, type NpsCategory } from './nps.read-model';
import {
  DAY_MS,
  HOUR_MS,
  compareFacts,
  countUpTo,
  insertSorted,
  isoFromMs,
  latest,
  normaliseIso,
  occurredBy,
  toMs,
  utcDay,
  type OrderedFact,
} from './time';

/**
 * The customer profile read model (contract `GET /v1/customers/{customerId}`).
 *
 * `evolveCustomerProfile` folds a stream, in stream (recording) order, into `CustomerProfileState`: the facts the
 * profile needs, each with its `occurredAt`. Nothing derived is stored. `viewCustomerProfile` derives the profile
 * as of any moment by walking those facts in `occurredAt` order (ties by `streamRevision`) and ignoring what occurred
 * later, so
 * - late-recorded events give the same profile as in-order recording;
 * - the projector's row answers `?asOf=` in the past and the auditors' `basis=occurred` replay alike;
 * - time-dependent phases (departure by inactivity, purchase gap, overdue complaints) are evaluated at `asOf`;
 * - a new customer definition applies at the next view, without rebuilding state.
 * The state is plain JSON (arrays, ISO strings normalised to `toISOString()`), so it can be stored as JSONB.
 */

export const LIFECYCLE_PHASES = ['prospect', 'new-customer', 'loyal-customer', 'departed'] as const;
export type LifecyclePhase = (typeof LIFECYCLE_PHASES)[number];

export const LOYALTY_STATUSES = ['none', 'new', 'loyal', 'at-risk', 'lapsed'] as const;
export type LoyaltyStatus = (typeof LOYALTY_STATUSES)[number];

/** In the contract's order, which is the order of `loyalty.reasons`. */
export const AT_RISK_REASONS = ['detractor', 'complaint-overdue', 'purchase-gap'] as const;
export type AtRiskReason = (typeof AT_RISK_REASONS)[number];

export const EXPERIENCES = ['positive', 'as-expected', 'negative'] as const;
export type Experience = (typeof EXPERIENCES)[number];

/** Every catalogue event is a touchpoint, so the profile handles them all. */
export const CUSTOMER_PROFILE_EVENT_TYPES: readonly CustomerEventType[] = CUSTOMER_EVENT_TYPES;

// ---------------------------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------------------------

export type RegistrationFact = OrderedFact &
  Readonly<{ name: string | null; size: CompanySize; industry: string | null; source: string | null }>;
export type ContactFact = OrderedFact &
  Readonly<{ contactId: string; name: string | null; email: string | null; dmuRole: DmuRole }>;
export type AccountManagerFact = OrderedFact & Readonly<{ employeeId: string; salesRole: SalesRole }>;
export type PurchaseFact = OrderedFact & Readonly<{ orderId: string; total: number; currency: string }>;
export type RelationshipEndFact = OrderedFact & Readonly<{ initiatedBy: RelationshipInitiator }>;
/** `contactId` (when the answer named one) tells whose erasure nulls the improvement text. */
export type NpsFact = OrderedFact &
  Readonly<{ surveyId: string; score: number; improvement: string | null; contactId?: string | null }>;
export type AdjustmentFact = OrderedFact & Readonly<{ expectedBy: string }>;

/**
 * One complaint. An id filed again after it was resolved is a new complaint (as the stream rules allow), so
 * complaints are a list, not a map by id. `filedAt` is null only if a resolution arrived without its filing.
 */
export type ComplaintRecord = Readonly<{ complaintId: string; filedAt: string | null; resolvedAt: string | null }>;

/** One quote request with what was expected and when the quote went out; adjustments in `occurredAt` order. */
export type QuoteRecord = Readonly<{
  quoteId: string;
  requestedAt: string | null;
  expectedWithinDays: number | null;
  sentAt: string | null;
  adjustments: readonly AdjustmentFact[];
}>;

/** One promise with its expected moment and delivery; adjustments in `occurredAt` order. */
export type PromiseRecord = Readonly<{
  promiseId: string;
  madeAt: string | null;
  expectedBy: string | null;
  deliveredAt: string | null;
  adjustments: readonly AdjustmentFact[];
}>;

export type CustomerProfileState = Readonly<{
  customerId: string;
  /** Fact lists are kept sorted by `occurredAt`, then `streamRevision`. */
  registrations: readonly RegistrationFact[];
  contacts: readonly ContactFact[];
  accountManagers: readonly AccountManagerFact[];
  purchases: readonly PurchaseFact[];
  relationshipEnds: readonly RelationshipEndFact[];
  npsResponses: readonly NpsFact[];
  /** Subjects in recording order; an event refers to the latest subject under its id, as the stream rules do. */
  complaints: readonly ComplaintRecord[];
  quotes: readonly QuoteRecord[];
  promises: readonly PromiseRecord[];
  /** Ascending `occurredAt` of every event, per type. */
  touchpoints: Readonly<Partial<Record<CustomerEventType, readonly string[]>>>;
  touchpointTotal: number;
  /** Latest `occurredAt` of any event applied (a view as of an earlier moment recomputes it). */
  lastTouchpointAt: string | null;
  /** Highest `streamRevision` applied; events at or below it are redeliveries and are ignored. */
  lastStreamRevision: number;
  /** Highest `globalPosition` applied (for `X-Min-Position`). */
  lastPosition: number;
}>;

export const emptyCustomerProfileState = (customerId: string): CustomerProfileState => ({
  customerId,
  registrations: [],
  contacts: [],
  accountManagers: [],
  purchases: [],
  relationshipEnds: [],
  npsResponses: [],
  complaints: [],
  quotes: [],
  promises: [],
  touchpoints: {},
  touchpointTotal: 0,
  lastTouchpointAt: null,
  lastStreamRevision: -1,
  lastPosition: -1,
});

// ---------------------------------------------------------------------------------------------------------------
// Evolve
// ---------------------------------------------------------------------------------------------------------------

const earlier = (a: string | null, b: string): string => (a !== null && a <= b ? a : b);

/** Replaces the last element matching `matches` (the latest subject under an id), or appends `created`. */
function updateLatest<T>(list: readonly T[], matches: (item: T) => boolean, update: (item: T) => T, created: T): T[] {
  for (let index = list.length - 1; index >= 0; index--) {
    if (matches(list[index])) return [...list.slice(0, index), update(list[index]), ...list.slice(index + 1)];
  }
  return [...list, created];
}

/**
 * Folds one stored event into the profile state. Apply a stream's events in stream order (`streamRevision`
 * ascending, as read back; gaps — e.g. a replay of only some events — are fine): an event at or below the last
 * applied revision is taken for a redelivery and ignored, which makes at-least-once projection idempotent.
 * Pure: the input state is not modified. The state keeps facts only, so the definition does not change it (it
 * applies at view time); it is a parameter so callers fold with the definition at hand and need not change if a
 * future rule must be applied while folding.
 */
export function evolveCustomerProfile(
  state: CustomerProfileState | null,
  event: StoredCustomerStreamEvent,
  _definition: CustomerDefinition,
): CustomerProfileState {
  if (state !== null && event.streamRevision <= state.lastStreamRevision) return state;
  // Not a touchpoint: it nulls every personal value of the erased subject held in the state.
  if (event.type === 'PersonalDataErased') return erasePersonalData(state, event);
  const current = state ?? emptyCustomerProfileState(event.customerId);
  const occurredAt = normaliseIso(event.occurredAt, `${event.type} occurredAt`);
  const fact: OrderedFact = {
    occurredAt,
    streamRevision: event.streamRevision,
    globalPosition: event.globalPosition,
  };
  const next: CustomerProfileState = {
    ...current,
    touchpoints: {
      ...current.touchpoints,
      [event.type]: insertSorted(current.touchpoints[event.type] ?? [], occurredAt, (a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    },
    touchpointTotal: current.touchpointTotal + 1,
    lastTouchpointAt:
      current.lastTouchpointAt !== null && current.lastTouchpointAt > occurredAt ? current.lastTouchpointAt : occurredAt,
    lastStreamRevision: event.streamRevision,
    lastPosition: Math.max(current.lastPosition, event.globalPosition),
  };

  switch (event.type) {
    case 'ProspectRegistered': {
      const { name, size, industry, source } = event.data;
      const registration = { ...fact, name, size, industry: industry ?? null, source: source ?? null };
      return { ...next, registrations: insertSorted(next.registrations, registration, compareFacts) };
    }
    case 'ContactAdded': {
      const { contactId, name, email, dmuRole } = event.data;
      const contact = { ...fact, contactId, name, email: email ?? null, dmuRole };
      return { ...next, contacts: insertSorted(next.contacts, contact, compareFacts) };
    }
    case 'AccountManagerAssigned': {
      const { employeeId, salesRole } = event.data;
      return { ...next, accountManagers: insertSorted(next.accountManagers, { ...fact, employeeId, salesRole }, compareFacts) };
    }
    case 'PurchaseMade': {
      const { orderId, total, currency } = event.data;
      return { ...next, purchases: insertSorted(next.purchases, { ...fact, orderId, total, currency }, compareFacts) };
    }
    case 'RelationshipEnded':
      return {
        ...next,
        relationshipEnds: insertSorted(next.relationshipEnds, { ...fact, initiatedBy: event.data.initiatedBy }, compareFacts),
      };
    case 'NpsResponded': {
      const { surveyId, score, improvement, contactId } = event.data;
      const response = { ...fact, surveyId, score, improvement: improvement ?? null, contactId: contactId ?? null };
      return { ...next, npsResponses: insertSorted(next.npsResponses, response, compareFacts) };
    }
    case 'ComplaintFiled':
      return {
        ...next,
        complaints: [...next.complaints, { complaintId: event.data.complaintId, filedAt: occurredAt, resolvedAt: null }],
      };
    case 'ComplaintResolved': {
      const { complaintId } = event.data;
      return {
        ...next,
        complaints: updateLatest(
          next.complaints,
          (complaint) => complaint.complaintId === complaintId,
          (complaint) => ({ ...complaint, resolvedAt: earlier(complaint.resolvedAt, occurredAt) }),
          { complaintId, filedAt: null, resolvedAt: occurredAt },
        ),
      };
    }
    case 'QuoteRequested': {
      const { quoteId, expectedWithinDays } = event.data;
      const quote: QuoteRecord = { quoteId, requestedAt: occurredAt, expectedWithinDays, sentAt: null, adjustments: [] };
      return { ...next, quotes: [...next.quotes, quote] };
    }
    case 'QuoteSent': {
      const { quoteId } = event.data;
      return {
        ...next,
        quotes: updateLatest(
          next.quotes,
          (quote) => quote.quoteId === quoteId,
          (quote) => ({ ...quote, sentAt: earlier(quote.sentAt, occurredAt) }),
          { quoteId, requestedAt: null, expectedWithinDays: null, sentAt: occurredAt, adjustments: [] },
        ),
      };
    }
    case 'PromiseMade': {
      const { promiseId, expectedBy } = event.data;
      const promise: PromiseRecord = {
        promiseId,
        madeAt: occurredAt,
        expectedBy: normaliseIso(expectedBy, 'PromiseMade expectedBy'),
        deliveredAt: null,
        adjustments: [],
      };
      return { ...next, promises: [...next.promises, promise] };
    }
    case 'PromiseDelivered': {
      const { promiseId } = event.data;
      return {
        ...next,
        promises: updateLatest(
          next.promises,
          (promise) => promise.promiseId === promiseId,
          (promise) => ({ ...promise, deliveredAt: earlier(promise.deliveredAt, occurredAt) }),
          { promiseId, madeAt: null, expectedBy: null, deliveredAt: occurredAt, adjustments: [] },
        ),
      };
    }
    case 'ExpectationAdjusted': {
      // The stream rules accept an adjustment of an open quote or promise; it belongs to the subject that was open
      // when it was recorded. Whether it changes the expected date depends on when it occurred (see the view).
      const { subjectId } = event.data;
      const adjustment: AdjustmentFact = { ...fact, expectedBy: normaliseIso(event.data.expectedBy, 'ExpectationAdjusted expectedBy') };
      const adjust = <T extends { adjustments: readonly AdjustmentFact[] }>(subject: T): T => ({
        ...subject,
        adjustments: insertSorted(subject.adjustments, adjustment, compareFacts),
      });
      const openQuote = findLastIndex(next.quotes, (quote) => quote.quoteId === subjectId && quote.sentAt === null);
      const openPromise = findLastIndex(next.promises, (promise) => promise.promiseId === subjectId && promise.deliveredAt === null);
      return {
        ...next,
        quotes: openQuote < 0 ? next.quotes : next.quotes.map((quote, index) => (index === openQuote ? adjust(quote) : quote)),
        promises:
          openPromise < 0 ? next.promises : next.promises.map((promise, index) => (index === openPromise ? adjust(promise) : promise)),
      };
    }
    case 'MailSent':
    case 'MailOpened':
    case 'MailClicked':
    case 'WebsiteVisited':
    case 'MeetingHeld':
    case 'OpportunityStageChanged':
      return next;
    default: {
      const unhandled: never = event;
      throw new Error(`evolveCustomerProfile: unhandled event type ${(unhandled as { type: string }).type}`);
    }
  }
}

function findLastIndex<T>(list: readonly T[], matches: (item: T) => boolean): number {
  for (let index = list.length - 1; index >= 0; index--) if (matches(list[index])) return index;
  return -1;
}

/** Folds a whole stream (in stream order); `null` for an empty one. */
export function replayCustomerProfile(
  events: Iterable<StoredCustomerStreamEvent>,
  definition: CustomerDefinition,
): CustomerProfileState | null {
  let state: CustomerProfileState | null = null;
  for (const event of events) state = evolveCustomerProfile(state, event, definition);
  return state;
}

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------------------------------

export type PhaseTransitionCause = 'ProspectRegistered' | 'PurchaseMade' | 'RelationshipEnded' | 'inactivity';

export type PhaseTransition = Readonly<{
  from: LifecyclePhase | null;
  to: LifecyclePhase;
  /** When it happened. For `inactivity`: last purchase + departAfterDays; the customer is departed after that instant. */
  at: string;
  cause: PhaseTransitionCause;
  /** The cycle the customer is in after the transition. */
  cycle: number;
  /** The event that caused it; `null` for `inactivity`, which no event causes. */
  globalPosition: number | null;
}>;

type Lifecycle = Readonly<{
  phase: LifecyclePhase | null;
  cycle: number;
  /** The purchases of the current cycle, in `occurredAt` order. */
  cyclePurchases: readonly PurchaseFact[];
  lastPurchaseAt: string | null;
  history: readonly PhaseTransition[];
}>;

type Step =
  | (OrderedFact & { kind: 'registered' })
  | (OrderedFact & { kind: 'purchase'; purchase: PurchaseFact })
  | (OrderedFact & { kind: 'ended' });

/**
 * Walks registration, purchases and relationship ends in `occurredAt` order up to `asOf` (contract "Default
 * customer definition"):
 * - `prospect` (cycle 1) from ProspectRegistered; the first purchase makes a `new-customer`;
 * - a purchase at most loyalWithinDays after the previous purchase of the cycle makes a `loyal-customer`; a later
 *   one that is not preceded by a departure leaves the phase as it is (there is no demotion from loyal to new);
 * - `departed` on RelationshipEnded (also by a prospect who never bought), or once more than departAfterDays have
 *   passed since the last purchase of the cycle;
 * - any purchase while `departed` starts the next cycle as `new-customer` — also after a prospect's departure, so a
 *   prospect who ended the relationship and then buys is a new customer of cycle 2.
 * A purchase or relationship end that occurred before the registration (back-dated facts) is taken as it comes.
 */
function walkLifecycle(state: CustomerProfileState, asOf: string, definition: CustomerDefinition): Lifecycle {
  const loyalMs = definition.loyalWithinDays * DAY_MS;
  const departMs = definition.departAfterDays * DAY_MS;
  const steps: Step[] = [
    ...occurredBy(state.registrations, asOf).map((fact): Step => ({ ...fact, kind: 'registered' })),
    ...occurredBy(state.purchases, asOf).map((purchase): Step => ({ ...purchase, kind: 'purchase', purchase })),
    ...occurredBy(state.relationshipEnds, asOf).map((fact): Step => ({ ...fact, kind: 'ended' })),
  ].sort(compareFacts);

  let phase: LifecyclePhase | null = null;
  let cycle = 0;
  let cyclePurchases: PurchaseFact[] = [];
  let lastPurchaseMs: number | null = null;
  const history: PhaseTransition[] = [];

  const enter = (to: LifecyclePhase, at: string, cause: PhaseTransitionCause, globalPosition: number | null) => {
    if (phase === to) return;
    history.push({ from: phase, to, at, cause, cycle, globalPosition });
    phase = to;
  };
  const departIfInactive = (momentMs: number) => {
    if ((phase === 'new-customer' || phase === 'loyal-customer') && lastPurchaseMs !== null && momentMs - lastPurchaseMs > departMs) {
      enter('departed', isoFromMs(lastPurchaseMs + departMs), 'inactivity', null);
    }
  };

  for (const step of steps) {
    const stepMs = toMs(step.occurredAt);
    departIfInactive(stepMs);
    switch (step.kind) {
      case 'registered':
        if (phase === null) {
          cycle = 1;
          enter('prospect', step.occurredAt, 'ProspectRegistered', step.globalPosition);
        }
        break;
      case 'purchase':
        if (phase === 'departed') {
          cycle += 1;
          cyclePurchases = [];
        }
        cycle = Math.max(cycle, 1);
        if (phase === 'new-customer' || phase === 'loyal-customer') {
          if (lastPurchaseMs !== null && stepMs - lastPurchaseMs <= loyalMs) {
            enter('loyal-customer', step.occurredAt, 'PurchaseMade', step.globalPosition);
          }
        } else {
          enter('new-customer', step.occurredAt, 'PurchaseMade', step.globalPosition);
        }
        cyclePurchases.push(step.purchase);
        lastPurchaseMs = stepMs;
        break;
      case 'ended':
        cycle = Math.max(cycle, 1);
        enter('departed', step.occurredAt, 'RelationshipEnded', step.globalPosition);
        break;
    }
  }
  departIfInactive(toMs(asOf));

  return {
    phase,
    cycle,
    cyclePurchases,
    lastPurchaseAt: latest(occurredBy(state.purchases, asOf))?.occurredAt ?? null,
    history,
  };
}

/**
 * Every phase transition up to `asOf`, in `occurredAt` order, including departures by inactivity (which need no
 * event). Empty for a customer of whom nothing had occurred by then.
 */
export function lifecyclePhaseHistory(
  state: CustomerProfileState | null,
  asOf: string,
  definition: CustomerDefinition,
): PhaseTransition[] {
  return state === null ? [] : [...walkLifecycle(state, normaliseIso(asOf, 'asOf'), definition).history];
}

// ---------------------------------------------------------------------------------------------------------------
// Expectations (quotes and promises)
// ---------------------------------------------------------------------------------------------------------------

export type ExpectationOutcome = Readonly<{
  kind: 'quote' | 'promise';
  subjectId: string;
  /** When the quote was requested or the promise made. */
  since: string;
  /** The UTC calendar date expected (YYYY-MM-DD), after the adjustments that counted. */
  expectedDate: string;
  deliveredAt: string | null;
  /** `null` while not delivered. */
  experience: Experience | null;
  /** Not delivered and the expected date has passed: whatever happens now, the experience will be negative. */
  overdue: boolean;
}>;

const dateOfDay = (day: number): string => isoFromMs(day * DAY_MS).slice(0, 10);

function outcome(
  kind: ExpectationOutcome['kind'],
  subjectId: string,
  since: string,
  initialExpectedDay: number,
  delivered: string | null,
  adjustments: readonly AdjustmentFact[],
  asOf: string,
): ExpectationOutcome {
  const deliveredAt = delivered !== null && delivered <= asOf ? delivered : null;
  let expectedDay = initialExpectedDay;
  for (const adjustment of adjustments) {
    // Adjusting counts only while the subject is open (not before it existed, not after delivery) and only "in
    // time": an adjustment that occurs before the current expected date replaces it; on or after it, it is ignored.
    if (adjustment.occurredAt > asOf || adjustment.occurredAt < since) continue;
    if (deliveredAt !== null && adjustment.occurredAt > deliveredAt) continue;
    if (utcDay(toMs(adjustment.occurredAt)) < expectedDay) expectedDay = utcDay(toMs(adjustment.expectedBy));
  }
  let experience: Experience | null = null;
  if (deliveredAt !== null) {
    const deliveredDay = utcDay(toMs(deliveredAt));
    experience = deliveredDay < expectedDay ? 'positive' : deliveredDay === expectedDay ? 'as-expected' : 'negative';
  }
  return {
    kind,
    subjectId,
    since,
    expectedDate: dateOfDay(expectedDay),
    deliveredAt,
    experience,
    overdue: deliveredAt === null && utcDay(toMs(asOf)) > expectedDay,
  };
}

/**
 * Every quote requested and promise made by `asOf`, with its expected date and, once delivered, its experience.
 * Experience compares UTC calendar dates: expected date of a quote = date(QuoteRequested.occurredAt) +
 * expectedWithinDays, of a promise = date(expectedBy); delivered = date of QuoteSent / PromiseDelivered.
 */
export function expectationOutcomes(state: CustomerProfileState, asOf: string): ExpectationOutcome[] {
  const moment = normaliseIso(asOf, 'asOf');
  const outcomes: ExpectationOutcome[] = [];
  for (const quote of state.quotes) {
    if (quote.requestedAt === null || quote.expectedWithinDays === null || quote.requestedAt > moment) continue;
    const expectedDay = utcDay(toMs(quote.requestedAt)) + quote.expectedWithinDays;
    outcomes.push(outcome('quote', quote.quoteId, quote.requestedAt, expectedDay, quote.sentAt, quote.adjustments, moment));
  }
  for (const promise of state.promises) {
    if (promise.madeAt === null || promise.expectedBy === null || promise.madeAt > moment) continue;
    const expectedDay = utcDay(toMs(promise.expectedBy));
    outcomes.push(outcome('promise', promise.promiseId, promise.madeAt, expectedDay, promise.deliveredAt, promise.adjustments, moment));
  }
  return outcomes;
}

// ---------------------------------------------------------------------------------------------------------------
// View
// ---------------------------------------------------------------------------------------------------------------

export type CustomerProfileView = {
  customerId: string;
  name: string | null;
  size: CompanySize;
  lifecyclePhase: LifecyclePhase;
  cycle: number;
  loyalty: {
    status: LoyaltyStatus;
    reasons: AtRiskReason[];
    /** Purchases in the current cycle (those of the departed cycle while departed). */
    purchaseCount: number;
    /** The latest purchase ever, whatever its cycle. */
    lastPurchaseAt: string | null;
  };
  nps: { lastScore: number | null; category: NpsCategory | null; lastImprovement: string | null };
  complaints: { open: number; resolved: number };
  experience: { positive: number; asExpected: number; negative: number };
  accountManager: { employeeId: string; salesRole: SalesRole } | null;
  contacts: { contactId: string; name: string | null; email: string | null; dmuRole: DmuRole }[];
  touchpoints: { total: number; byType: Partial<Record<CustomerEventType, number>> };
  lastTouchpointAt: string | null;
  asOf: string;
  definitionVersion: number;
};

/** Complaints filed by `asOf` and whether each was resolved by then. */
function complaintsAsOf(state: CustomerProfileState, asOf: string) {
  return state.complaints
    .filter((complaint): complaint is ComplaintRecord & { filedAt: string } => complaint.filedAt !== null && complaint.filedAt <= asOf)
    .map((complaint) => ({
      filedAt: complaint.filedAt,
      resolved: complaint.resolvedAt !== null && complaint.resolvedAt <= asOf,
    }));
}

/**
 * The contract profile as it was at `asOf`: only events that occurred at or before `asOf` count, and
 * time-dependent rules are evaluated at `asOf`. `null` when the customer was not registered yet at `asOf`
 * (its ProspectRegistered occurred later): there was no profile then, which the API answers with 404.
 *
 * - `loyalty.purchaseCount` counts the purchases of the current cycle, so it restarts at 1 when a departed customer
 *   buys again; while departed it still counts the purchases of the cycle that ended. `lastPurchaseAt` is the latest
 *   purchase of any cycle.
 * - `nps` is the latest answer by `occurredAt`; `lastImprovement` is that answer's improvement text (null if it
 *   gave none), not an older answer's.
 * - A contact added again under the same `contactId` updates it (latest by `occurredAt` wins); contacts are listed
 *   in the order they were first added. `email` is null when not given.
 * - `touchpoints.byType` lists only the types that occurred, in catalogue order.
 * - `experience` counts delivered quotes and promises only; an undelivered one has no experience yet.
 */
export function viewCustomerProfile(
  state: CustomerProfileState,
  asOf: string,
  definition: CustomerDefinition,
): CustomerProfileView | null {
  const moment = normaliseIso(asOf, 'asOf');
  const registration = latest(occurredBy(state.registrations, moment));
  if (registration === undefined) return null;
  const asOfMs = toMs(moment);

  const lifecycle = walkLifecycle(state, moment, definition);
  const phase: LifecyclePhase = lifecycle.phase ?? 'prospect';

  const lastNps = latest(occurredBy(state.npsResponses, moment));
  const complaints = complaintsAsOf(state, moment);
  const openComplaints = complaints.filter((complaint) => !complaint.resolved);

  const reasons: AtRiskReason[] = [];
  let status: LoyaltyStatus;
  if (phase === 'departed') status = 'lapsed';
  else if (lifecycle.cyclePurchases.length === 0) status = 'none';
  else {
    const lastPurchaseMs = toMs(lifecycle.cyclePurchases[lifecycle.cyclePurchases.length - 1].occurredAt);
    if (lastNps !== undefined && lastNps.score <= definition.detractorMaxScore) reasons.push('detractor');
    const targetMs = definition.complaintTargetHours * HOUR_MS;
    if (openComplaints.some((complaint) => asOfMs - toMs(complaint.filedAt) > targetMs)) reasons.push('complaint-overdue');
    if (asOfMs - lastPurchaseMs > definition.departAfterDays * definition.purchaseGapFraction * DAY_MS) reasons.push('purchase-gap');
    status = reasons.length > 0 ? 'at-risk' : phase === 'loyal-customer' ? 'loyal' : 'new';
  }

  const experience = { positive: 0, asExpected: 0, negative: 0 };
  for (const { experience: result } of expectationOutcomes(state, moment)) {
    if (result === 'positive') experience.positive++;
    else if (result === 'as-expected') experience.asExpected++;
    else if (result === 'negative') experience.negative++;
  }

  const accountManager = latest(occurredBy(state.accountManagers, moment));

  const contacts = new Map<string, CustomerProfileView['contacts'][number]>();
  for (const contact of occurredBy(state.contacts, moment)) {
    contacts.set(contact.contactId, {
      contactId: contact.contactId,
      name: contact.name,
      email: contact.email,
      dmuRole: contact.dmuRole,
    });
  }

  const byType: Partial<Record<CustomerEventType, number>> = {};
  let total = 0;
  let lastTouchpointAt: string | null = null;
  for (const type of CUSTOMER_EVENT_TYPES) {
    const occurred = state.touchpoints[type] ?? [];
    const count = countUpTo(occurred, moment);
    if (count === 0) continue;
    byType[type] = count;
    total += count;
    const latestOfType = occurred[count - 1];
    if (lastTouchpointAt === null || latestOfType > lastTouchpointAt) lastTouchpointAt = latestOfType;
  }

  return {
    customerId: state.customerId,
    name: registration.name,
    size: registration.size,
    lifecyclePhase: phase,
    cycle: Math.max(lifecycle.cycle, 1),
    loyalty: {
      status,
      reasons,
      purchaseCount: lifecycle.cyclePurchases.length,
      lastPurchaseAt: lifecycle.lastPurchaseAt,
    },
    nps: {
      lastScore: lastNps?.score ?? null,
      category: lastNps === undefined ? null : npsCategory(lastNps.score, definition),
      lastImprovement: lastNps?.improvement ?? null,
    },
    complaints: { open: openComplaints.length, resolved: complaints.length - openComplaints.length },
    experience,
    accountManager: accountManager ? { employeeId: accountManager.employeeId, salesRole: accountManager.salesRole } : null,
    contacts: [...contacts.values()],
    touchpoints: { total, byType },
    lastTouchpointAt,
    asOf: moment,
    definitionVersion: definition.version,
  };
}

/**
 * The first instant after `asOf` at which the profile changes with no event: the purchase gap opening, departure by
 * inactivity, an open complaint becoming overdue, an undelivered quote or promise becoming overdue. The view changes
 * for moments strictly after the returned instant. `null` when nothing is pending. Lets a projector or feed
 * re-evaluate "now" segments and raise time-dependent insights without polling every customer.
 */
export function nextTimeDependentChangeAt(
  state: CustomerProfileState,
  asOf: string,
  definition: CustomerDefinition,
): string | null {
  const moment = normaliseIso(asOf, 'asOf');
  const asOfMs = toMs(moment);
  const candidates: number[] = [];
  const lifecycle = walkLifecycle(state, moment, definition);
  const lastPurchase = latest(lifecycle.cyclePurchases);
  if (lastPurchase && (lifecycle.phase === 'new-customer' || lifecycle.phase === 'loyal-customer')) {
    const lastPurchaseMs = toMs(lastPurchase.occurredAt);
    candidates.push(lastPurchaseMs + definition.departAfterDays * definition.purchaseGapFraction * DAY_MS);
    candidates.push(lastPurchaseMs + definition.departAfterDays * DAY_MS);
  }
  for (const complaint of complaintsAsOf(state, moment)) {
    if (!complaint.resolved) candidates.push(toMs(complaint.filedAt) + definition.complaintTargetHours * HOUR_MS);
  }
  for (const expectation of expectationOutcomes(state, moment)) {
    // Overdue from the start of the day after the expected date; the view changes after its last millisecond.
    if (expectation.deliveredAt === null) candidates.push(toMs(expectation.expectedDate) + DAY_MS - 1);
  }
  const upcoming = candidates.filter((ms) => ms >= asOfMs);
  return upcoming.length === 0 ? null : isoFromMs(Math.min(...upcoming));
}
