import type { StoredCustomerEvent } from '../events';
import type { CustomerDefinition } from '../read-models/customer-definition';
import { lifecyclePhaseHistory, viewCustomerProfile, type CustomerProfileState } from '../read-models/customer-profile.read-model';
import { isoFromMs, normaliseIso, toMs } from '../read-models/time';
import { insightId, orderedInsights as ordered, type Insight, type InsightType } from './insight';
import {
  FAR_FUTURE_MS,
  breachInsight,
  breachKey,
  breachedBy,
  dueFacts,
  grownReasons,
  missInsight,
  missedAt,
  type Context,
} from './time-caused-insights';

/**
 * The insight rules of the real-time feed (contract "Real-time insight feed"): what a sales person should hear about
 * a customer. Pure; the projector feeds it profile states and publishes the result (CloudEvent type
 * `insight.<type>`, id = `Insight.id`).
 *
 * Two sources:
 * - `deriveInsights` — what applying one event changed. Both states are viewed at the same *evaluation instant*
 *   (`insightEvaluationInstant`): the latest of the event's `occurredAt`, the latest `occurredAt` already applied,
 *   and the instant up to which time was already checked. Viewing both at one instant cancels everything time does,
 *   so a difference is caused by the event; using the latest instant (not the event's own, possibly back-dated
 *   `occurredAt`) makes a late-recorded event report how it changes the customer as now known, and never a past
 *   state that no longer holds. It also reports the time-caused insights due between the previous evaluation
 *   instant and this one (exactly what `dueInsights` gives for that window), so an event-only projector or a
 *   catch-up after downtime misses nothing.
 * - `dueInsights` — what time alone made true in a window `(from, to]`: a complaint open past its target, an
 *   expected date passed undelivered, departure by inactivity, the purchase gap or an overdue complaint putting the
 *   customer at risk. `nextDueAt` says when the next one falls due, so a projector schedules one check per customer.
 *
 * Using both, per customer: keep `checkedUntil` (null at first). On an event:
 * `deriveInsights(before, after, event, definition, { checkedUntil })`, then
 * `checkedUntil = insightEvaluationInstant(before, event, { checkedUntil })` and
 * `wakeAt = nextDueAt(after, checkedUntil, definition)`. At `now ≥ wakeAt`: `dueInsights(state, checkedUntil, now,
 * definition)`, then `checkedUntil = now`, `wakeAt = nextDueAt(state, now, definition)`. Without `checkedUntil`,
 * time-caused insights that the timer already emitted are reported again by the next event, with the same id.
 *
 * Ids (`insightId`): a UUID-shaped SHA-256 of `customerId|type|causeKey`, so redelivery and replay keep them and
 * different causes differ. Event-caused insights use `event:<eventId>`. A fact that time can make true (a breached
 * complaint, a missed expectation, a departure by inactivity, an at-risk reason starting) uses a key naming the
 * fact, not how it was noticed — `complaint:<id>:<filedAt>`, `expectation:<kind>:<id>:<since>:<expectedDate>`,
 * `departed:<cycle>:<at>`, `at-risk:<deadline>:<reasons>` — so the timer and a later event report it with one id
 * and consumers dedupe. For the same reason its `time` and `data` describe the fact at the moment it became true
 * (a breach carries no resolution, which comes later and is in the profile): however it is detected, it is the same
 * content, except `globalPosition`, which names the event being applied (`deriveInsights`) or the customer's last
 * applied position (`dueInsights`).
 *
 * Payloads carry ids, codes, numbers and timestamps only: never a name, e-mail address or free text. The NPS
 * improvement text is personal data and role-dependent; an insight says only `hasImprovement`, and the gateway may
 * add the text from the profile API for roles allowed to see it.
 */

export * from './insight';


export type DeriveInsightsOptions = Readonly<{
  /**
   * The instant up to which time-caused insights of `before` were already reported (the `to` of the last
   * `dueInsights` for this customer, or the previous evaluation instant). Default: `before`'s latest `occurredAt`.
   */
  checkedUntil?: string | null;
}>;

/** The later of two normalised ISO instants (null counts as earliest). */
const later = (a: string | null, b: string | null): string | null => (a === null ? b : b === null || a >= b ? a : b);

function checkedUntilOf(before: CustomerProfileState | null, options: DeriveInsightsOptions): string | null {
  const given = options.checkedUntil == null ? null : normaliseIso(options.checkedUntil, 'checkedUntil');
  return later(before?.lastTouchpointAt ?? null, given);
}

