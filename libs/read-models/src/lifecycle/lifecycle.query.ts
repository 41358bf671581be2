import { LIFECYCLE_PHASES, type LifecyclePhase } from '@klantcentraal/domain';
import { CUSTOMER_PROFILES_TABLE } from '../customer-profile/customer-profile.projection';
import { READ_MODEL_SCHEMA, qualified, type Queryable } from '../read-model-schema';
import { LIFECYCLE_PHASE_HISTORY_TABLE } from './lifecycle-phase-history.writer';

export type LifecycleCounts = Readonly<{ asOf: string; phases: Record<LifecyclePhase, number> }>;

/**
 * How many customers were in each phase at `asOf` (contract `GET /v1/insights/lifecycle`): per customer registered
 * by then, the latest phase transition that had happened. An event's transition has happened at its `at`; a
 * departure by inactivity only after its `at` (more than departAfterDays must have passed), as in the profile view.
 */
export async function lifecyclePhaseCounts(db: Queryable, asOf: string, schema = READ_MODEL_SCHEMA): Promise<LifecycleCounts> {
  const moment = new Date(asOf).toISOString();
  const { rows } = await db.query<{ phase: LifecyclePhase; customers: number }>(
    `SELECT latest.to_phase AS phase, count(*)::int AS customers
     FROM (
       SELECT DISTINCT ON (h.customer_id) h.customer_id, h.to_phase
       FROM ${qualified(schema, LIFECYCLE_PHASE_HISTORY_TABLE)} h
       WHERE h.at < $1::timestamptz OR (h.at = $1::timestamptz AND h.cause <> 'inactivity')
       ORDER BY h.customer_id, h.seq DESC
     ) latest
     JOIN ${qualified(schema, CUSTOMER_PROFILES_TABLE)} p
       ON p.customer_id = latest.customer_id AND p.registered_at <= $1::timestamptz
     GROUP BY latest.to_phase`,
    [moment],
  );
  const phases = Object.fromEntries(LIFECYCLE_PHASES.map((phase) => [phase, 0])) as Record<LifecyclePhase, number>;
  for (const row of rows) phases[row.phase] = row.customers;
  return { asOf: moment, phases };
}
