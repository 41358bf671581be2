/**
 * Helpers for the read-model specs (not exported from the lib's index): an event log that hands out positions the
 * way the store does, a test database with the read-model schema, and projection batches applied the way the
 * runner applies them (one transaction per batch).
 */
import type { Pool } from 'pg';
import {
  customerStreamName,
  SCHEMA_VERSION,
  type CustomerEvent,
  type CustomerEventType,
  type RecordedBy,
  type StoredCustomerEvent,
} from '@klantcentraal/domain';
import { toEventToAppend, type DemoDataSet } from '@klantcentraal/demo-data';
import type { EventToAppend, RecordedEvent } from '@klantcentraal/event-store';
import { runMigrations } from '@klantcentraal/postgres';
import type { Projection } from '@klantcentraal/projections';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { READ_MODEL_MIGRATIONS } from '../read-models.migrations';
import { READ_MODEL_SCHEMA } from '../read-model-schema';
import { toStoredCustomerEvent } from '../recorded-event';

export type DataOf<T extends CustomerEventType> = Extract<CustomerEvent, { type: T }>['data'];

const RECORDER: RecordedBy = { userId: 'u-spec', department: 'service' };

/** Builds RecordedEvents as the PostgreSQL store returns them: positions ascend across streams, revisions per stream. */
export class EventLog {
  readonly events: RecordedEvent[] = [];
  private position = 0;
  private readonly revisions = new Map<string, number>();

  constructor(firstPosition = 1) {
    this.position = firstPosition - 1;
  }

  event<T extends CustomerEventType>(customerId: string, type: T, data: DataOf<T>, occurredAt: string): RecordedEvent {
    const eventId = `00000000-0000-4000-8000-${String(this.position + 1).padStart(12, '0')}`;
    const metadata = { occurredAt: new Date(occurredAt).toISOString(), recordedBy: RECORDER, schemaVersion: SCHEMA_VERSION, customerId };
    return this.append(customerId, { eventId, type, data: data as Record<string, unknown>, metadata });
  }

  /** A customer's events with the customer id bound. */
  customer(customerId: string) {
    return <T extends CustomerEventType>(type: T, data: DataOf<T>, occurredAt: string) => this.event(customerId, type, data, occurredAt);
  }

  /** Every customer of a demo data set, stored as `loadDemoData` stores them (each stream in one piece, or interleaved). */
  static fromDemoData(set: DemoDataSet, options: Readonly<{ interleave?: boolean }> = {}): EventLog {
    const log = new EventLog();
    if (!options.interleave) {
      for (const customer of set.customers) {
        for (const event of customer.events) log.append(customer.customerId, toEventToAppend(customer.customerId, event));
      }
      return log;
    }
    // Round robin over the customers, each stream in its own order: batches then mix many customers.
    const cursors = set.customers.map((customer) => ({ customer, next: 0 }));
    while (cursors.some((cursor) => cursor.next < cursor.customer.events.length)) {
      for (const cursor of cursors) {
        const event = cursor.customer.events[cursor.next];
        if (event === undefined) continue;
        cursor.next += 1;
        log.append(cursor.customer.customerId, toEventToAppend(cursor.customer.customerId, event));
      }
    }
    return log;
  }

  private append(customerId: string, event: Pick<EventToAppend, 'eventId' | 'type' | 'data' | 'metadata'>): RecordedEvent {
    const stream = customerStreamName(customerId);
    const revision = this.revisions.get(stream) ?? 0;
    this.revisions.set(stream, revision + 1);
    this.position += 1;
    const recorded: RecordedEvent = {
      eventId: event.eventId,
      stream,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      streamRevision: revision,
      globalPosition: this.position,
      recordedAt: new Date(Date.parse('2030-01-01T00:00:00Z') + this.position * 1000).toISOString(),
    };
    this.events.push(recorded);
    return recorded;
  }
}

/** The log as the domain folds see it. */
export const storedEvents = (events: readonly RecordedEvent[]): StoredCustomerEvent[] =>
  events.map((event) => toStoredCustomerEvent(event)).filter((event): event is StoredCustomerEvent => event !== null);

/** A fresh database with the read-model schema migrated. */
export async function createReadModelDatabase(prefix = 'kc_rm'): Promise<TestDatabase> {
  const db = await createTestDatabase(prefix);
  await runMigrations(db.url, READ_MODEL_MIGRATIONS);
  return db;
}

/** A scratch schema with the projections' tables copied the way a rebuild copies them. */
export async function createScratchSchema(pool: Pool, schema: string, projections: readonly Projection[]): Promise<void> {
  await pool.query(`CREATE SCHEMA "${schema}"`);
  for (const table of projections.flatMap((projection) => projection.tables)) {
    await pool.query(`CREATE TABLE "${schema}".${table} (LIKE ${READ_MODEL_SCHEMA}.${table} INCLUDING ALL)`);
  }
}

/**
 * Applies the events to every projection (each gets only its event types), one transaction per batch as the
 * runner does; `cuts` are the indexes where a new batch starts.
 */
export async function project(
  pool: Pool,
  projections: readonly Projection[],
  events: readonly RecordedEvent[],
  options: Readonly<{ schema?: string; cuts?: readonly number[] }> = {},
): Promise<void> {
  const bounds = [0, ...[...(options.cuts ?? [])].sort((a, b) => a - b).filter((cut) => cut > 0 && cut < events.length), events.length];
  for (let index = 0; index + 1 < bounds.length; index++) {
    const batch = events.slice(bounds[index], bounds[index + 1]);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (const projection of projections) {
        const handled = batch.filter((event) => projection.eventTypes.includes(event.type));
        if (handled.length > 0) await projection.apply(handled, { client, schema: options.schema ?? READ_MODEL_SCHEMA });
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}

/** Every row of a table as JSON text, ordered, for comparing whole tables. */
export async function tableRows(pool: Pool, schema: string, table: string): Promise<string[]> {
  const { rows } = await pool.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM "${schema}".${table} t ORDER BY 1`);
  return rows.map((row) => row.row);
}
