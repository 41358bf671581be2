import type { StoredCustomerEvent } from '../events';
import type { CustomerDefinition } from '../read-models/customer-definition';
import type {
  AtRiskReason,
  ComplaintRecord,
  CustomerProfileState,
  LifecyclePhase,
  LoyaltyStatus,
  PromiseRecord,
  QuoteRecord,
} from '../read-models/customer-profile.state';
import { expectationOutcomes, type PhaseTransition, type PhaseTransitionCause } from '../read-models/customer-profile.timeline';
import { DAY_MS, HOUR_MS, compareFacts, isoFromMs, toMs, type OrderedFact } from '../read-models/time';

/**
 * What the insight rules need of a customer, kept up to date event by event instead of re-derived from the whole
 * history (live-insights.ts). Everything here answers questions about a *settled* state: one viewed at an instant
 * at or after every fact it holds, which is how the insight rules view a state whose events arrived in order.
 *
 * - `LifecycleWalk` is `walkLifecycle` (customer-profile.timeline.ts) as a running walk: the same steps, the same
 *   transitions, fed one fact at a time. Its state after the last fact, plus `departIfInactive(instant)`, is the walk
 *   up to any later instant.
 * - `SubjectIndex` finds complaints, quotes and promises by id and keeps the open ones (unresolved, undelivered): only
 *   those can become breached, overdue or missed as time passes.
 * - `settledView` is the part of `viewCustomerProfile` the rules compare (phase, cycle, loyalty), from the walk and
 *   the open complaints: O(open complaints), not O(history).
 *
 * live-insights.equivalence.spec.ts holds all of it to the whole-view rules (insights.ts) over generated histories.
 */

// ---------------------------------------------------------------------------------------------------------------
// The lifecycle, walked one fact at a time
// ---------------------------------------------------------------------------------------------------------------

export type WalkStep = 'registered' | 'purchase' | 'ended';

export class LifecycleWalk {
  phase: LifecyclePhase | null = null;
  cycle = 0;
  /** Purchases of the current cycle (those of the departed cycle while departed). */
  cyclePurchases = 0;
  lastPurchaseMs: number | null = null;
  lastTransition: PhaseTransition | null = null;

  constructor(
    private readonly loyalMs: number,
    private readonly departMs: number,
  ) {}

  static of(definition: CustomerDefinition): LifecycleWalk {
    return new LifecycleWalk(definition.loyalWithinDays * DAY_MS, definition.departAfterDays * DAY_MS);
  }

  clone(): LifecycleWalk {
    return Object.assign(new LifecycleWalk(this.loyalMs, this.departMs), this);
  }

  private enter(to: LifecyclePhase, at: string, cause: PhaseTransitionCause, globalPosition: number | null): void {
    if (this.phase === to) return;
    this.lastTransition = { from: this.phase, to, at, cause, cycle: this.cycle, globalPosition };
    this.phase = to;
  }

  departIfInactive(momentMs: number): void {
    if ((this.phase === 'new-customer' || this.phase === 'loyal-customer') && this.lastPurchaseMs !== null && momentMs - this.lastPurchaseMs > this.departMs) {
      this.enter('departed', isoFromMs(this.lastPurchaseMs + this.departMs), 'inactivity', null);
    }
  }

  /** The next fact in `occurredAt` order (then `streamRevision`): a registration, purchase or relationship end. */
  step(kind: WalkStep, fact: OrderedFact): void {
    const stepMs = toMs(fact.occurredAt);
    this.departIfInactive(stepMs);
    switch (kind) {
      case 'registered':
        if (this.phase === null) {
          this.cycle = 1;
          this.enter('prospect', fact.occurredAt, 'ProspectRegistered', fact.globalPosition);
        }
        return;
      case 'purchase':
        if (this.phase === 'departed') {
          this.cycle += 1;
          this.cyclePurchases = 0;
        }
        this.cycle = Math.max(this.cycle, 1);
        if (this.phase === 'new-customer' || this.phase === 'loyal-customer') {
          if (this.lastPurchaseMs !== null && stepMs - this.lastPurchaseMs <= this.loyalMs) {
            this.enter('loyal-customer', fact.occurredAt, 'PurchaseMade', fact.globalPosition);
          }
        } else {
          this.enter('new-customer', fact.occurredAt, 'PurchaseMade', fact.globalPosition);
        }
        this.cyclePurchases += 1;
        this.lastPurchaseMs = stepMs;
        return;
      case 'ended':
        this.cycle = Math.max(this.cycle, 1);
        this.enter('departed', fact.occurredAt, 'RelationshipEnded', fact.globalPosition);
        return;
    }
  }

