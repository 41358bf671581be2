import type { Pool } from 'pg';
import {
  DEFAULT_CUSTOMER_DEFINITION,
  InvalidCustomerDefinitionError,
  parseCustomerDefinition,
  type CustomerDefinition,
} from '@klantcentraal/domain';
import { READ_MODEL_SCHEMA, qualified, type Queryable } from '../read-model-schema';

/**
 * The versioned customer definition, stored in `read_models.customer_definitions` (version 1 = the default, seeded
 * by the migration). The active definition is the highest version.
 *
 * Who uses it:
 * - queries view profiles with the active definition (state holds facts, so a new definition applies to profiles
 *   and segments at once);
 * - writers derive the stored phase history and the profile's phase columns with the definition active when they
 *   run, and stamp `definition_version`. After `setCustomerDefinition`, REBUILD the projections (replay from
 *   position 0) to re-derive every customer's phase history with the new version; until then lifecycle counts
 *   answer with the old version's phases.
 *
 * This table is configuration, not a projection's output: a rebuild must keep it (it is in no projection's
 * `tables`).
 */
export const CUSTOMER_DEFINITIONS_TABLE = 'customer_definitions';

/** Gives the definition to use; writers call it with the runner's transaction, queries with the pool. */
export type CustomerDefinitionProvider = (db: Queryable) => Promise<CustomerDefinition>;

const table = () => qualified(READ_MODEL_SCHEMA, CUSTOMER_DEFINITIONS_TABLE);

/** The highest stored version; the default definition when none is stored. */
export const activeCustomerDefinition: CustomerDefinitionProvider = async (db) => {
  const { rows } = await db.query<{ definition: unknown }>(
    `SELECT definition FROM ${table()} ORDER BY version DESC LIMIT 1`,
  );
  return rows.length === 0 ? DEFAULT_CUSTOMER_DEFINITION : parseCustomerDefinition(rows[0].definition);
};

/** A provider that always gives `definition` (a configuration override, or tests). */
export const fixedCustomerDefinition =
  (definition: CustomerDefinition): CustomerDefinitionProvider =>
  async () =>
    definition;

/** Every stored version, oldest first. */
export async function listCustomerDefinitions(
  db: Queryable,
): Promise<{ version: number; definition: CustomerDefinition; createdAt: string }[]> {
  const { rows } = await db.query<{ version: number; definition: unknown; created_at: Date }>(
    `SELECT version, definition, created_at FROM ${table()} ORDER BY version`,
  );
  return rows.map((row) => ({
    version: row.version,
    definition: parseCustomerDefinition(row.definition),
    createdAt: row.created_at.toISOString(),
  }));
}

/**
 * Stores a new version of the customer definition and makes it the active one. The input is validated with
 * `parseCustomerDefinition` (settings left out keep their defaults); its `version` must be higher than the active
 * version, or an InvalidCustomerDefinitionError names `version`.
 *
 * Profiles and segments use it from the next request. The derived tables (phase history, the profile's phase
 * columns) keep the version that produced them until the projections are rebuilt — request a rebuild afterwards.
 */
export async function setCustomerDefinition(pool: Pool, input: unknown): Promise<CustomerDefinition> {
  const definition = parseCustomerDefinition(input);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Two admins at once: the second waits, then sees the first's version.
    await client.query(`LOCK TABLE ${table()} IN EXCLUSIVE MODE`);
    const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${table()}`);
    const active = rows[0]?.version ?? 0;
    if (definition.version <= active) {
      throw new InvalidCustomerDefinitionError([
        { path: 'version', message: `must be greater than the active version ${active}, got ${definition.version}` },
      ]);
    }
    await client.query(`INSERT INTO ${table()} (version, definition) VALUES ($1, $2::jsonb)`, [
      definition.version,
      JSON.stringify(definition),
    ]);
    await client.query('COMMIT');
    return definition;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
