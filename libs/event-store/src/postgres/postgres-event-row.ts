/**
 * How a row of event_store.events is read: the columns selected, the row type, and its mapping onto the port's
 * RecordedEvent. Shared by the store's reads, the hash-chain verification and the EventStoreDB adapter's mapping.
 */
import type { RecordedEvent } from '../event-store.port';

export const EVENT_COLUMNS = `global_position, stream, stream_revision, event_id, type, data, metadata, recorded_at,
  encode(hash, 'hex') AS hash, encode(previous_hash, 'hex') AS previous_hash`;

export const SQL_READ_ALL = `
  SELECT ${EVENT_COLUMNS} FROM event_store.events
  WHERE global_position > $1 ORDER BY global_position LIMIT $2`;

/** SQL_READ_ALL without the hash chain's columns (readAll with `hashes: false`): no hex encoding, no hex parsing. */
export const SQL_READ_ALL_WITHOUT_HASHES = `
  SELECT global_position, stream, stream_revision, event_id, type, data, metadata, recorded_at FROM event_store.events
  WHERE global_position > $1 ORDER BY global_position LIMIT $2`;

export const SQL_READ_STREAM = `
  SELECT ${EVENT_COLUMNS} FROM event_store.events
  WHERE stream = $1 AND stream_revision >= $2
    AND ($3::bigint IS NULL OR global_position <= $3::bigint)
    AND ($4::text[] IS NULL OR type = ANY($4::text[]))
  ORDER BY stream_revision LIMIT $5`;

export type EventRow = {
  global_position: number | string;
  stream: string;
  stream_revision: number;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date | string;
  hash: string | null;
  previous_hash: string | null;
};

/** A row of event_store.events (EVENT_COLUMNS) as the port's RecordedEvent; also what the hash chain is verified on. */
export function toRecorded(r: EventRow): RecordedEvent {
  const event: RecordedEvent = {
    eventId: r.event_id,
    stream: r.stream,
    type: r.type,
    data: r.data,
    metadata: r.metadata,
    streamRevision: r.stream_revision,
    globalPosition: Number(r.global_position),
    recordedAt: (r.recorded_at instanceof Date ? r.recorded_at : new Date(r.recorded_at)).toISOString(),
  };
  return r.hash === null || r.hash === undefined ? event : { ...event, hash: r.hash, previousHash: r.previous_hash ?? undefined };
}
