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
import { DAY_MS, HOUR_MS, isoFromMs, toMs } from '../read-models/time';
import { insightId, type Insight, type InsightType } from './insight';

/** The time-caused insight facts (see insights.ts `dueInsights`): what first holds at a moment with no event. */

export const grownReasons = (previous: CustomerProfileView | null, current: CustomerProfileView): AtRiskReason[] =>
  current.loyalty.reasons.filter((reason) => !(previous?.loyalty.reasons ?? []).includes(reason));

// ---------------------------------------------------------------------------------------------------------------
// Time-caused facts
// ---------------------------------------------------------------------------------------------------------------

export type Context = Readonly<{ state: CustomerProfileState; definition: CustomerDefinition; globalPosition: number }>;

/** A fact that first holds at `dueMs`; `resolve` builds its insight, or null when on closer look it does not hold. */
export type Due = Readonly<{ dueMs: number; resolve: () => Insight | null }>;

/** Far enough for "eventually", and still an ISO string that compares correctly with the others. */
export const FAR_FUTURE_MS = toMs('9999-12-31T23:59:59.999Z');

export const inWindow = (ms: number, lower: number, upper: number): boolean => ms > lower && ms <= upper;

const viewAt = (context: Context, ms: number): CustomerProfileView | null =>
  viewCustomerProfile(context.state, isoFromMs(ms), context.definition);

export function factInsight(
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
export function accountManagerAt(context: Context, ms: number): string | null {
  const moment = isoFromMs(ms);
  const assignments = context.state.accountManagers; // sorted by occurredAt
  for (let index = assignments.length - 1; index >= 0; index--) {
    if (assignments[index].occurredAt <= moment) return assignments[index].employeeId;
  }
  return null;
}

/** The time-caused facts that first hold in `(lower, upper]`. */
export const dueFacts = (context: Context, lower: number, upper: number): Due[] => [
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

export type FiledComplaint = ComplaintRecord & { filedAt: string };

/** The deadline (last instant within target) of a complaint, as the view counts it. */
export const complaintDeadline = (complaint: FiledComplaint, definition: CustomerDefinition): number =>
  toMs(complaint.filedAt) + Math.floor(definition.complaintTargetHours * HOUR_MS);

export const notResolvedBy = (complaint: ComplaintRecord, ms: number): boolean =>
  complaint.resolvedAt === null || toMs(complaint.resolvedAt) > ms;

export const breachKey = (complaint: FiledComplaint): string => `complaint:${complaint.complaintId}:${complaint.filedAt}`;

const filed = (state: CustomerProfileState): FiledComplaint[] =>
  state.complaints.filter((complaint): complaint is FiledComplaint => complaint.filedAt !== null);

/** Complaints breached as of `ms`: not resolved by their deadline, which had passed by `ms`. */
export const breachedBy = (state: CustomerProfileState, ms: number, definition: CustomerDefinition): FiledComplaint[] =>
  filed(state).filter((complaint) => {
    const deadline = complaintDeadline(complaint, definition);
    return deadline < ms && notResolvedBy(complaint, deadline);
  });

export function breachInsight(context: Context, complaint: FiledComplaint): Insight {
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
export function missedAt(state: CustomerProfileState, ms: number): Map<string, ExpectationOutcome> {
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

export function missInsight(context: Context, outcome: ExpectationOutcome, upperMs: number, subjects = context.state): Insight {
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

export function missesDue(context: Context, lower: number, upper: number): Due[] {
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

