import type { StoredCustomerEvent } from '../events';
import type { CustomerDefinition } from '../read-models/customer-definition';
import { CustomerProfileFolding } from '../read-models/customer-profile.fold';
import type { AtRiskReason, CustomerProfileState, PromiseRecord, QuoteRecord } from '../read-models/customer-profile.state';
import { DAY_MS, HOUR_MS, isoFromMs, normaliseIso, toMs } from '../read-models/time';
import { orderedInsights, type Insight } from './insight';
import {
  CustomerInsightIndex,
  grownReasonsOf,
  settledView,
  subjectIdOf,
  summaryOf,
  type InsightView,
  type SettledSummary,
  type SubjectIndex,
} from './insight-summary';
import { deriveInsights, detractorData, eventCausedInsight, nextDueAt } from './insights';
import {
  FAR_FUTURE_MS,
  accountManagerAt,
  breachInsight,
  breachKey,
  complaintDeadline,
  factInsight,
  inWindow,
  missInsight,
  missedAt,
  missesDue,
  notResolvedBy,
  type Context,
  type FiledComplaint,
} from './time-caused-insights';

/**
 * The insight rules of insights.ts for a projector that applies one customer's events in order: the same insights
 * (ids, types, times, data), found in time independent of the customer's history.
 *
 * `deriveInsights(before, after, event)` views both whole states; that is O(history) per event, so a customer with
 * n events costs O(n²). `LiveInsights` folds the batch with the linear draft fold (`CustomerProfileFolding`) and
 * keeps a running lifecycle walk and the open complaints, quotes and promises (insight-summary.ts). An event that
 * occurred at or after every event applied before it — nearly all of them — changes those by one step, and what it
 * makes true can only concern: the walk's last purchase, the open subjects, and the subject the event names. Those
 * are what it looks at. A late-recorded (back-dated) event can rewrite the walk anywhere, so it takes the whole-view
 * rules (`deriveInsights`) and the indices are rebuilt once after it.
 *
 * live-insights.equivalence.spec.ts checks that it gives exactly what `deriveInsights` and `nextDueAt` give, over
 * generated histories with late events and long ones.
 */
export class LiveInsights {
  private folding: CustomerProfileFolding;
  private index: CustomerInsightIndex | null = null;
  private until: string | null;

  constructor(
    state: CustomerProfileState | null,
    private readonly definition: CustomerDefinition,
    checkedUntil: string | null = null,
  ) {
    this.folding = new CustomerProfileFolding(state);
    this.until = checkedUntil === null ? null : normaliseIso(checkedUntil, 'checkedUntil');
  }

  /** The state with every applied event (immutable once no more events are applied). */
  get state(): CustomerProfileState | null {
    return this.folding.state;
  }

  /** Up to when time-caused insights were reported: the last event's evaluation instant (or the one given). */
  get checkedUntil(): string | null {
    return this.until;
  }

  /**
   * Applies `event` and returns `deriveInsights(before, after, event, definition, { checkedUntil })`; then
   * `checkedUntil` is the evaluation instant. A redelivery gives nothing and changes nothing.
   */
  apply(event: StoredCustomerEvent): Insight[] {
    const before = this.folding.state;
    if (before !== null && event.streamRevision <= before.lastStreamRevision) return [];
    const occurredAt = normaliseIso(event.occurredAt, `${event.type} occurredAt`);
    if (before === null || before.lastTouchpointAt === null || occurredAt < before.lastTouchpointAt) return this.applyLate(before, event);
    return this.applyInOrder(before, event, occurredAt);
  }

  /** `nextDueAt(state, after)` (default: after `checkedUntil`) without viewing the whole history. */
  nextDueAt(after: string | null = this.until): string | null {
    const state = this.folding.state;
    if (state === null || after === null) return null;
    return nextDueOf(state, (this.index ??= CustomerInsightIndex.of(state, this.definition)), normaliseIso(after, 'after'), this.definition);
  }

  private applyLate(before: CustomerProfileState | null, event: StoredCustomerEvent): Insight[] {
    // `before` is the draft so far: hand it out as immutable and fold the event into a new draft beside it.
    this.folding = new CustomerProfileFolding(before);
    this.folding.apply(event);
    const after = this.folding.state as CustomerProfileState;
    const insights = deriveInsights(before, after, event, this.definition, { checkedUntil: this.until });
    this.until = later(normaliseIso(event.occurredAt), later(before?.lastTouchpointAt ?? null, this.until));
    this.index = null;
    return insights;
  }

