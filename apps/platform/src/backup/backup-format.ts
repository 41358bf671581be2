/**
 * The backup file: gzip of JSON Lines. Line 1 is the header; then, per table, a `{ "table" }` line followed by one
 * line per row (`row_to_json` of the row: bytea as `\x…` hex, timestamps with offset — exactly what
 * `json_populate_recordset` reads back). Only what cannot be rebuilt is in it: events and their hash-chain heads,
 * wrapped data keys (never the key-encryption key), the erasure ledger, the access log, customer definitions.
 */
export const BACKUP_FORMAT = 'klantcentraal-backup';
export const BACKUP_VERSION = 1;

export type BackupHeader = Readonly<{
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  /** The global position of the last event in the snapshot. */
  headPosition: number;
  /** Rows per table, to check the file is complete. */
  rows: Readonly<Record<string, number>>;
}>;

/**
 * In restore order. `seeded`: the migrations insert rows of their own (singletons, the default definition), which
 * the backup's rows replace. `serial`: a BIGSERIAL column whose sequence must follow the restored ids.
 */
export const BACKUP_TABLES: readonly Readonly<{ name: string; orderBy: string; seeded?: boolean; serial?: string }>[] = [
  { name: 'event_store.global_position', orderBy: 'id', seeded: true },
  { name: 'event_store.streams', orderBy: 'stream' },
  { name: 'event_store.events', orderBy: 'global_position' },
  { name: 'privacy.key_generation', orderBy: 'id', seeded: true },
  { name: 'privacy.data_keys', orderBy: 'created_at, key_id' },
  { name: 'privacy.erasures', orderBy: 'erased_at, erasure_id' },
  { name: 'privacy.access_log', orderBy: 'id', serial: 'id' },
  { name: 'privacy.store_encryption', orderBy: 'run_at' },
  { name: 'read_models.customer_definitions', orderBy: 'version', seeded: true },
];

/** Tables whose rows make a database "not empty" for a restore. */
export const CONTENT_TABLES = ['event_store.events', 'privacy.data_keys', 'privacy.erasures'] as const;

export type Progress = (message: string) => void;
