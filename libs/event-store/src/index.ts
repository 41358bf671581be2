export * from './event-store.port';
export * from './errors';
export * from './idempotency';
export * from './idempotent-retry';
export * from './hash-chain';
export { PostgresEventStore, EVENT_STORE_NOTIFY_CHANNEL, toRecorded, EVENT_COLUMNS } from './postgres/postgres-event-store';
export type { PostgresEventStoreOptions, EventRow } from './postgres/postgres-event-store';
export { verifyPostgresEventStore } from './postgres/postgres-chain-verification';
export type {
  BrokenStream,
  StoreVerification,
  StoreVerificationOptions,
  StoreVerificationProgress,
} from './postgres/postgres-chain-verification';
export {
  EVENT_STORE_MIGRATIONS,
  EventStoreSchema1767225600000,
  EventStoreHashChain1767571200000,
} from './postgres/postgres-event-store.migrations';
export { openEventStore, type EventStoreSettings } from './open-event-store';
export { EventStoreDbEventStore, eventStoreDbHost, type EventStoreDbOptions } from './eventstoredb/eventstoredb-event-store';