  private applyInOrder(before: CustomerProfileState, event: StoredCustomerEvent, occurredAt: string): Insight[] {
    const definition = this.definition;
    const index = (this.index ??= CustomerInsightIndex.of(before, definition));
    const lower = later(before.lastTouchpointAt, this.until) as string;
    const evaluatedAt = later(occurredAt, lower) as string;
    const lowerMs = toMs(lower);
    const atMs = toMs(evaluatedAt);

    // What `before` says, read from the draft before the event changes it.
    index.settle(before, lowerMs, definition);
    const summaryBefore = summaryOf(before, index, index.walk.clone());
    const viewBefore = settledView(summaryBefore, atMs, definition);
    const lastPurchase = before.purchases[before.purchases.length - 1];
    const pendingComplaints = index.complaints.pending();
    const subjectId = subjectIdOf(event);
    const openQuotes = openAround(index.quotes, before.quotes, subjectId);
    const openPromises = openAround(index.promises, before.promises, subjectId);
    const lengths = { quotes: before.quotes.length, promises: before.promises.length };
    const known = subjectId === null ? null : knownFacts(before, index, subjectId, atMs, definition);

    this.folding.apply(event);
    const after = this.folding.state as CustomerProfileState;
    index.applied(after, event, occurredAt);
    this.until = evaluatedAt;

    const context: Context = { state: after, definition, globalPosition: event.globalPosition };
    const summaryAfter = summaryOf(after, index);
    const viewAfter = settledView(summaryAfter, atMs, definition);
    const found: (Insight | null)[] = [];
    if (atMs > lowerMs) {
      // Instants before the event's own see `before` (everything in it occurred by `lower`); the event's sees `after`.
      const viewAt = (ms: number) => settledView(ms < atMs ? summaryBefore : summaryAfter, ms, definition);
      found.push(...departureInWindow(context, summaryBefore, lowerMs, atMs));
      // A complaint resolved before `lower` was resolved before its deadline could fall in the window; a retired
      // one's deadline is at or before `lower`.
      for (const position of pendingComplaints) {
        const complaint = after.complaints[position] as FiledComplaint;
        const deadline = complaintDeadline(complaint, definition);
        if (inWindow(deadline + 1, lowerMs, atMs) && notResolvedBy(complaint, deadline)) found.push(breachInsight(context, complaint));
      }
      found.push(...atRiskInWindow(context, { lastPurchase, openComplaints: pendingComplaints }, lowerMs, atMs, viewAt));
      const pick = <T>(list: readonly T[], open: readonly number[], length: number): T[] => [
        ...open.map((position) => list[position]),
        ...list.slice(length),
      ];
      const quotes = pick(after.quotes, openQuotes, lengths.quotes);
      const promises = pick(after.promises, openPromises, lengths.promises);
      if (quotes.length > 0 || promises.length > 0) {
        found.push(...missesDue({ ...context, state: { ...after, quotes, promises } }, lowerMs, atMs).map((due) => due.resolve()));
      }
    }
    if (known !== null) found.push(...newlyTrue(context, index, known, subjectId as string, atMs));
    found.push(...viewChanges(context, event, viewBefore, viewAfter, definition));
    return orderedInsights(found);
  }
}

/**
 * The open subjects that may be missed after `lower` (pending, or the event's), with every open subject under the
 * same ids: missed or not, those decide which fact a miss is (its key, its first moment) exactly as among all
 * subjects. The others are all missed already, so they add nothing new. Positions ascending.
 */
function openAround<T extends QuoteRecord | PromiseRecord>(index: SubjectIndex<T>, list: readonly T[], subjectId: string | null): number[] {
  const ids = new Set(index.pending().map((position) => index.idOf(list[position])));
  if (subjectId !== null) ids.add(subjectId);
  return [...ids].flatMap((id) => index.positions(id).filter((position) => index.isOpenAt(position))).sort((a, b) => a - b);
}

/** The later of two normalised ISO instants (null counts as earliest). */
const later = (a: string | null, b: string | null): string | null => (a === null ? b : b === null || a >= b ? a : b);

// ---------------------------------------------------------------------------------------------------------------
// Time-caused facts in the window (lower, at] that an in-order event closes
// ---------------------------------------------------------------------------------------------------------------