/**
 * The instant at which `deriveInsights` compares the states before and after `event`: the latest of the event's
 * `occurredAt`, `before`'s latest `occurredAt` and `options.checkedUntil`. Time-caused insights are reported up to
 * it, so it is the projector's next `checkedUntil`.
 */
export function insightEvaluationInstant(
  before: CustomerProfileState | null,
  event: StoredCustomerEvent,
  options: DeriveInsightsOptions = {},
): string {
  return later(normaliseIso(event.occurredAt, `${event.type} occurredAt`), checkedUntilOf(before, options)) as string;
}

/**
 * The insights caused by applying `event` to `before` (giving `after`, as `evolveCustomerProfile` does), plus the
 * time-caused ones due since `before` was last evaluated (see the module comment). Ordered by `time`, then type.
 * An event the fold ignores as a redelivery (its revision was applied already) gives none.
 *
 * - `lifecycle-phase-changed` { from, to, cycle, cause } — the phase differs (from is null for a new customer);
 * - `customer-became-loyal` { purchaseCount, cycle, previousStatus } — loyalty status became `loyal`;
 * - `customer-at-risk` { reasons, newReasons } — a reason started (so also when the status became at-risk);
 * - `detractor-responded` { surveyId, contactId, score, hasImprovement } — an NPS answer of at most
 *   detractorMaxScore, whatever else it changed;
 * - `complaint-sla-breached`, `expectation-missed` — as in `dueInsights`, also when a late-recorded event reveals one.
 */
export function deriveInsights(
  before: CustomerProfileState | null,
  after: CustomerProfileState,
  event: StoredCustomerEvent,
  definition: CustomerDefinition,
  options: DeriveInsightsOptions = {},
): Insight[] {
  if (before !== null && event.streamRevision <= before.lastStreamRevision) return [];
  const evaluatedAt = insightEvaluationInstant(before, event, options);
  const atMs = toMs(evaluatedAt);
  const checkedUntil = checkedUntilOf(before, options);
  const afterContext: Context = { state: after, definition, globalPosition: event.globalPosition };

  const found = [
    ...dueFacts(afterContext, checkedUntil === null ? -Infinity : toMs(checkedUntil), atMs).map((due) => due.resolve()),
    ...factsNewlyTrue(before, afterContext, atMs, event),
    ...viewChanges(before, after, event, evaluatedAt, definition),
  ];
  return ordered(found);
}

/**
 * The insights that time alone made true in `(from, to]`: true as of `to`, not as of `from`, with no event in
 * between (for a window containing events, those events' own effects are `deriveInsights`'). "More than" rules
 * first hold one millisecond after their deadline, and `time` is the deadline:
 * - `complaint-sla-breached` { complaintId, filedAt, targetHours } — open more than complaintTargetHours after
 *   filing: time = filedAt + complaintTargetHours (resolved exactly then is within target);
 * - `expectation-missed` { kind, subjectId, expectedDate, deliveredAt } — a quote or promise not delivered on its
 *   expected date (UTC calendar date): time = the start of the next day (or the adjustment or promise that set an
 *   expected date already past); deliveredAt is the delivery as of then, so null unless delivered that instant;
 * - `lifecycle-phase-changed` { from, to: 'departed', cycle, cause: 'inactivity' } — time = last purchase +
 *   departAfterDays;
 * - `customer-at-risk` { reasons, newReasons } — when `purchase-gap` (last purchase + departAfterDays ×
 *   purchaseGapFraction) or `complaint-overdue` starts a reason.
 */
export function dueInsights(
  state: CustomerProfileState,
  from: string,
  to: string,
  definition: CustomerDefinition,
): Insight[] {
  const lower = toMs(normaliseIso(from, 'from'));
  const upper = toMs(normaliseIso(to, 'to'));
  if (upper <= lower) return [];
  const context: Context = { state, definition, globalPosition: state.lastPosition };
  return ordered(dueFacts(context, lower, upper).map((due) => due.resolve()));
}

/**
 * The earliest instant after `after` at which `dueInsights(state, after, instant)` gives something (so the
 * projector can check this customer then instead of scanning everyone); null when nothing is pending.
 */
