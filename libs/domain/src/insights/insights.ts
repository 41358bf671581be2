import type { StoredCustomerEvent } from '../events';
import type { CustomerDefinition } from '../read-models/customer-definition';
import {
  expectationOutcomes,
  lifecyclePhaseHistory,
  viewCustomerProfile,
  type AtRiskReason,
  type ComplaintRecord,
  type CustomerProfileState,
  type CustomerProfileView,
  type ExpectationOutcome,
} from '../read-models/customer-profile.read-model';
import { DAY_MS, HOUR_MS, isoFromMs, normaliseIso, toMs } from '../read-models/time';
import { sha256Hex } from './sha-256';

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

export const INSIGHT_TYPES = [
  'lifecycle-phase-changed',
  'customer-became-loyal',
  'customer-at-risk',
  'detractor-responded',
  'complaint-sla-breached',
  'expectation-missed',
] as const;
export type InsightType = (typeof INSIGHT_TYPES)[number];

export const isInsightType = (value: unknown): value is InsightType =>
  typeof value === 'string' && (INSIGHT_TYPES as readonly string[]).includes(value);

/** The CloudEvent `type` of an insight. */
export const insightCloudEventType = (type: InsightType): `insight.${InsightType}` => `insight.${type}`;

export type InsightValue = string | number | boolean | null | readonly string[];

export type Insight = Readonly<{
  /** Deterministic: see `insightId`. */
  id: string;
  type: InsightType;
  customerId: string;
  /** When the insight became true: the event's `occurredAt`, or the instant time made it true. */
  time: string;
  /** The event being applied when it was found; for `dueInsights`, the customer's last applied position. */
  globalPosition: number;
  /** The account manager's employeeId (as of the evaluation instant, or as of `time` for time-caused facts). */
  accountManager: string | null;
  data: Readonly<Record<string, InsightValue>>;
}>;

/**
 * A UUID-shaped id (RFC 9562 version 8, name-based on SHA-256 like its appendix example: 122 bits of the hash) of
 * `customerId|type|causeKey`.
 */
export function insightId(customerId: string, type: InsightType, causeKey: string): string {
  const hex = sha256Hex(`${customerId}|${type}|${causeKey}`);
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

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
  const insight = (type: InsightType, data: Insight['data']): Insight => ({
    id: insightId(after.customerId, type, `event:${event.eventId}`),
    type,
    customerId: after.customerId,
    time: normaliseIso(event.occurredAt),
    globalPosition: event.globalPosition,
    accountManager,
    data,
  });

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
  if (event.type === 'NpsResponded' && event.data.score <= definition.detractorMaxScore) {
    insights.push(
      insight('detractor-responded', {
        surveyId: event.data.surveyId,
        contactId: event.data.contactId ?? null,
        score: event.data.score,
        hasImprovement: (event.data.improvement ?? '').trim() !== '',
      }),
    );
  }
  return insights;
}

const COMPLAINT_EVENTS: ReadonlySet<string> = new Set(['ComplaintFiled', 'ComplaintResolved']);
const EXPECTATION_EVENTS: ReadonlySet<string> = new Set(['QuoteRequested', 'QuoteSent', 'PromiseMade', 'PromiseDelivered', 'ExpectationAdjusted']);

const grownReasons = (previous: CustomerProfileView | null, current: CustomerProfileView): AtRiskReason[] =>
  current.loyalty.reasons.filter((reason) => !(previous?.loyalty.reasons ?? []).includes(reason));

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

// ---------------------------------------------------------------------------------------------------------------
// Time-caused facts
// ---------------------------------------------------------------------------------------------------------------

type Context = Readonly<{ state: CustomerProfileState; definition: CustomerDefinition; globalPosition: number }>;

/** A fact that first holds at `dueMs`; `resolve` builds its insight, or null when on closer look it does not hold. */
type Due = Readonly<{ dueMs: number; resolve: () => Insight | null }>;

/** Far enough for "eventually", and still an ISO string that compares correctly with the others. */
const FAR_FUTURE_MS = toMs('9999-12-31T23:59:59.999Z');

const inWindow = (ms: number, lower: number, upper: number): boolean => ms > lower && ms <= upper;

const viewAt = (context: Context, ms: number): CustomerProfileView | null =>
  viewCustomerProfile(context.state, isoFromMs(ms), context.definition);

function factInsight(
  context: Context,
  type: InsightType,
  causeKey: string,
  timeMs: number,
  accountManager: string | null,
  data: Insight['data'],
): Insight {
  return {
    id: insightId(context.state.customerId, type, causeKey),
    type,
    customerId: context.state.customerId,
    time: isoFromMs(timeMs),
    globalPosition: context.globalPosition,
    accountManager,
    data,
  };
}

/** The account manager as the view gives it (the latest assignment by then), without building the whole view. */
function accountManagerAt(context: Context, ms: number): string | null {
  const moment = isoFromMs(ms);
  const assignments = context.state.accountManagers; // sorted by occurredAt
  for (let index = assignments.length - 1; index >= 0; index--) {
    if (assignments[index].occurredAt <= moment) return assignments[index].employeeId;
  }
  return null;
}

