import { expectationOutcomes } from '@klantcentraal/domain';
import { changedIn, type FoldedCustomer } from '../customer-profile/folded-customer';
import { END_OF_TIME, qualified, type Queryable } from '../read-model-schema';

export const EXPERIENCES_TABLE = 'experiences';

/**
 * Rewrites the expectation outcomes (quotes and promises) of every customer whose quotes or promises changed in the
 * batch: `expectationOutcomes` from all known facts. Written by the customer-profile projection.
 */
export async function writeExperiences(db: Queryable, schema: string, customers: readonly FoldedCustomer[]): Promise<void> {
  const changed = customers.filter((customer) => changedIn(customer, ['quotes', 'promises']));
  if (changed.length === 0) return;
  const table = qualified(schema, EXPERIENCES_TABLE);
  await db.query(`DELETE FROM ${table} WHERE customer_id = ANY($1::text[])`, [changed.map((c) => c.customerId)]);
  const rows = changed.flatMap(({ customerId, after }) => {
    const seq = { quote: 0, promise: 0 };
    return expectationOutcomes(after, END_OF_TIME).map((outcome) => ({
      customer_id: customerId,
      kind: outcome.kind,
      seq: seq[outcome.kind]++,
      subject_id: outcome.subjectId,
      since: outcome.since,
      expected_date: outcome.expectedDate,
      delivered_at: outcome.deliveredAt,
      outcome: outcome.experience,
    }));
  });
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO ${table} (customer_id, kind, seq, subject_id, since, expected_date, delivered_at, outcome)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(customer_id text, kind text, seq int, subject_id text,
       since timestamptz, expected_date date, delivered_at timestamptz, outcome text)`,
    [JSON.stringify(rows)],
  );
}
