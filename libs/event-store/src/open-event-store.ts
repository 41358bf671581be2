import type { Pool } from 'pg';
import type { EventStore } from './event-store.port';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
import { PostgresEventStore } from './postgres/postgres-event-store';

export type EventStoreSettings = Readonly<{
  eventStore: 'postgres' | 'eventstoredb';
  eventStoreConnectionString: string | null;
}>;

/**
 * The event store EVENT_STORE names, for every service alike (read models stay in PostgreSQL either way). Never a
 * silent fallback: a store that cannot be reached fails the start.
 */
export async function openEventStore(settings: EventStoreSettings, pool: Pool, options: { connectTimeoutMs?: number } = {}): Promise<EventStore> {
  switch (settings.eventStore) {
    case 'postgres':
      return new PostgresEventStore(pool);
    case 'eventstoredb':
      if (!settings.eventStoreConnectionString) throw new Error('EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING');
      return EventStoreDbEventStore.connect(settings.eventStoreConnectionString, { timeoutMs: options.connectTimeoutMs });
    default: {
      const unknown: never = settings.eventStore;
      throw new Error(`EVENT_STORE must be "postgres" or "eventstoredb", got "${String(unknown)}"`);
    }
  }
}