/** The time-caused facts that first hold in `(lower, upper]`. */
const dueFacts = (context: Context, lower: number, upper: number): Due[] => [
  ...departuresDue(context, lower, upper),
  ...breachesDue(context, lower, upper),
  ...atRiskDue(context, lower, upper),
  ...missesDue(context, lower, upper),
];

function departuresDue(context: Context, lower: number, upper: number): Due[] {
  // A departure falls departAfterDays after a purchase (`at` as the walk computes it); skip the walk when none can.
  const departMs = context.definition.departAfterDays * DAY_MS;
  const possible = context.state.purchases.some((purchase) => inWindow(Math.floor(toMs(purchase.occurredAt) + departMs) + 1, lower, upper));
  if (!possible) return [];
  const history = lifecyclePhaseHistory(context.state, isoFromMs(upper), context.definition);
  return history
    .filter((transition) => transition.cause === 'inactivity' && inWindow(toMs(transition.at) + 1, lower, upper))
    .map((transition) => {
      const atMs = toMs(transition.at);
      return {
        dueMs: atMs + 1,
        resolve: () =>
          factInsight(context, 'lifecycle-phase-changed', `departed:${transition.cycle}:${transition.at}`, atMs, accountManagerAt(context, atMs + 1), {
            from: transition.from,
            to: transition.to,
            cycle: transition.cycle,
            cause: transition.cause,
          }),
      };
    });
}

type FiledComplaint = ComplaintRecord & { filedAt: string };

/** The deadline (last instant within target) of a complaint, as the view counts it. */
const complaintDeadline = (complaint: FiledComplaint, definition: CustomerDefinition): number =>
  toMs(complaint.filedAt) + Math.floor(definition.complaintTargetHours * HOUR_MS);

const notResolvedBy = (complaint: ComplaintRecord, ms: number): boolean =>
  complaint.resolvedAt === null || toMs(complaint.resolvedAt) > ms;

const breachKey = (complaint: FiledComplaint): string => `complaint:${complaint.complaintId}:${complaint.filedAt}`;

const filed = (state: CustomerProfileState): FiledComplaint[] =>
  state.complaints.filter((complaint): complaint is FiledComplaint => complaint.filedAt !== null);

/** Complaints breached as of `ms`: not resolved by their deadline, which had passed by `ms`. */
const breachedBy = (state: CustomerProfileState, ms: number, definition: CustomerDefinition): FiledComplaint[] =>
  filed(state).filter((complaint) => {
    const deadline = complaintDeadline(complaint, definition);
    return deadline < ms && notResolvedBy(complaint, deadline);
  });

function breachInsight(context: Context, complaint: FiledComplaint): Insight {
  const deadline = complaintDeadline(complaint, context.definition);
  return factInsight(context, 'complaint-sla-breached', breachKey(complaint), deadline, accountManagerAt(context, deadline + 1), {
    complaintId: complaint.complaintId,
    filedAt: complaint.filedAt,
    targetHours: context.definition.complaintTargetHours,
  });
}

function breachesDue(context: Context, lower: number, upper: number): Due[] {
  return filed(context.state)
    .filter((complaint) => {
      const deadline = complaintDeadline(complaint, context.definition);
      return inWindow(deadline + 1, lower, upper) && notResolvedBy(complaint, deadline);
    })
    .map((complaint) => ({
      dueMs: complaintDeadline(complaint, context.definition) + 1,
      resolve: () => breachInsight(context, complaint),
    }));
}

/**
 * Instants at which time may start an at-risk reason: the purchase gap after a purchase not followed by another
 * before it opens, and an open complaint becoming overdue. Whether a reason really starts (the customer may be a
 * prospect, departed, or already at risk for that reason) is up to the view.
 */
function atRiskDue(context: Context, lower: number, upper: number): Due[] {
  const { state, definition } = context;
  const starts = new Map<number, Set<AtRiskReason>>();
  const add = (ms: number, reason: AtRiskReason) => {
    if (inWindow(ms, lower, upper)) starts.set(ms, (starts.get(ms) ?? new Set()).add(reason));
  };
  // Same expressions as the view, so the same floating-point thresholds.
  const gapMs = definition.departAfterDays * definition.purchaseGapFraction * DAY_MS;
  const targetMs = definition.complaintTargetHours * HOUR_MS;
  state.purchases.forEach((purchase, index) => {
    const opens = toMs(purchase.occurredAt) + Math.floor(gapMs) + 1;
    const next = state.purchases[index + 1];
    if (next === undefined || toMs(next.occurredAt) > opens) add(opens, 'purchase-gap');
  });
  for (const complaint of filed(state)) {
    const overdue = toMs(complaint.filedAt) + Math.floor(targetMs) + 1;
    if (notResolvedBy(complaint, overdue)) add(overdue, 'complaint-overdue');
  }
  return [...starts].map(([ms, reasons]) => ({
    dueMs: ms,
    resolve: () => {
      const current = viewAt(context, ms);
      if (current === null || !current.loyalty.reasons.some((reason) => reasons.has(reason))) return null;
      const newReasons = grownReasons(viewAt(context, ms - 1), current);
      if (!newReasons.some((reason) => reasons.has(reason))) return null;
      return factInsight(
        context,
        'customer-at-risk',
        `at-risk:${isoFromMs(ms - 1)}:${newReasons.join('+')}`,
        ms - 1,
        current.accountManager?.employeeId ?? null,
        { reasons: current.loyalty.reasons, newReasons },
      );
    },
  }));
}

