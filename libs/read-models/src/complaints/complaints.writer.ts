import { changedIn, type FoldedCustomer } from '../customer-profile/folded-customer';
import { qualified, type Queryable } from '../read-model-schema';

export const COMPLAINTS_TABLE = 'complaints';

/**
 * Rewrites the complaint rows of every customer whose complaints changed in the batch, straight from the profile
 * fold's complaint list (which knows that an id filed again after its resolution is a new complaint, and that the
 * earliest resolution counts). `filing_seq` is the complaint's index in that list; a resolution without a filing
 * (which the stream rules reject) has no row.
 */
export async function writeComplaints(db: Queryable, schema: string, customers: readonly FoldedCustomer[]): Promise<void> {
  const changed = customers.filter((customer) => changedIn(customer, ['complaints']));
  if (changed.length === 0) return;
  const table = qualified(schema, COMPLAINTS_TABLE);
  await db.query(`DELETE FROM ${table} WHERE customer_id = ANY($1::text[])`, [changed.map((c) => c.customerId)]);
  const rows = changed.flatMap(({ customerId, after }) =>
    after.complaints.flatMap((complaint, filingSeq) =>
      complaint.filedAt === null
        ? []
        : [{ customer_id: customerId, filing_seq: filingSeq, complaint_id: complaint.complaintId, filed_at: complaint.filedAt, resolved_at: complaint.resolvedAt }],
    ),
  );
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO ${table} (customer_id, filing_seq, complaint_id, filed_at, resolved_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb)
       AS r(customer_id text, filing_seq int, complaint_id text, filed_at timestamptz, resolved_at timestamptz)`,
    [JSON.stringify(rows)],
  );
}
