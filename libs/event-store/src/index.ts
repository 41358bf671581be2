export * from './event-store.port';
export * from './errors';
export * from './idempotency';
export { PostgresEventStore, EVENT_STORE_NOTIFY_CHANNEL } from './postgres/postgres-event-store';
export type { PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { EVENT_STORE_MIGRATIONS, EventStoreSchema1767225600000 } from './postgres/postgres-event-store.migrations';