export function nextDueAt(state: CustomerProfileState, after: string, definition: CustomerDefinition): string | null {
  const context: Context = { state, definition, globalPosition: state.lastPosition };
  const pending = dueFacts(context, toMs(normaliseIso(after, 'after')), FAR_FUTURE_MS).sort((a, b) => a.dueMs - b.dueMs);
  for (const due of pending) if (due.resolve() !== null) return isoFromMs(due.dueMs);
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Event-caused: the views before and after, at one instant
// ---------------------------------------------------------------------------------------------------------------

function viewChanges(
  before: CustomerProfileState | null,
  after: CustomerProfileState,
  event: StoredCustomerEvent,
  evaluatedAt: string,
  definition: CustomerDefinition,
): Insight[] {
  const previous = before === null ? null : viewCustomerProfile(before, evaluatedAt, definition);
  const current = viewCustomerProfile(after, evaluatedAt, definition);
  const accountManager = current?.accountManager?.employeeId ?? null;
  const insight = eventCausedInsight(after.customerId, event, accountManager);

  const insights: Insight[] = [];
  if (current !== null) {
    const fromPhase = previous?.lifecyclePhase ?? null;
    if (current.lifecyclePhase !== fromPhase) {
      const history = lifecyclePhaseHistory(after, evaluatedAt, definition);
      const cause = history[history.length - 1]?.cause ?? null;
      insights.push(
        insight('lifecycle-phase-changed', { from: fromPhase, to: current.lifecyclePhase, cycle: current.cycle, cause }),
      );
    }
    const previousStatus = previous?.loyalty.status ?? null;
    if (current.loyalty.status === 'loyal' && previousStatus !== 'loyal') {
      insights.push(
        insight('customer-became-loyal', { purchaseCount: current.loyalty.purchaseCount, cycle: current.cycle, previousStatus }),
      );
    }
    const newReasons = grownReasons(previous, current);
    if (newReasons.length > 0) insights.push(insight('customer-at-risk', { reasons: current.loyalty.reasons, newReasons }));
  }
  const detractor = detractorData(event, definition);
  if (detractor) insights.push(insight('detractor-responded', detractor));
  return insights;
}

/** Builds the insights `event` causes for a customer: id from `event:<eventId>`, time the event's `occurredAt`. */
export function eventCausedInsight(
  customerId: string,
  event: StoredCustomerEvent,
  accountManager: string | null,
): (type: InsightType, data: Insight['data']) => Insight {
  const time = normaliseIso(event.occurredAt);
  return (type, data) => ({
    id: insightId(customerId, type, `event:${event.eventId}`),
    type,
    customerId,
    time,
    globalPosition: event.globalPosition,
    accountManager,
    data,
  });
}

/**
 * The data of `detractor-responded` when `event` is an NPS answer at or below the detractor score, else null. Ids,
 * the score and `hasImprovement` only: the improvement text is personal data.
 */
export function detractorData(event: StoredCustomerEvent, definition: CustomerDefinition): Insight['data'] | null {
  if (event.type !== 'NpsResponded' || event.data.score > definition.detractorMaxScore) return null;
  return {
    surveyId: event.data.surveyId,
    contactId: event.data.contactId ?? null,
    score: event.data.score,
    hasImprovement: (event.data.improvement ?? '').trim() !== '',
  };
}

const COMPLAINT_EVENTS: ReadonlySet<string> = new Set(['ComplaintFiled', 'ComplaintResolved']);
const EXPECTATION_EVENTS: ReadonlySet<string> = new Set(['QuoteRequested', 'QuoteSent', 'PromiseMade', 'PromiseDelivered', 'ExpectationAdjusted']);


/**
 * Breaches and misses that hold at `atMs` after the event but did not before it: a late-recorded event can reveal
 * one whose moment has passed. They keep their fact's id, time and data.
 */
function factsNewlyTrue(before: CustomerProfileState | null, after: Context, atMs: number, event: StoredCustomerEvent): Insight[] {
  const found: Insight[] = [];
  // The states differ by this event only, so only a complaint or expectation event can change these facts.
  if (before !== null && !COMPLAINT_EVENTS.has(event.type) && !EXPECTATION_EVENTS.has(event.type)) return found;
  const knownBreaches = new Set(before === null ? [] : breachedBy(before, atMs, after.definition).map(breachKey));
  for (const complaint of breachedBy(after.state, atMs, after.definition)) {
    if (!knownBreaches.has(breachKey(complaint))) found.push(breachInsight(after, complaint));
  }
  const knownMisses = before === null ? new Map() : missedAt(before, atMs);
  for (const [key, missed] of missedAt(after.state, atMs)) {
    if (!knownMisses.has(key)) found.push(missInsight(after, missed, atMs));
  }
  return found;
}