/** Only the last purchase before the window can lapse in it: every earlier one was followed by a fact before it. */
function departureInWindow(context: Context, before: SettledSummary, lowerMs: number, atMs: number): Insight[] {
  const walk = before.walk.clone();
  const phase = walk.phase;
  walk.departIfInactive(atMs);
  const transition = walk.lastTransition;
  if (walk.phase !== 'departed' || phase === 'departed' || transition === null || transition.cause !== 'inactivity') return [];
  const departedMs = toMs(transition.at);
  if (!inWindow(departedMs + 1, lowerMs, atMs)) return [];
  return [
    factInsight(context, 'lifecycle-phase-changed', `departed:${transition.cycle}:${transition.at}`, departedMs, accountManagerAt(context, departedMs + 1), {
      from: transition.from,
      to: transition.to,
      cycle: transition.cycle,
      cause: transition.cause,
    }),
  ];
}

/** The last purchase before the event and the positions of the complaints open before it. */
type AtRiskCandidates = Readonly<{ lastPurchase: { occurredAt: string } | undefined; openComplaints: readonly number[] }>;

/**
 * The purchase gap of the last purchase and open complaints becoming overdue (atRiskDue in time-caused-insights.ts);
 * a complaint the event resolves is judged by its resolution, the gap by the event when it is the next purchase.
 */