  /** The walk over every registration, purchase and relationship end of `state` (without a final departure check). */
  static over(state: CustomerProfileState, definition: CustomerDefinition): LifecycleWalk {
    const walk = LifecycleWalk.of(definition);
    const steps: (OrderedFact & { kind: WalkStep })[] = [
      ...state.registrations.map((fact) => ({ ...fact, kind: 'registered' as const })),
      ...state.purchases.map((fact) => ({ ...fact, kind: 'purchase' as const })),
      ...state.relationshipEnds.map((fact) => ({ ...fact, kind: 'ended' as const })),
    ].sort(compareFacts);
    for (const step of steps) walk.step(step.kind, step);
    return walk;
  }
}

/** The walk step an event is, if it is one. */
export function walkStepOf(event: StoredCustomerEvent): WalkStep | null {
  return event.type === 'ProspectRegistered' ? 'registered' : event.type === 'PurchaseMade' ? 'purchase' : event.type === 'RelationshipEnded' ? 'ended' : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Subjects by id, and the open ones
// ---------------------------------------------------------------------------------------------------------------

type Subject = ComplaintRecord | QuoteRecord | PromiseRecord;

/**
 * Positions in one subject list (which the fold only appends to, never reorders) by id, and the open ones: those
 * still pending, and those retired — open, but with nothing more that time can make of them (a complaint past its
 * target, an expectation already missed), so that a long history of such subjects costs nothing per event.
 */
export class SubjectIndex<T extends Subject> {
  private readonly byId = new Map<string, number[]>();
  private readonly pendingPositions = new Set<number>();
  private readonly retiredPositions = new Set<number>();
  private indexed = 0;

  constructor(
    readonly idOf: (record: T) => string,
    private readonly isOpen: (record: T) => boolean,
  ) {}

  /** Positions of the records under `id`, ascending. */
  positions(id: string): readonly number[] {
    return this.byId.get(id) ?? [];
  }

  /** Open positions not retired, ascending (recording order). */
  pending(): number[] {
    return [...this.pendingPositions].sort((a, b) => a - b);
  }

  isOpenAt(position: number): boolean {
    return this.pendingPositions.has(position) || this.retiredPositions.has(position);
  }

  hasRetired(): boolean {
    return this.retiredPositions.size > 0;
  }

  /** Only for what stays so while the record is open and events arrive in order. */
  retire(position: number): void {
    if (this.pendingPositions.delete(position)) this.retiredPositions.add(position);
  }

  /** Takes in the records appended since the last call and re-checks the records under `id` (the event's subject). */
  refresh(list: readonly T[], id: string | null): void {
    for (; this.indexed < list.length; this.indexed++) {
      const record = list[this.indexed];
      const positions = this.byId.get(this.idOf(record));
      if (positions) positions.push(this.indexed);
      else this.byId.set(this.idOf(record), [this.indexed]);
      if (this.isOpen(record)) this.pendingPositions.add(this.indexed);
    }
    if (id === null) return;
    for (const position of this.positions(id)) {
      if (this.isOpen(list[position])) {
        if (!this.retiredPositions.has(position)) this.pendingPositions.add(position);
      } else {
        this.pendingPositions.delete(position);
        this.retiredPositions.delete(position);
      }
    }
  }
}

export const isOpenComplaint = (complaint: ComplaintRecord): boolean => complaint.filedAt !== null && complaint.resolvedAt === null;

/** Per customer: the running walk and the subject indices, kept in step with the fold's state. */
export class CustomerInsightIndex {
  readonly complaints = new SubjectIndex<ComplaintRecord>((c) => c.complaintId, isOpenComplaint);
  readonly quotes = new SubjectIndex<QuoteRecord>((q) => q.quoteId, (q) => q.sentAt === null);
  readonly promises = new SubjectIndex<PromiseRecord>((p) => p.promiseId, (p) => p.deliveredAt === null);

  private constructor(readonly walk: LifecycleWalk) {}

  static of(state: CustomerProfileState, definition: CustomerDefinition): CustomerInsightIndex {
    const index = new CustomerInsightIndex(LifecycleWalk.over(state, definition));
    index.complaints.refresh(state.complaints, null);
    index.quotes.refresh(state.quotes, null);
    index.promises.refresh(state.promises, null);
    return index;
  }

  /**
   * Retires what time can no longer change by `lowerMs` (at or before every later evaluation instant): complaints
   * whose target has passed (still open, they keep the customer overdue) and expectations already missed (missing
   * is final for events in order: a later adjustment does not count, a late delivery is negative).
   */
  settle(state: CustomerProfileState, lowerMs: number, definition: CustomerDefinition): void {
    const targetMs = Math.floor(definition.complaintTargetHours * HOUR_MS);
    for (const position of this.complaints.pending()) {
      if (toMs(state.complaints[position].filedAt as string) + targetMs + 1 <= lowerMs) this.complaints.retire(position);
    }
    const lower = isoFromMs(lowerMs);
    const missed = (subjects: Pick<CustomerProfileState, 'quotes' | 'promises'>) =>
      expectationOutcomes({ ...state, ...subjects }, lower).some((outcome) => outcome.overdue || outcome.experience === 'negative');
    for (const position of this.quotes.pending()) if (missed({ quotes: [state.quotes[position]], promises: [] })) this.quotes.retire(position);
    for (const position of this.promises.pending()) if (missed({ quotes: [], promises: [state.promises[position]] })) this.promises.retire(position);
  }

  /** After the fold applied `event` in order (it sorts after every fact held): one walk step and the subject it names. */
  applied(state: CustomerProfileState, event: StoredCustomerEvent, occurredAt: string): void {
    const step = walkStepOf(event);
    if (step !== null) this.walk.step(step, { occurredAt, streamRevision: event.streamRevision, globalPosition: event.globalPosition });
    const id = subjectIdOf(event);
    this.complaints.refresh(state.complaints, id);
    this.quotes.refresh(state.quotes, id);
    this.promises.refresh(state.promises, id);
  }
}

/** The complaint, quote or promise id an event is about (an adjustment names its quote or promise). */
export function subjectIdOf(event: StoredCustomerEvent): string | null {
  switch (event.type) {
    case 'ComplaintFiled':
    case 'ComplaintResolved':
      return event.data.complaintId;
    case 'QuoteRequested':
    case 'QuoteSent':
      return event.data.quoteId;
    case 'PromiseMade':
    case 'PromiseDelivered':
      return event.data.promiseId;
    case 'ExpectationAdjusted':
      return event.data.subjectId;
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The view the rules compare
// ---------------------------------------------------------------------------------------------------------------

/** What `viewCustomerProfile` would say of a settled state (only what the insight rules read). */
export type SettledSummary = Readonly<{
  registered: boolean;
  walk: LifecycleWalk;
  lastNpsScore: number | null;
  /** Some complaint is open past its target (retired): the customer is overdue whatever the instant. */
  overdueComplaint: boolean;
  /** `filedAt` (ms) of the other open complaints. */
  pendingComplaintsFiledMs: readonly number[];
}>;

export type InsightView = Readonly<{
  phase: LifecyclePhase;
  cycle: number;
  status: LoyaltyStatus;
  reasons: AtRiskReason[];
  purchaseCount: number;
  /** The last transition of the walk up to the instant (`lifecyclePhaseHistory`'s last), null if none. */
  lastTransition: PhaseTransition | null;
}>;

export function summaryOf(state: CustomerProfileState, index: CustomerInsightIndex, walk = index.walk): SettledSummary {
  return {
    registered: state.registrations.length > 0,
    walk,
    lastNpsScore: state.npsResponses.length === 0 ? null : state.npsResponses[state.npsResponses.length - 1].score,
    overdueComplaint: index.complaints.hasRetired(),
    pendingComplaintsFiledMs: index.complaints.pending().map((position) => toMs(state.complaints[position].filedAt as string)),
  };
}

/** `viewCustomerProfile(state, atMs)` as far as the rules read it, for `atMs` at or after every fact of the state. */
export function settledView(summary: SettledSummary, atMs: number, definition: CustomerDefinition): InsightView | null {
  if (!summary.registered) return null;
  const walk = summary.walk.clone();
  walk.departIfInactive(atMs);
  const phase: LifecyclePhase = walk.phase ?? 'prospect';
  const reasons: AtRiskReason[] = [];
  let status: LoyaltyStatus;
  if (phase === 'departed') status = 'lapsed';
  else if (walk.cyclePurchases === 0) status = 'none';
  else {
    // Same expressions as the view, so the same floating-point thresholds.
    if (summary.lastNpsScore !== null && summary.lastNpsScore <= definition.detractorMaxScore) reasons.push('detractor');
    const targetMs = definition.complaintTargetHours * HOUR_MS;
    if (summary.overdueComplaint || summary.pendingComplaintsFiledMs.some((filedMs) => atMs - filedMs > targetMs)) reasons.push('complaint-overdue');
    if (atMs - (walk.lastPurchaseMs as number) > definition.departAfterDays * definition.purchaseGapFraction * DAY_MS) reasons.push('purchase-gap');
    status = reasons.length > 0 ? 'at-risk' : phase === 'loyal-customer' ? 'loyal' : 'new';
  }
  return { phase, cycle: Math.max(walk.cycle, 1), status, reasons, purchaseCount: walk.cyclePurchases, lastTransition: walk.lastTransition };
}

export const grownReasonsOf = (previous: InsightView | null, current: InsightView): AtRiskReason[] =>
  current.reasons.filter((reason) => !(previous?.reasons ?? []).includes(reason));
