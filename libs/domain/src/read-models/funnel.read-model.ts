import { type OpportunityStage, type OpportunityStageChanged, type StoredCustomerEvent } from '../events';
import { compareFacts, insertSorted, normaliseIso, type OrderedFact } from './time';

/**
 * The sales funnel read model (contract `GET /v1/insights/funnel`): per opportunity its stage history, folded from
 * `OpportunityStageChanged`, and a summary per period. Opportunity ids are unique within a customer, so an
 * opportunity is identified by customerId + opportunityId.
 */

/** The main path through the funnel; `lost` can follow any stage and is not part of it. */
export const FUNNEL_STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won'] as const satisfies readonly OpportunityStage[];
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export const FUNNEL_EVENT_TYPES = ['OpportunityStageChanged'] as const;

export type StageChange = OrderedFact & Readonly<{ stage: OpportunityStage; value: number | null }>;

export type OpportunityHistory = Readonly<{
  customerId: string;
  opportunityId: string;
  /** Sorted by `occurredAt`, then `streamRevision`, whatever order they were recorded in. */
  stages: readonly StageChange[];
}>;

/** Folds one stage change into its opportunity's history (`null`: the opportunity's first). Pure. */
export function evolveOpportunity(
  state: OpportunityHistory | null,
  event: StoredCustomerEvent<OpportunityStageChanged>,
): OpportunityHistory {
  const current = state ?? { customerId: event.customerId, opportunityId: event.data.opportunityId, stages: [] };
  if (current.stages.some((change) => change.globalPosition === event.globalPosition)) return current; // redelivery
  const change: StageChange = {
    occurredAt: normaliseIso(event.occurredAt, 'OpportunityStageChanged occurredAt'),
    streamRevision: event.streamRevision,
    globalPosition: event.globalPosition,
    stage: event.data.stage,
    value: event.data.value ?? null,
  };
  return { ...current, stages: insertSorted(current.stages, change, compareFacts) };
}

/** Folds stage changes of any opportunities (other event types are skipped) into one history per opportunity. */
export function replayOpportunities(events: Iterable<StoredCustomerEvent>): OpportunityHistory[] {
  const byKey = new Map<string, OpportunityHistory>();
  for (const event of events) {
    if (event.type !== 'OpportunityStageChanged') continue;
    const key = JSON.stringify([event.customerId, event.data.opportunityId]);
    byKey.set(key, evolveOpportunity(byKey.get(key) ?? null, event));
  }
  return [...byKey.values()];
}

export type FunnelSummary = Readonly<{
  stages: readonly Readonly<{ stage: OpportunityStage; entered: number; reached: number; current: number }>[];
  conversions: readonly Readonly<{ from: FunnelStage; to: FunnelStage; rate: number | null }>[];
}>;

const rank = (stage: OpportunityStage): number => (FUNNEL_STAGES as readonly OpportunityStage[]).indexOf(stage);

/**
 * The funnel for the period [from, to) (by `occurredAt`), one row per stage (the main path, then `lost`):
 * - `entered`: opportunities that moved into the stage during the period (each counted once per stage);
 * - `reached`: opportunities that got at least this far during the period — moved into this stage or a later stage
 *   of the main path (skipping a stage passes through it); for `lost`, the same as `entered`;
 * - `current`: opportunities whose latest stage before `to` is this stage (a snapshot at the end of the period,
 *   including opportunities that did not move during it).
 * `conversions[stage → next].rate` = reached(next) / reached(stage): of the opportunities that got at least as
 * far as a stage in the period, the share that also got at least as far as the next one; `null` when none reached
 * the stage. Reaching the next stage implies reaching this one, so a rate is always 0–1.
 */
export function summariseFunnel(opportunities: readonly OpportunityHistory[], from: string, to: string): FunnelSummary {
  const start = normaliseIso(from, 'from');
  const end = normaliseIso(to, 'to');
  if (start >= end) throw new RangeError(`the period must end after it starts (from ${from}, to ${to})`);

  const all = [...FUNNEL_STAGES, 'lost'] as const;
  const entered = new Map<OpportunityStage, number>(all.map((stage) => [stage, 0]));
  const reached = new Map<OpportunityStage, number>(all.map((stage) => [stage, 0]));
  const current = new Map<OpportunityStage, number>(all.map((stage) => [stage, 0]));

  for (const opportunity of opportunities) {
    const before = opportunity.stages.filter((change) => change.occurredAt < end);
    const latestStage = before[before.length - 1]?.stage;
    if (latestStage !== undefined) current.set(latestStage, (current.get(latestStage) ?? 0) + 1);

    const inPeriod = new Set(before.filter((change) => change.occurredAt >= start).map((change) => change.stage));
    for (const stage of inPeriod) entered.set(stage, (entered.get(stage) ?? 0) + 1);
    if (inPeriod.has('lost')) reached.set('lost', (reached.get('lost') ?? 0) + 1);
    const furthest = Math.max(-1, ...[...inPeriod].map(rank));
    for (let index = 0; index <= furthest; index++) {
      reached.set(FUNNEL_STAGES[index], (reached.get(FUNNEL_STAGES[index]) ?? 0) + 1);
    }
  }

  return {
    stages: all.map((stage) => ({
      stage,
      entered: entered.get(stage) ?? 0,
      reached: reached.get(stage) ?? 0,
      current: current.get(stage) ?? 0,
    })),
    conversions: FUNNEL_STAGES.slice(0, -1).map((stage, index) => {
      const next = FUNNEL_STAGES[index + 1];
      const denominator = reached.get(stage) ?? 0;
      return { from: stage, to: next, rate: denominator === 0 ? null : (reached.get(next) ?? 0) / denominator };
    }),
  };
}
