import type { CustomerProfileState } from '@klantcentraal/domain';
import { qualified, surrogateKey, TABLES, type Queryable } from '../warehouse-schema';
import type { CustomerAttributes, CustomerVersion } from './customer-versions';

/** A dim_customer row as the writer compares it: the version plus its key. */
export type StoredVersion = CustomerAttributes &
  Readonly<{
    customerKey: string;
    customerId: string;
    versionNo: number;
    validFromMs: number;
    validToMs: number;
    definitionVersion: number;
  }>;

export const isoOrInfinity = (ms: number): string => (ms === -Infinity ? '-infinity' : ms === Infinity ? 'infinity' : new Date(ms).toISOString());

/** The key of a version: its customer and where it starts (the natural key of a type-2 row). */
export const customerKeyOf = (customerId: string, validFromMs: number): string => surrogateKey(customerId, isoOrInfinity(validFromMs));

export function toStoredVersions(customerId: string, versions: readonly CustomerVersion[], definitionVersion: number): StoredVersion[] {
  return versions.map((version) => ({ ...version, customerId, customerKey: customerKeyOf(customerId, version.validFromMs), definitionVersion }));
}

export async function loadStates(
  db: Queryable,
  schema: string,
  customerIds: readonly string[],
): Promise<Map<string, { state: CustomerProfileState; definitionVersion: number }>> {
  const { rows } = await db.query<{ customer_id: string; state: CustomerProfileState; definition_version: number }>(
    `SELECT customer_id, state, definition_version FROM ${qualified(schema, TABLES.customerState)} WHERE customer_id = ANY($1::text[])`,
    [customerIds],
  );
  return new Map(rows.map((row) => [row.customer_id, { state: row.state, definitionVersion: row.definition_version }]));
}

export async function saveStates(
  db: Queryable,
  schema: string,
  states: readonly { customerId: string; state: CustomerProfileState }[],
  definitionVersion: number,
): Promise<void> {
  if (states.length === 0) return;
  await db.query(
    `INSERT INTO ${qualified(schema, TABLES.customerState)} (customer_id, state, definition_version)
     SELECT customer_id, state, $3 FROM unnest($1::text[], $2::jsonb[]) AS s(customer_id, state)
     ON CONFLICT (customer_id) DO UPDATE SET state = EXCLUDED.state, definition_version = EXCLUDED.definition_version`,
    [states.map((s) => s.customerId), states.map((s) => JSON.stringify(s.state)), definitionVersion],
  );
}

/** Every stored version of these customers, per customer in time order. */
export async function loadVersions(db: Queryable, schema: string, customerIds: readonly string[]): Promise<Map<string, StoredVersion[]>> {
  const { rows } = await db.query<{
    customer_key: string;
    customer_id: string;
    version_no: number;
    from_ms: number;
    to_ms: number;
    name: string | null;
    size: CustomerAttributes['size'];
    lifecycle_phase: CustomerAttributes['lifecyclePhase'];
    cycle: number;
    loyalty_status: CustomerAttributes['loyaltyStatus'];
    account_manager: string | null;
    definition_version: number;
  }>(
    // Keys as text (they exceed JavaScript's safe integers); instants as epoch ms (±Infinity for the open ends).
    `SELECT customer_key::text AS customer_key, customer_id, version_no,
            (extract(epoch FROM valid_from) * 1000)::float8 AS from_ms, (extract(epoch FROM valid_to) * 1000)::float8 AS to_ms,
            name, size, lifecycle_phase, cycle, loyalty_status, account_manager, definition_version
       FROM ${qualified(schema, TABLES.dimCustomer)} WHERE customer_id = ANY($1::text[]) ORDER BY customer_id, valid_from`,
    [customerIds],
  );
  const byCustomer = new Map<string, StoredVersion[]>();
  for (const row of rows) {
    const version: StoredVersion = {
      customerKey: row.customer_key,
      customerId: row.customer_id,
      versionNo: row.version_no,
      validFromMs: Number(row.from_ms),
      validToMs: Number(row.to_ms),
      name: row.name,
      size: row.size,
      lifecyclePhase: row.lifecycle_phase,
      cycle: row.cycle,
      loyaltyStatus: row.loyalty_status,
      accountManager: row.account_manager,
      definitionVersion: row.definition_version,
    };
    const list = byCustomer.get(row.customer_id);
    if (list) list.push(version);
    else byCustomer.set(row.customer_id, [version]);
  }
  return byCustomer;
}

