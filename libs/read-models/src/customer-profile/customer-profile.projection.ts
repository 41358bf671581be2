import {
  CUSTOMER_PROFILE_EVENT_TYPES,
  foldCustomerProfile,
  readyCustomerProfile,
  type CustomerDefinition,
  type CustomerProfileState,
  type ReadyCustomerProfile,
  type StoredCustomerStreamEvent,
  PERSONAL_DATA_ERASED,
} from '@klantcentraal/domain';
import type { RecordedEvent } from '@klantcentraal/event-store';
import type { Projection, ProjectionContext } from '@klantcentraal/projections';
import { writeComplaints, COMPLAINTS_TABLE } from '../complaints/complaints.writer';
import { activeCustomerDefinition, type CustomerDefinitionProvider } from '../customer-definition/customer-definition.store';
import { writeExperiences, EXPERIENCES_TABLE } from '../experience/experience.writer';
import { writeLifecyclePhaseHistory, LIFECYCLE_PHASE_HISTORY_TABLE } from '../lifecycle/lifecycle-phase-history.writer';
import { deleteCustomers, qualified, type Queryable } from '../read-model-schema';
import { customerIdsOfStreams, toStoredCustomerStreamEvents } from '../recorded-event';
import type { FoldedCustomer } from './folded-customer';

export const CUSTOMER_PROFILES_TABLE = 'customer_profiles';

/** The columns of `customer_profiles` a writer sets (`departed_at_last_event` is generated). */
export type CustomerProfileRow = Readonly<{
  customer_id: string;
  state: CustomerProfileState;
  ready: ReadyCustomerProfile | null;
  name: string | null;
  size: string | null;
  account_manager: string | null;
  registered_at: string | null;
  last_occurred_at: string | null;
  last_purchase_at: string | null;
  relationship_ended_at: string | null;
  phase_at_last_event: string | null;
  cycle_at_last_event: number | null;
  last_nps_score: number | null;
  oldest_open_complaint_filed_at: string | null;
  last_position: number;
  definition_version: number;
}>;

/**
 * The row for a fold state: the state itself plus what the profile view says as of the customer's latest
 * `occurredAt` — the moment after which only time passing (no event) changes the profile. Segment queries take
 * these columns as the starting point and add what time passing does (see customer-profile.query.ts).
 */
export function customerProfileRow(state: CustomerProfileState, definition: CustomerDefinition): CustomerProfileRow {
  const ready = readyCustomerProfile(state, definition);
  const view = ready?.view ?? null;
  return {
    customer_id: state.customerId,
    state,
    ready,
    name: view?.name ?? null,
    size: view?.size ?? null,
    account_manager: view?.accountManager?.employeeId ?? null,
    registered_at: state.registrations[0]?.occurredAt ?? null,
    last_occurred_at: state.lastTouchpointAt,
    last_purchase_at: state.purchases[state.purchases.length - 1]?.occurredAt ?? null,
    relationship_ended_at: state.relationshipEnds[state.relationshipEnds.length - 1]?.occurredAt ?? null,
    phase_at_last_event: view?.lifecyclePhase ?? null,
    cycle_at_last_event: view?.cycle ?? null,
    last_nps_score: view?.nps.lastScore ?? null,
    oldest_open_complaint_filed_at: ready?.oldestOpenComplaintFiledAt ?? oldestOpenComplaint(state),
    last_position: state.lastPosition,
    definition_version: definition.version,
  };
}

function oldestOpenComplaint(state: CustomerProfileState): string | null {
  let oldest: string | null = null;
  for (const complaint of state.complaints) {
    if (complaint.filedAt === null || complaint.resolvedAt !== null) continue;
    if (oldest === null || complaint.filedAt < oldest) oldest = complaint.filedAt;
  }
  return oldest;
}

export type CustomerProfileProjectionOptions = Readonly<{ definitionProvider?: CustomerDefinitionProvider }>;

/**
 * Writer of the customer profile and of the read models derived from the same fold state: lifecycle phase history,
 * complaints and experiences. Per batch: ONE query loads the touched customers' states, the batch is folded in
 * memory with `foldCustomerProfile` (linear: one copy per touched list per batch), ONE multi-row upsert writes the profiles, and each derived table is rewritten
 * for the customers whose relevant facts changed (a delete and a multi-row insert each).
 */
