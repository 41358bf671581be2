import type { CustomerDefinition } from './customer-definition';
import type { AdjustmentFact, CustomerProfileState, Experience, LifecyclePhase, PurchaseFact } from './customer-profile.state';
import { DAY_MS, compareFacts, isoFromMs, latest, normaliseIso, occurredBy, toMs, utcDay, type OrderedFact } from './time';

/** What time and the facts make of a customer: its lifecycle walk and its expectations, as of a moment. */

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

export type Lifecycle = Readonly<{
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
export function walkLifecycle(state: CustomerProfileState, asOf: string, definition: CustomerDefinition): Lifecycle {
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

