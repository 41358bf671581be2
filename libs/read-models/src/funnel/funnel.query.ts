import { summariseFunnel, type FunnelSummary, type OpportunityHistory, type OpportunityStage } from '@klantcentraal/domain';
import { READ_MODEL_SCHEMA, qualified, type Queryable } from '../read-model-schema';
import { OPPORTUNITY_STAGES_TABLE } from './funnel.projection';

/** The funnel's default start when a period gives none: before any opportunity. */
export const FUNNEL_BEGINNING = '0001-01-01T00:00:00.000Z';

/**
 * The sales funnel for `[from, to)` (contract `GET /v1/insights/funnel`): opportunities per stage and
 * stage-to-stage conversion, as `summariseFunnel` of the domain defines them. Reads every stage change before `to`
 * (an opportunity's current stage at `to` may have been reached before `from`).
 */
export async function funnelInsight(
  db: Queryable,
  period: Readonly<{ from?: string | null; to: string }>,
  schema = READ_MODEL_SCHEMA,
): Promise<FunnelSummary & { from: string; to: string }> {
  const from = new Date(period.from ?? FUNNEL_BEGINNING).toISOString();
  const to = new Date(period.to).toISOString();
  const { rows } = await db.query<{
    customer_id: string;
    opportunity_id: string;
    stage: OpportunityStage;
    value: number | null;
    occurred_at: Date;
    stream_revision: number;
    global_position: number;
  }>(
    `SELECT customer_id, opportunity_id, stage, value, occurred_at, stream_revision, global_position
     FROM ${qualified(schema, OPPORTUNITY_STAGES_TABLE)}
     WHERE occurred_at < $1::timestamptz
     ORDER BY customer_id, opportunity_id, occurred_at, stream_revision`,
    [to],
  );
  const opportunities: OpportunityHistory[] = [];
  let current: { customerId: string; opportunityId: string; stages: OpportunityHistory['stages'][number][] } | null = null;
  for (const row of rows) {
    if (current === null || current.customerId !== row.customer_id || current.opportunityId !== row.opportunity_id) {
      current = { customerId: row.customer_id, opportunityId: row.opportunity_id, stages: [] };
      opportunities.push(current);
    }
    current.stages.push({
      occurredAt: row.occurred_at.toISOString(),
      streamRevision: row.stream_revision,
      globalPosition: row.global_position,
      stage: row.stage,
      value: row.value,
    });
  }
  return { from, to, ...summariseFunnel(opportunities, from, to) };
}
