/**
 * How a row of event_store.events is read: the columns selected, the row type, and its mapping onto the port's
 * RecordedEvent. Shared by the store's reads, the hash-chain verification and the EventStoreDB adapter's mapping.
 */
import type { RecordedEvent } from '../event-store.port';

/**
 * recorded_at as whole milliseconds since 1970 (int8; truncated, as the driver's Date was): the driver's timestamp
 * parser (a regular expression and a Date per row) was a tenth of reading a long stream, and the events of one append
 * share their time, so toRecorded mostly reuses the ISO text of the row before.
 */
export const EVENT_COLUMNS = `global_position, stream, stream_revision, event_id, type, data, metadata,
  floor(extract(epoch FROM recorded_at) * 1000)::int8 AS recorded_at, encode(hash, 'hex') AS hash, encode(previous_hash, 'hex') AS previous_hash`;

export const SQL_READ_ALL = `
  SELECT ${EVENT_COLUMNS} FROM event_store.events
  WHERE global_position > $1 ORDER BY global_position LIMIT $2`;

/** SQL_READ_ALL without the hash chain's columns (readAll with `hashes: false`): no hex encoding, no hex parsing. */
export const SQL_READ_ALL_WITHOUT_HASHES = `
  SELECT global_position, stream, stream_revision, event_id, type, data, metadata,
    floor(extract(epoch FROM recorded_at) * 1000)::int8 AS recorded_at FROM event_store.events
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
  /** Milliseconds since 1970 (EVENT_COLUMNS; a string of digits where int8 is not parsed), or a timestamp. */
  recorded_at: number | Date | string;
  hash: string | null;
  previous_hash: string | null;
};

/** A row of event_store.events (EVENT_COLUMNS) as the port's RecordedEvent; also what the hash chain is verified on. */
export function toRecorded(r: EventRow): RecordedEvent {
  const recordedAt = recordedAtIso(r.recorded_at);
  const globalPosition = Number(r.global_position);
  // One object literal per shape (no spread of a first one): this runs for every event every reader reads.
  return r.hash === null || r.hash === undefined
    ? { eventId: r.event_id, stream: r.stream, type: r.type, data: r.data, metadata: r.metadata, streamRevision: r.stream_revision, globalPosition, recordedAt }
    : {
        eventId: r.event_id,
        stream: r.stream,
        type: r.type,
        data: r.data,
        metadata: r.metadata,
        streamRevision: r.stream_revision,
        globalPosition,
        recordedAt,
        hash: r.hash,
        previousHash: r.previous_hash ?? undefined,
      };
}

let lastMillis = NaN;
let lastIso = '';

/** `toISOString()` of the recording time, remembered for the next row (the events of one append share it). */
function recordedAtIso(value: number | Date | string): string {
  const millis = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : new Date(value).getTime();
  if (millis !== lastMillis) {
    lastIso = new Date(millis).toISOString();
    lastMillis = millis;
  }
  return lastIso;
}