const sameRow = (a: StoredVersion, b: StoredVersion): boolean =>
  a.versionNo === b.versionNo &&
  a.validFromMs === b.validFromMs &&
  a.validToMs === b.validToMs &&
  a.name === b.name &&
  a.size === b.size &&
  a.lifecyclePhase === b.lifecyclePhase &&
  a.cycle === b.cycle &&
  a.loyaltyStatus === b.loyaltyStatus &&
  a.accountManager === b.accountManager &&
  a.definitionVersion === b.definitionVersion;

export type VersionChange = Readonly<{
  customerId: string;
  /**
   * Facts that occurred at or after this instant (epoch ms) may now belong to another version: the earliest version
   * boundary that differs between the old and the new versions. Before it, every fact keeps its key.
   */
  keysChangedFromMs: number | null;
  /** Earliest start of a version whose row changed in any way (attributes included); null when nothing changed. */
  rowsChangedFromMs: number | null;
}>;

export type VersionDiff = Readonly<{ upserts: readonly StoredVersion[]; deletes: readonly string[]; changes: readonly VersionChange[] }>;

/**
 * What it takes to replace the stored versions of the given customers with the new ones, writing only what differs:
 * rows whose key is gone are deleted, new or changed rows are upserted. `changes` says, per customer, from when the
 * facts' keys (and the rows' attributes) changed, so facts are re-pointed and re-aggregated only where needed.
 */
export function diffVersions(
  next: ReadonlyMap<string, readonly StoredVersion[]>,
  stored: ReadonlyMap<string, readonly StoredVersion[]>,
): VersionDiff {
  const upserts: StoredVersion[] = [];
  const deletes: string[] = [];
  const changes: VersionChange[] = [];
  for (const [customerId, versions] of next) {
    const old = stored.get(customerId) ?? [];
    const oldByKey = new Map(old.map((v) => [v.customerKey, v]));
    const newKeys = new Set(versions.map((v) => v.customerKey));
    let keysChangedFromMs = Infinity;
    let rowsChangedFromMs = Infinity;
    for (const version of versions) {
      const previous = oldByKey.get(version.customerKey);
      if (previous === undefined) keysChangedFromMs = Math.min(keysChangedFromMs, version.validFromMs);
      if (previous === undefined || !sameRow(previous, version)) {
        upserts.push(version);
        rowsChangedFromMs = Math.min(rowsChangedFromMs, version.validFromMs);
      }
    }
    for (const version of old) {
      if (newKeys.has(version.customerKey)) continue;
      deletes.push(version.customerKey);
      keysChangedFromMs = Math.min(keysChangedFromMs, version.validFromMs);
      rowsChangedFromMs = Math.min(rowsChangedFromMs, version.validFromMs);
    }
    if (rowsChangedFromMs !== Infinity) {
      changes.push({
        customerId,
        keysChangedFromMs: keysChangedFromMs === Infinity ? null : keysChangedFromMs,
        rowsChangedFromMs,
      });
    }
  }
  return { upserts, deletes, changes };
}

/** Writes a diff: one DELETE and one multi-row upsert. */
export async function writeVersions(db: Queryable, schema: string, { upserts, deletes }: VersionDiff): Promise<void> {
  const table = qualified(schema, TABLES.dimCustomer);
  if (deletes.length > 0) await db.query(`DELETE FROM ${table} WHERE customer_key = ANY($1::bigint[])`, [deletes]);
  if (upserts.length === 0) return;
  await db.query(
    `INSERT INTO ${table} AS d (customer_key, customer_id, version_no, name, size, lifecycle_phase, cycle, loyalty_status,
                                account_manager, valid_from, valid_to, definition_version)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[],
                          $9::text[], $10::timestamptz[], $11::timestamptz[], $12::int[])
     ON CONFLICT (customer_key) DO UPDATE SET
       version_no = EXCLUDED.version_no, name = EXCLUDED.name, size = EXCLUDED.size,
       lifecycle_phase = EXCLUDED.lifecycle_phase, cycle = EXCLUDED.cycle, loyalty_status = EXCLUDED.loyalty_status,
       account_manager = EXCLUDED.account_manager, valid_to = EXCLUDED.valid_to, definition_version = EXCLUDED.definition_version`,
    [
      upserts.map((v) => v.customerKey),
      upserts.map((v) => v.customerId),
      upserts.map((v) => v.versionNo),
      upserts.map((v) => v.name),
      upserts.map((v) => v.size),
      upserts.map((v) => v.lifecyclePhase),
      upserts.map((v) => v.cycle),
      upserts.map((v) => v.loyaltyStatus),
      upserts.map((v) => v.accountManager),
      upserts.map((v) => isoOrInfinity(v.validFromMs)),
      upserts.map((v) => isoOrInfinity(v.validToMs)),
      upserts.map((v) => v.definitionVersion),
    ],
  );
}

