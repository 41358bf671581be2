import { lifecyclePhaseHistory, type CustomerDefinition } from '@klantcentraal/domain';
import { changedIn, type FoldedCustomer } from '../customer-profile/folded-customer';
import { END_OF_TIME, qualified, type Queryable } from '../read-model-schema';

export const LIFECYCLE_PHASE_HISTORY_TABLE = 'lifecycle_phase_history';

/**
 * Rewrites the phase history of every customer whose lifecycle facts changed in the batch (or whose rows another
 * definition version produced): `lifecyclePhaseHistory` as of the end of time, so departures by inactivity that lie
 * in the future are stored too and count once their moment has passed (queries filter on `at`).
 * Written by the customer-profile projection, which owns the fold state the history derives from.
 */
export async function writeLifecyclePhaseHistory(
  db: Queryable,
  schema: string,
  customers: readonly FoldedCustomer[],
  definition: CustomerDefinition,
): Promise<void> {
  const changed = customers.filter((customer) =>
    changedIn(customer, ['registrations', 'purchases', 'relationshipEnds'], definition.version),
  );
  if (changed.length === 0) return;
  const table = qualified(schema, LIFECYCLE_PHASE_HISTORY_TABLE);
  await db.query(`DELETE FROM ${table} WHERE customer_id = ANY($1::text[])`, [changed.map((c) => c.customerId)]);
  const rows = changed.flatMap(({ customerId, after }) =>
    lifecyclePhaseHistory(after, END_OF_TIME, definition).map((transition, seq) => ({
      customer_id: customerId,
      seq,
      from_phase: transition.from,
      to_phase: transition.to,
      at: transition.at,
      cause: transition.cause,
      cycle: transition.cycle,
      global_position: transition.globalPosition,
      definition_version: definition.version,
    })),
  );
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO ${table} (customer_id, seq, from_phase, to_phase, at, cause, cycle, global_position, definition_version)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(customer_id text, seq int, from_phase text, to_phase text,
       at timestamptz, cause text, cycle int, global_position bigint, definition_version int)`,
    [JSON.stringify(rows)],
  );
}
