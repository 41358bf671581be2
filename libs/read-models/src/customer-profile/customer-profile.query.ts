import {
  CUSTOMER_ID_PATTERN,
  viewCustomerProfile,
  viewReadyCustomerProfile,
  type CompanySize,
  type CustomerDefinition,
  type CustomerProfileState,
  type CustomerProfileView,
  type LifecyclePhase,
  type LoyaltyStatus,
  type ReadyCustomerProfile,
} from '@klantcentraal/domain';
import { READ_MODEL_SCHEMA, qualified, type Queryable } from '../read-model-schema';
import { CUSTOMER_PROFILES_TABLE } from './customer-profile.projection';

/**
 * The profile as of `asOf` (contract `GET /v1/customers/{id}`); null when unknown or not registered by then. From the
 * customer's last event on (the usual "now") the small ready-to-serve document answers; an earlier moment, another
 * definition version, or a row without it reads the fold state, which keeps every fact with its occurredAt and so
 * answers any moment, past or present.
 */
export async function findCustomerProfile(
  db: Queryable,
  customerId: string,
  asOf: string,
  definition: CustomerDefinition,
  schema = READ_MODEL_SCHEMA,
): Promise<CustomerProfileView | null> {
  const table = qualified(schema, CUSTOMER_PROFILES_TABLE);
  const { rows } = await db.query<{ ready: ReadyCustomerProfile | null }>(`SELECT ready FROM ${table} WHERE customer_id = $1`, [customerId]);
  if (rows.length === 0) return null;
  const ready = rows[0].ready === null ? undefined : viewReadyCustomerProfile(rows[0].ready, asOf, definition);
  if (ready !== undefined) return ready;
  const full = await db.query<{ state: CustomerProfileState }>(`SELECT state FROM ${table} WHERE customer_id = $1`, [customerId]);
  return full.rows.length === 0 ? null : viewCustomerProfile(full.rows[0].state, asOf, definition);
}

// ---------------------------------------------------------------------------------------------------------------
// Segments
// ---------------------------------------------------------------------------------------------------------------

export type SegmentFilter = Readonly<{
  phase?: LifecyclePhase;
  loyalty?: LoyaltyStatus;
  /** employeeId of the account manager. */
  accountManager?: string;
  size?: CompanySize;
}>;

export const SEGMENT_DEFAULT_LIMIT = 50;
export const SEGMENT_MAX_LIMIT = 500;

export type SegmentPage = Readonly<{ items: CustomerProfileView[]; nextCursor: string | null }>;

/** A cursor that cannot be decoded (the API answers 400 naming `cursor`). */
export class InvalidCursorError extends Error {
  constructor(message = 'is not a cursor this API returned') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

/** Opaque to clients: base64url of the last customer id of the page. */
export const encodeSegmentCursor = (customerId: string): string => Buffer.from(customerId, 'utf8').toString('base64url');

export function decodeSegmentCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError();
  const customerId = Buffer.from(cursor, 'base64url').toString('utf8');
  // Only a customer id round-trips: crafted bytes (NUL, broken UTF-8) never reach a query.
  if (!CUSTOMER_ID_PATTERN.test(customerId) || encodeSegmentCursor(customerId) !== cursor) throw new InvalidCursorError();
  return customerId;
}

