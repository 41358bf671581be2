import { insightWatchState, type CustomerProfileState } from '@klantcentraal/domain';
import { isoOrNull, qualified, type Queryable } from '../read-model-schema';

export const INSIGHT_WATCH_TABLE = 'insight_watch';
/** Shared with the rebuild machinery: a row here means "this schema emits insights" (see the migration). */
export const INSIGHT_EMISSION_TABLE = 'insight_emission';

/** One customer as the insight rules watch it. */
export type WatchedCustomer = Readonly<{
  customerId: string;
  state: CustomerProfileState;
  /** Time-caused insights were reported up to here (null: nothing evaluated yet). */
  checkedUntil: string | null;
  /** The next time-caused insight falls due then (null: nothing pending). */
  wakeAt: string | null;
  /** When the latest event applied to the state was recorded (server time of its append). */
  lastRecorded: string;
}>;

type WatchRow = { customer_id: string; state: CustomerProfileState; checked_until: Date | null; wake_at: Date | null; last_recorded: Date };

const WATCH_COLUMNS = 'customer_id, state, checked_until, wake_at, last_recorded';

const fromRow = (row: WatchRow): WatchedCustomer => ({
  customerId: row.customer_id,
  state: row.state,
  checkedUntil: isoOrNull(row.checked_until),
  wakeAt: isoOrNull(row.wake_at),
  lastRecorded: row.last_recorded.toISOString(),
});

/** Does `schema` emit insights? Only the live schema has the row; a rebuild's replay copy is empty. */
export async function emitsInsights(db: Queryable, schema: string): Promise<boolean> {
  const { rows } = await db.query<{ emits: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${qualified(schema, INSIGHT_EMISSION_TABLE)}) AS emits`);
  return rows[0].emits;
}

/** The stored rows of these customers, and whether `schema` emits insights (one round trip: it is on the live path). */
export async function loadWatchedCustomers(
  db: Queryable,
  schema: string,
  customerIds: readonly string[],
): Promise<{ emits: boolean; watched: Map<string, WatchedCustomer> }> {
  const { rows } = await db.query<WatchRow & { emits: boolean }>(
    `SELECT g.emits, w.customer_id, w.state, w.checked_until, w.wake_at, w.last_recorded
       FROM (SELECT EXISTS (SELECT 1 FROM ${qualified(schema, INSIGHT_EMISSION_TABLE)}) AS emits) g
       LEFT JOIN ${qualified(schema, INSIGHT_WATCH_TABLE)} w ON w.customer_id = ANY($1::text[])`,
    [customerIds],
  );
  const watched = new Map(rows.filter((row) => row.customer_id !== null).map((row) => [row.customer_id, fromRow(row)]));
  return { emits: rows[0].emits, watched };
}

/**
 * The customers whose next time-caused insight is due by `moment`, earliest first; with `recordedBy`, only those
 * whose applied events were all recorded by then.
 */
export async function dueWatchedCustomers(
  db: Queryable,
  schema: string,
  moment: string,
  limit: number,
  recordedBy: string | null = null,
): Promise<WatchedCustomer[]> {
  const { rows } = await db.query<WatchRow>(
    `SELECT ${WATCH_COLUMNS} FROM ${qualified(schema, INSIGHT_WATCH_TABLE)}
      WHERE wake_at <= $1::timestamptz AND ($3::timestamptz IS NULL OR last_recorded <= $3::timestamptz)
      ORDER BY wake_at, customer_id LIMIT $2`,
    [moment, limit, recordedBy],
  );
  return rows.map(fromRow);
}

/** `checked_until` per customer, as far as the table has them. */
export async function checkedUntilOf(db: Queryable, schema: string, customerIds: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ customer_id: string; checked_until: Date }>(
    `SELECT customer_id, checked_until FROM ${qualified(schema, INSIGHT_WATCH_TABLE)}
      WHERE customer_id = ANY($1::text[]) AND checked_until IS NOT NULL`,
    [customerIds],
  );
  return new Map(rows.map((row) => [row.customer_id, row.checked_until.toISOString()]));
}

/**
 * One multi-row upsert of whole rows (the projection: state, checked_until, wake_at). The state is kept as the insight
 * rules need it (`insightWatchState`: no contacts or touchpoint moments) and without personal data.
 */
export async function saveWatchedCustomers(db: Queryable, schema: string, customers: readonly WatchedCustomer[]): Promise<void> {
  if (customers.length === 0) return;
  await db.query(
    `INSERT INTO ${qualified(schema, INSIGHT_WATCH_TABLE)} AS w (${WATCH_COLUMNS}, last_position)
     SELECT r.customer_id, r.state, r.checked_until, r.wake_at, r.last_recorded, (r.state ->> 'lastPosition')::bigint
       FROM jsonb_to_recordset($1::jsonb)
         AS r(customer_id text, state jsonb, checked_until timestamptz, wake_at timestamptz, last_recorded timestamptz)
     ON CONFLICT (customer_id) DO UPDATE
       SET state = EXCLUDED.state, checked_until = EXCLUDED.checked_until, wake_at = EXCLUDED.wake_at,
           last_recorded = EXCLUDED.last_recorded, last_position = EXCLUDED.last_position`,
    [
      JSON.stringify(
        customers.map((c) => ({
          customer_id: c.customerId,
          state: withoutPersonalData(insightWatchState(c.state)),
          checked_until: c.checkedUntil,
          wake_at: c.wakeAt,
          last_recorded: c.lastRecorded,
        })),
      ),
    ],
  );
}

/** One multi-row update of the timer's bookkeeping (the state is left as it is). */
export async function advanceWatchedCustomers(
  db: Queryable,
  schema: string,
  customers: readonly Pick<WatchedCustomer, 'customerId' | 'checkedUntil' | 'wakeAt'>[],
): Promise<void> {
  if (customers.length === 0) return;
  await db.query(
    `UPDATE ${qualified(schema, INSIGHT_WATCH_TABLE)} AS w SET checked_until = r.checked_until, wake_at = r.wake_at
       FROM jsonb_to_recordset($1::jsonb) AS r(customer_id text, checked_until timestamptz, wake_at timestamptz)
      WHERE w.customer_id = r.customer_id`,
    [JSON.stringify(customers.map((c) => ({ customer_id: c.customerId, checked_until: c.checkedUntil, wake_at: c.wakeAt })))],
  );
}

export async function deleteWatchedCustomers(db: Queryable, schema: string, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await db.query(`DELETE FROM ${qualified(schema, INSIGHT_WATCH_TABLE)} WHERE customer_id = ANY($1::text[])`, [customerIds]);
}

/**
 * The state without personal data: company and contact names, e-mail addresses and NPS improvement texts. The insight
 * rules never read them (their payloads carry ids, codes, numbers and timestamps only), so this copy needs no
 * erasure when a data subject is forgotten: the event store and the profile are the places that hold those.
 */
export function withoutPersonalData(state: CustomerProfileState): CustomerProfileState {
  return {
    ...state,
    registrations: state.registrations.map((registration) => ({ ...registration, name: '' })),
    contacts: state.contacts.map((contact) => ({ ...contact, name: '', email: null })),
    npsResponses: state.npsResponses.map((response) => ({ ...response, improvement: null })),
  };
}
