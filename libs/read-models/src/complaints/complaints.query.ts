import { summariseComplaints, type ComplaintSummary, type CustomerDefinition } from '@klantcentraal/domain';
import { inPeriod, periodParameters, type Period } from '../period';
import { READ_MODEL_SCHEMA, isoOrNull, qualified, type Queryable } from '../read-model-schema';
import { COMPLAINTS_TABLE } from './complaints.writer';

/**
 * Complaint figures (contract `GET /v1/insights/complaints`): the complaints FILED in the period, resolved or open
 * as of `asOf` (the moment of the query), against the definition's target — `summariseComplaints` of the domain.
 */
export async function complaintsInsight(
  db: Queryable,
  period: Period,
  asOf: string,
  definition: CustomerDefinition,
  schema = READ_MODEL_SCHEMA,
): Promise<ComplaintSummary> {
  const { rows } = await db.query<{ filed_at: Date; resolved_at: Date | null }>(
    `SELECT filed_at, resolved_at FROM ${qualified(schema, COMPLAINTS_TABLE)}
     WHERE ${inPeriod('filed_at', 1)} AND filed_at <= $3::timestamptz`,
    [...periodParameters(period), new Date(asOf).toISOString()],
  );
  const complaints = rows.map((row) => ({ filedAt: row.filed_at.toISOString(), resolvedAt: isoOrNull(row.resolved_at) }));
  return summariseComplaints(complaints, asOf, definition);
}