export class CustomerProfileProjection implements Projection {
  readonly name = 'customer-profile';
  readonly tables = [CUSTOMER_PROFILES_TABLE, LIFECYCLE_PHASE_HISTORY_TABLE, COMPLAINTS_TABLE, EXPERIENCES_TABLE] as const;
  // Erasures null the personal values the profile holds (contacts, company name, improvement texts).
  readonly eventTypes = [...CUSTOMER_PROFILE_EVENT_TYPES, PERSONAL_DATA_ERASED];
  private readonly definitionProvider: CustomerDefinitionProvider;

  constructor(options: CustomerProfileProjectionOptions = {}) {
    this.definitionProvider = options.definitionProvider ?? activeCustomerDefinition;
  }

  async apply(events: readonly RecordedEvent[], { client, schema }: ProjectionContext): Promise<void> {
    const byCustomer = groupByCustomer(toStoredCustomerStreamEvents(events));
    if (byCustomer.size === 0) return;
    const definition = await this.definitionProvider(client);
    const stored = await loadProfiles(client, schema, [...byCustomer.keys()]);

    const folded: FoldedCustomer[] = [];
    for (const [customerId, customerEvents] of byCustomer) {
      const previous = stored.get(customerId);
      const before = previous?.state ?? null;
      const after = foldCustomerProfile(before, customerEvents, definition);
      const storedDefinitionVersion = previous?.definitionVersion ?? null;
      // Only redeliveries (the fold ignored them) under the same definition: nothing to write.
      if (after === null || (after === before && storedDefinitionVersion === definition.version)) continue;
      folded.push({ customerId, before, after, storedDefinitionVersion });
    }
    if (folded.length === 0) return;

    await upsertProfiles(client, schema, folded.map((customer) => customerProfileRow(customer.after, definition)));
    await writeLifecyclePhaseHistory(client, schema, folded, definition);
    await writeComplaints(client, schema, folded);
    await writeExperiences(client, schema, folded);
  }

  /** Forget the customers of these streams (the runner then replays their streams in order). */
  async resetStreams(streams: readonly string[], { client, schema }: ProjectionContext): Promise<void> {
    await deleteCustomers(client, schema, this.tables, customerIdsOfStreams(streams));
  }
}

function groupByCustomer(events: readonly StoredCustomerStreamEvent[]): Map<string, StoredCustomerStreamEvent[]> {
  const byCustomer = new Map<string, StoredCustomerStreamEvent[]>();
  for (const event of events) {
    const list = byCustomer.get(event.customerId);
    if (list) list.push(event);
    else byCustomer.set(event.customerId, [event]);
  }
  return byCustomer;
}

async function loadProfiles(
  db: Queryable,
  schema: string,
  customerIds: readonly string[],
): Promise<Map<string, { state: CustomerProfileState; definitionVersion: number }>> {
  const { rows } = await db.query<{ customer_id: string; state: CustomerProfileState; definition_version: number }>(
    `SELECT customer_id, state, definition_version FROM ${qualified(schema, CUSTOMER_PROFILES_TABLE)}
     WHERE customer_id = ANY($1::text[])`,
    [customerIds],
  );
  return new Map(rows.map((row) => [row.customer_id, { state: row.state, definitionVersion: row.definition_version }]));
}

const PROFILE_COLUMNS = `customer_id text, state jsonb, ready jsonb, name text, size text, account_manager text,
  registered_at timestamptz, last_occurred_at timestamptz, last_purchase_at timestamptz,
  relationship_ended_at timestamptz, phase_at_last_event text, cycle_at_last_event int, last_nps_score smallint,
  oldest_open_complaint_filed_at timestamptz, last_position bigint, definition_version int`;

const PROFILE_COLUMN_NAMES = PROFILE_COLUMNS.split(',').map((column) => column.trim().split(/\s+/)[0]);

async function upsertProfiles(db: Queryable, schema: string, rows: readonly CustomerProfileRow[]): Promise<void> {
  const updates = PROFILE_COLUMN_NAMES.filter((column) => column !== 'customer_id')
    .map((column) => `${column} = EXCLUDED.${column}`)
    .join(', ');
  await db.query(
    `INSERT INTO ${qualified(schema, CUSTOMER_PROFILES_TABLE)} (${PROFILE_COLUMN_NAMES.join(', ')})
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${PROFILE_COLUMNS})
     ON CONFLICT (customer_id) DO UPDATE SET ${updates}`,
    [JSON.stringify(rows)],
  );
}