/** Does a profile (viewed at the segment's moment) belong to the segment? */
export function matchesSegment(view: CustomerProfileView, filter: SegmentFilter): boolean {
  return (
    (filter.phase === undefined || view.lifecyclePhase === filter.phase) &&
    (filter.loyalty === undefined || view.loyalty.status === filter.loyalty) &&
    (filter.accountManager === undefined || view.accountManager?.employeeId === filter.accountManager) &&
    (filter.size === undefined || view.size === filter.size)
  );
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Earliest instant passed as a threshold; older ones become -infinity (a comparison no stored moment passes). */
const MIN_THRESHOLD_MS = Date.parse('0001-01-01T00:00:00Z');

/**
 * `x < threshold(now, d)` ⟺ `now − x > d` for whole-millisecond timestamps x — the strict "more than d has passed"
 * of the domain rules, with d in (possibly fractional) milliseconds: for integer k, k > d ⟺ k > ⌊d⌋.
 */
function threshold(nowMs: number, durationMs: number): string {
  const ms = nowMs - Math.floor(durationMs);
  return ms < MIN_THRESHOLD_MS ? '-infinity' : new Date(ms).toISOString();
}

export type SegmentCandidate = Readonly<{
  customerId: string;
  state: CustomerProfileState;
  /**
   * true: the SQL filter decided that the customer is in the segment (its derived columns describe it as of `now`).
   * false: SQL could not decide — the customer has events dated after `now`, or its columns were derived under
   * another definition version — and only the view can tell.
   */
  decided: boolean;
}>;

/**
 * The set-based part of the segment query, evaluated at `now` with the definition's numbers: from the columns
 * derived as of each customer's latest event it adds what time passing does since then —
 * - phase: a new or loyal customer whose last purchase lies more than departAfterDays before `now` is departed;
 * - loyalty: lapsed (departed), none (prospect), at-risk (last NPS score ≤ detractorMaxScore, a complaint open for
 *   more than complaintTargetHours, or more than purchaseGapFraction × departAfterDays since the last purchase),
 *   else loyal / new by phase.
 * These are the same rules as viewCustomerProfile (customer-profile.query.int-spec.ts holds them to it). Rows SQL
 * cannot decide are returned undecided, whatever the filter. Ordered by customer id, after `after`.
 */
export async function selectSegmentCandidates(
  db: Queryable,
  options: Readonly<{
    filter: SegmentFilter;
    now: string;
    definition: CustomerDefinition;
    after: string | null;
    limit: number;
    schema?: string;
  }>,
): Promise<SegmentCandidate[]> {
  const { filter, definition } = options;
  const nowMs = Date.parse(options.now);
  const values: unknown[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const now = param(new Date(nowMs).toISOString());
  const version = param(definition.version);
  const departedBefore = param(threshold(nowMs, definition.departAfterDays * DAY_MS));
  const gapBefore = param(threshold(nowMs, definition.departAfterDays * definition.purchaseGapFraction * DAY_MS));
  const overdueBefore = param(threshold(nowMs, definition.complaintTargetHours * HOUR_MS));
  const detractorMax = param(definition.detractorMaxScore);

  const conditions: string[] = [];
  if (filter.phase !== undefined) conditions.push(`ph.phase_now = ${param(filter.phase)}`);
  if (filter.loyalty !== undefined) conditions.push(`lo.loyalty_now = ${param(filter.loyalty)}`);
  if (filter.accountManager !== undefined) conditions.push(`p.account_manager = ${param(filter.accountManager)}`);
  if (filter.size !== undefined) conditions.push(`p.size = ${param(filter.size)}`);
  const decided = `(p.last_occurred_at <= ${now}::timestamptz AND p.definition_version = ${version}::int)`;
  const after = options.after === null ? '' : `AND p.customer_id > ${param(options.after)}`;
  const matches = conditions.length === 0 ? 'TRUE' : `(NOT ${decided} OR (${conditions.join(' AND ')}))`;

  const { rows } = await db.query<{ customer_id: string; state: CustomerProfileState; decided: boolean }>(
    `SELECT p.customer_id, p.state, ${decided} AS decided
     FROM ${qualified(options.schema ?? READ_MODEL_SCHEMA, CUSTOMER_PROFILES_TABLE)} p
     CROSS JOIN LATERAL (
       SELECT CASE
         WHEN p.phase_at_last_event IN ('new-customer', 'loyal-customer')
           AND p.last_purchase_at < ${departedBefore}::timestamptz THEN 'departed'
         ELSE p.phase_at_last_event
       END AS phase_now) ph
     CROSS JOIN LATERAL (
       SELECT CASE
         WHEN ph.phase_now = 'departed' THEN 'lapsed'
         WHEN ph.phase_now = 'prospect' THEN 'none'
         WHEN p.last_nps_score <= ${detractorMax}::int
           OR p.oldest_open_complaint_filed_at < ${overdueBefore}::timestamptz
           OR p.last_purchase_at < ${gapBefore}::timestamptz THEN 'at-risk'
         WHEN ph.phase_now = 'loyal-customer' THEN 'loyal'
         ELSE 'new'
       END AS loyalty_now) lo
     WHERE p.registered_at <= ${now}::timestamptz ${after} AND ${matches}
     ORDER BY p.customer_id
     LIMIT ${param(options.limit)}`,
    values,
  );
  return rows.map((row) => ({ customerId: row.customer_id, state: row.state, decided: row.decided }));
}

/**
 * A page of the segment `filter` evaluated at `now` (contract `GET /v1/customers`): keyset pagination by customer
 * id; `nextCursor` is null on the last page. SQL selects the candidates; each item is the profile view at `now`,
 * and a candidate SQL could not decide is kept only if its view matches.
 */
export async function findCustomerSegment(
  db: Queryable,
  options: Readonly<{
    filter: SegmentFilter;
    now: string;
    definition: CustomerDefinition;
    limit?: number;
    cursor?: string | null;
    schema?: string;
  }>,
): Promise<SegmentPage> {
  const limit = options.limit ?? SEGMENT_DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > SEGMENT_MAX_LIMIT) {
    throw new RangeError(`limit must be an integer from 1 to ${SEGMENT_MAX_LIMIT}, got ${limit}`);
  }
  const now = new Date(options.now).toISOString();
  let after = options.cursor == null ? null : decodeSegmentCursor(options.cursor);
  // One more than a page tells whether another page follows.
  const wanted = limit + 1;
  const items: CustomerProfileView[] = [];
  for (;;) {
    const chunk = wanted - items.length;
    const candidates = await selectSegmentCandidates(db, { ...options, now, after, limit: chunk });
    for (const candidate of candidates) {
      const view = viewCustomerProfile(candidate.state, now, options.definition);
      if (view === null || (!candidate.decided && !matchesSegment(view, options.filter))) continue;
      items.push(view);
      if (items.length === wanted) break;
    }
    if (items.length === wanted || candidates.length < chunk) break;
    after = candidates[candidates.length - 1].customerId;
  }
  if (items.length <= limit) return { items, nextCursor: null };
  const page = items.slice(0, limit);
  return { items: page, nextCursor: encodeSegmentCursor(page[page.length - 1].customerId) };
}