const missed = (outcome: ExpectationOutcome): boolean => outcome.overdue || outcome.experience === 'negative';

/** Once missed, an expectation's date is frozen (adjustments on or after it do not count), so the key is stable. */
const missKey = (outcome: ExpectationOutcome): string =>
  `expectation:${outcome.kind}:${outcome.subjectId}:${outcome.since}:${outcome.expectedDate}`;

/** The expectations missed as of `ms`, by key. */
function missedAt(state: CustomerProfileState, ms: number): Map<string, ExpectationOutcome> {
  if (ms === -Infinity) return new Map();
  return new Map(expectationOutcomes(state, isoFromMs(ms)).filter(missed).map((outcome) => [missKey(outcome), outcome]));
}

const sameSubject = (a: ExpectationOutcome, b: ExpectationOutcome): boolean =>
  a.kind === b.kind && a.subjectId === b.subjectId && a.since === b.since;

/**
 * The first instant at which an expectation, missed as of `upperMs`, was missed, with its outcome then. Missing is
 * monotone and its date frozen, so it is the later of the start of the day after that date and the event that set
 * the date (the request or promise, or an adjustment): the first of those candidates at which the view says missed.
 */
function firstMissed(state: CustomerProfileState, outcome: ExpectationOutcome, upperMs: number): { ms: number; outcome: ExpectationOutcome } {
  const sinceMs = toMs(outcome.since);
  const subject =
    outcome.kind === 'quote'
      ? state.quotes.find((quote) => quote.quoteId === outcome.subjectId && quote.requestedAt === outcome.since)
      : state.promises.find((promise) => promise.promiseId === outcome.subjectId && promise.madeAt === outcome.since);
  const candidates = [sinceMs, ...(subject?.adjustments ?? []).map((adjustment) => toMs(adjustment.occurredAt)), toMs(outcome.expectedDate) + DAY_MS]
    .filter((ms) => ms >= sinceMs && ms <= upperMs)
    .sort((a, b) => a - b);
  for (const ms of candidates) {
    const then = expectationOutcomes(state, isoFromMs(ms)).find((candidate) => sameSubject(candidate, outcome));
    if (then !== undefined && missed(then)) return { ms, outcome: then };
  }
  return { ms: upperMs, outcome };
}

function missInsight(context: Context, outcome: ExpectationOutcome, upperMs: number, subjects = context.state): Insight {
  const first = firstMissed(subjects, outcome, upperMs);
  return factInsight(context, 'expectation-missed', missKey(outcome), first.ms, accountManagerAt(context, first.ms), {
    kind: outcome.kind,
    subjectId: outcome.subjectId,
    expectedDate: outcome.expectedDate,
    deliveredAt: first.outcome.deliveredAt,
  });
}

/**
 * The state with only the quotes and promises not delivered by `ms`: whether one delivered by then was missed was
 * settled by then (its date no longer changes), so only these can be missed later.
 */
function undeliveredBy(state: CustomerProfileState, ms: number): CustomerProfileState {
  if (ms === -Infinity) return state;
  const moment = isoFromMs(ms);
  return {
    ...state,
    quotes: state.quotes.filter((quote) => quote.sentAt === null || quote.sentAt > moment),
    promises: state.promises.filter((promise) => promise.deliveredAt === null || promise.deliveredAt > moment),
  };
}

function missesDue(context: Context, lower: number, upper: number): Due[] {
  const subjects = undeliveredBy(context.state, lower);
  if (subjects.quotes.length === 0 && subjects.promises.length === 0) return [];
  const already = missedAt(subjects, lower);
  return [...missedAt(subjects, upper)]
    .filter(([key]) => !already.has(key))
    .map(([, outcome]) => {
      const insight = missInsight(context, outcome, upper, subjects);
      return { dueMs: toMs(insight.time), resolve: () => insight };
    });
}

// ---------------------------------------------------------------------------------------------------------------

/** Without duplicates (the first of an id wins), in `time` order, then type order, then id. */
function ordered(found: readonly (Insight | null)[]): Insight[] {
  const byId = new Map<string, Insight>();
  for (const insight of found) if (insight !== null && !byId.has(insight.id)) byId.set(insight.id, insight);
  return [...byId.values()].sort(
    (a, b) =>
      (a.time < b.time ? -1 : a.time > b.time ? 1 : 0) ||
      INSIGHT_TYPES.indexOf(a.type) - INSIGHT_TYPES.indexOf(b.type) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
