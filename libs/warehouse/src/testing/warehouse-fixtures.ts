/**
 * Helpers for the warehouse specs (not exported from the lib's index): a database with the event store, the
 * read-model schema (for the customer definition) and the warehouse; envelopes appended as the ingest API stores
 * them; a warehouse runner; whole tables as text for comparisons.
 */
import { customerStreamName, type CustomerEvent, type CustomerEventType, type Department } from '@klantcentraal/domain';
import { toEventToAppend } from '@klantcentraal/demo-data';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { runMigrations } from '@klantcentraal/postgres';
import { PROJECTION_RUNNER_MIGRATIONS, ProjectionRunner, type ProjectorLogger } from '@klantcentraal/projections';
import { READ_MODEL_MIGRATIONS } from '@klantcentraal/read-models';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import type { Pool } from 'pg';
import { WAREHOUSE_MIGRATIONS } from '../warehouse.migrations';
import { createWarehouseProjections } from '../warehouse.projection';
import { WAREHOUSE_SCHEMA } from '../warehouse-schema';

export type DataOf<T extends CustomerEventType> = Extract<CustomerEvent, { type: T }>['data'];

/** An envelope as a client sends it (department: who recorded it; null: no department). */
export type Envelope = CustomerEvent & { eventId: string; occurredAt: string; recordedBy?: { userId: string; department?: Department } };

let eventNumber = 0;

/** Builds envelopes with unique event ids; `department` default marketing-sales, null for none recorded. */
export function envelope<T extends CustomerEventType>(
  type: T,
  data: DataOf<T>,
  occurredAt: string,
  department: Department | null = 'marketing-sales',
): Envelope {
  eventNumber += 1;
  return {
    type,
    data,
    occurredAt,
    eventId: `00000000-0000-4000-8000-${String(eventNumber).padStart(12, '0')}`,
    recordedBy: department === null ? { userId: 'u-spec' } : { userId: 'u-spec', department },
  } as Envelope;
}

export type WarehouseTestEnv = Readonly<{
  db: TestDatabase;
  store: PostgresEventStore;
  runner(options?: { batchSize?: number }): ProjectionRunner;
  /** Appends each customer's events as one stream, in the given (recording) order. */
  append(customers: Readonly<Record<string, readonly Envelope[]>>): Promise<number>;
  close(): Promise<void>;
}>;

export const quietLogger: ProjectorLogger = { log: () => undefined, warn: (m) => console.warn(m), error: (m) => console.error(m) };

export async function warehouseTestEnv(prefix = 'kc_wh'): Promise<WarehouseTestEnv> {
  const db = await createTestDatabase(prefix);
  await runMigrations(db.url, [...EVENT_STORE_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS, ...READ_MODEL_MIGRATIONS, ...WAREHOUSE_MIGRATIONS]);
  const store = new PostgresEventStore(db.pool);
  const runners: ProjectionRunner[] = [];
  return {
    db,
    store,
    runner(options = {}) {
      const runner = new ProjectionRunner({
        pool: db.pool,
        store,
        projections: createWarehouseProjections(),
        schema: WAREHOUSE_SCHEMA,
        batchSize: options.batchSize,
        logger: quietLogger,
      });
      runners.push(runner);
      return runner;
    },
    async append(customers) {
      let last = 0;
      for (const [customerId, events] of Object.entries(customers)) {
        const result = await store.appendToStream(
          customerStreamName(customerId),
          'any',
          events.map((event) => toEventToAppend(customerId, event)),
        );
        last = result.lastPosition;
      }
      return last;
    },
    async close() {
      await Promise.all(runners.map((r) => r.stop()));
      await store.close();
      await db.drop();
    },
  };
}

/** Every row of a table as JSON text, ordered, for comparing whole tables. */
export async function tableRows(pool: Pool, schema: string, table: string): Promise<string[]> {
  const { rows } = await pool.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM "${schema}".${table} t ORDER BY 1`);
  return rows.map((row) => row.row);
}