function atRiskInWindow(
  context: Context,
  candidates: AtRiskCandidates,
  lowerMs: number,
  upperMs: number,
  viewAt: (ms: number) => InsightView | null,
): Insight[] {
  const { state, definition } = context;
  const starts = new Map<number, Set<AtRiskReason>>();
  const add = (ms: number, reason: AtRiskReason) => {
    if (inWindow(ms, lowerMs, upperMs)) starts.set(ms, (starts.get(ms) ?? new Set()).add(reason));
  };
  const gapMs = definition.departAfterDays * definition.purchaseGapFraction * DAY_MS;
  const targetMs = definition.complaintTargetHours * HOUR_MS;
  if (candidates.lastPurchase !== undefined) {
    const opens = toMs(candidates.lastPurchase.occurredAt) + Math.floor(gapMs) + 1;
    const next = state.purchases[state.purchases.length - 1];
    if (next === candidates.lastPurchase || toMs(next.occurredAt) > opens) add(opens, 'purchase-gap');
  }
  for (const position of candidates.openComplaints) {
    const complaint = state.complaints[position] as FiledComplaint;
    const overdue = toMs(complaint.filedAt) + Math.floor(targetMs) + 1;
    if (notResolvedBy(complaint, overdue)) add(overdue, 'complaint-overdue');
  }
  return [...starts].flatMap(([ms, reasons]) => {
    const view = viewAt(ms);
    if (view === null || !view.reasons.some((reason) => reasons.has(reason))) return [];
    const newReasons = grownReasonsOf(viewAt(ms - 1), view);
    if (!newReasons.some((reason) => reasons.has(reason))) return [];
    return [
      factInsight(context, 'customer-at-risk', `at-risk:${isoFromMs(ms - 1)}:${newReasons.join('+')}`, ms - 1, accountManagerAt(context, ms), {
        reasons: view.reasons,
        newReasons,
      }),
    ];
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Facts an event about a complaint, quote or promise reveals (factsNewlyTrue in insights.ts)
// ---------------------------------------------------------------------------------------------------------------

type KnownFacts = Readonly<{ breaches: ReadonlySet<string>; misses: ReadonlySet<string> }>;

/** Only the records under the event's id differ between before and after, so the difference is among them. */
function recordsOf(state: CustomerProfileState, index: CustomerInsightIndex, id: string): CustomerProfileState {
  return {
    ...state,
    complaints: index.complaints.positions(id).map((position) => state.complaints[position]),
    quotes: index.quotes.positions(id).map((position) => state.quotes[position]),
    promises: index.promises.positions(id).map((position) => state.promises[position]),
  };
}

const breachedAt = (state: CustomerProfileState, ms: number, definition: CustomerDefinition): FiledComplaint[] =>
  state.complaints.filter((complaint): complaint is FiledComplaint => {
    if (complaint.filedAt === null) return false;
    const deadline = complaintDeadline(complaint as FiledComplaint, definition);
    return deadline < ms && notResolvedBy(complaint, deadline);
  });

function knownFacts(before: CustomerProfileState, index: CustomerInsightIndex, id: string, atMs: number, definition: CustomerDefinition): KnownFacts {
  const records = recordsOf(before, index, id);
  return { breaches: new Set(breachedAt(records, atMs, definition).map(breachKey)), misses: new Set(missedAt(records, atMs).keys()) };
}

function newlyTrue(context: Context, index: CustomerInsightIndex, known: KnownFacts, id: string, atMs: number): Insight[] {
  const records = recordsOf(context.state, index, id);
  const found: Insight[] = [];
  for (const complaint of breachedAt(records, atMs, context.definition)) {
    if (!known.breaches.has(breachKey(complaint))) found.push(breachInsight(context, complaint));
  }
  for (const [key, missed] of missedAt(records, atMs)) {
    if (!known.misses.has(key)) found.push(missInsight(context, missed, atMs, records));
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Event-caused: the two views at the evaluation instant (viewChanges in insights.ts)
// ---------------------------------------------------------------------------------------------------------------

function viewChanges(
  context: Context,
  event: StoredCustomerEvent,
  previous: InsightView | null,
  current: InsightView | null,
  definition: CustomerDefinition,
): Insight[] {
  const managers = context.state.accountManagers;
  const accountManager = current === null ? null : (managers[managers.length - 1]?.employeeId ?? null);
  const insight = eventCausedInsight(context.state.customerId, event, accountManager);
  const insights: Insight[] = [];
  if (current !== null) {
    const fromPhase = previous?.phase ?? null;
    if (current.phase !== fromPhase) {
      insights.push(insight('lifecycle-phase-changed', { from: fromPhase, to: current.phase, cycle: current.cycle, cause: current.lastTransition?.cause ?? null }));
    }
    const previousStatus = previous?.status ?? null;
    if (current.status === 'loyal' && previousStatus !== 'loyal') {
      insights.push(insight('customer-became-loyal', { purchaseCount: current.purchaseCount, cycle: current.cycle, previousStatus }));
    }
    const newReasons = grownReasonsOf(previous, current);
    if (newReasons.length > 0) insights.push(insight('customer-at-risk', { reasons: current.reasons, newReasons }));
  }
  const detractor = detractorData(event, definition);
  if (detractor) insights.push(insight('detractor-responded', detractor));
  return insights;
}

// ---------------------------------------------------------------------------------------------------------------
// The next time-caused insight of a settled state (nextDueAt in insights.ts)
// ---------------------------------------------------------------------------------------------------------------

/**
 * `nextDueAt(state, after)` for `after` at or after every fact of `state`: then only the walk's last purchase (its
 * gap, its lapse) and the open subjects have anything ahead of them. For an earlier `after`, the whole-view rules.
 */
export function nextInsightDueAt(state: CustomerProfileState, after: string, definition: CustomerDefinition): string | null {
  return nextDueOf(state, CustomerInsightIndex.of(state, definition), normaliseIso(after, 'after'), definition);
}

function nextDueOf(state: CustomerProfileState, index: CustomerInsightIndex, after: string, definition: CustomerDefinition): string | null {
  if (state.lastTouchpointAt === null || after < state.lastTouchpointAt) return nextDueAt(state, after, definition);
  const lowerMs = toMs(after);
  const context: Context = { state, definition, globalPosition: state.lastPosition };
  index.settle(state, lowerMs, definition);
  const summary = summaryOf(state, index);
  let earliest = Infinity;
  const consider = (ms: number) => {
    if (ms < earliest) earliest = ms;
  };
  const departure = departureInWindow(context, summary, lowerMs, FAR_FUTURE_MS)[0];
  if (departure !== undefined) consider(toMs(departure.time) + 1);
  const pendingComplaints = index.complaints.pending();
  for (const position of pendingComplaints) {
    const deadline = complaintDeadline(state.complaints[position] as FiledComplaint, definition);
    if (inWindow(deadline + 1, lowerMs, FAR_FUTURE_MS)) consider(deadline + 1);
  }
  const viewAt = (ms: number) => settledView(summary, ms, definition);
  const lastPurchase = state.purchases[state.purchases.length - 1];
  const atRisk = atRiskInWindow(context, { lastPurchase, openComplaints: pendingComplaints }, lowerMs, FAR_FUTURE_MS, viewAt);
  for (const insight of atRisk) consider(toMs(insight.time) + 1);
  const subjects = {
    ...state,
    quotes: openAround(index.quotes, state.quotes, null).map((position) => state.quotes[position]),
    promises: openAround(index.promises, state.promises, null).map((position) => state.promises[position]),
  };
  for (const due of missesDue({ ...context, state: subjects }, lowerMs, FAR_FUTURE_MS)) consider(due.dueMs);
  return earliest === Infinity ? null : isoFromMs(earliest);
}
