/**
 * What the EventStoreDB adapter needs of `@eventstore/db-client`: the four calls it makes (so a test can hand it the
 * in-memory model in testing/eventstoredb-client.model.ts instead of a server) and the mapping of a resolved event
 * onto the port's RecordedEvent. The adapter keeps two kinds of bookkeeping streams next to the customers' streams
 * (claims of event ids and the hash chain); they are not events of the log and every read leaves them out.
 */
import {
  BACKWARDS,
  END,
  StreamNotFoundError,
  type AllStreamResolvedEvent,
  type AppendResult as EsdbAppendResult,
  type AppendToStreamOptions,
  type EventData,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { RecordedEvent } from '../event-store.port';

/** The part of EventStoreDBClient the adapter calls; EventStoreDBClient itself satisfies it. */
export interface EventStoreDbClient {
  appendToStream(streamName: string, events: EventData | EventData[], options?: AppendToStreamOptions): Promise<EsdbAppendResult>;
  readStream(streamName: string, options?: ReadStreamOptions): AsyncIterable<ResolvedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<AllStreamResolvedEvent>;
  dispose(): Promise<void>;
}

/** Claim of an event id (eventstoredb-claims.ts): `kc-eventid-<lowercase id>`. */
export const CLAIM_PREFIX = 'kc-eventid-';
/** Hash chain of a stream (eventstoredb-hash-chain.ts): `kc-chain-<stream>`, its event n covers the stream's event n. */
export const CHAIN_PREFIX = 'kc-chain-';

/** Metadata the adapter adds under `$kc` and takes off again on reading (not part of the event, nor of its hash). */
export type AdapterMetadata = Readonly<{
  /** idempotencyHash of the event's idempotency payload. */
  payloadHash: string;
  /** Random per append attempt: tells the attempt that wrote the events from one the server answered idempotently. */
  attempt: string;
}>;
type StoredMetadata = Record<string, unknown> & { $kc?: Partial<AdapterMetadata> };

/** A stored event with what the adapter keeps in its metadata. */
export type StoredEvent = RecordedEvent & { readonly adapter: Partial<AdapterMetadata> };

/** True for streams of ours that are not customer data: system (`$`), claims and chains. */
export const isBookkeepingStream = (stream: string): boolean =>
  stream.startsWith('$') || stream.startsWith(CLAIM_PREFIX) || stream.startsWith(CHAIN_PREFIX);

/** Our event from a resolved EventStoreDB event; null for system events, bookkeeping streams and anything not JSON. */
export function toStored(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | null {
  const e = resolved.event;
  if (!e || !e.isJson || e.type.startsWith('$') || isBookkeepingStream(e.streamId)) return null;
  const commit = e.position?.commit ?? resolved.commitPosition;
  if (commit === undefined) throw new Error('EventStoreDB returned an event without its $all position: a server newer than 22.6 is needed');
  const { $kc, ...metadata } = (e.metadata ?? {}) as StoredMetadata;
  return {
    eventId: e.id,
    stream: e.streamId,
    type: e.type,
    data: e.data as Record<string, unknown>,
    metadata,
    streamRevision: Number(e.revision),
    globalPosition: Number(commit),
    recordedAt: e.created.toISOString(),
    adapter: $kc ?? {},
  };
}

/** The port's event (without the adapter's metadata). */
export function toRecorded(stored: StoredEvent): RecordedEvent {
  const { adapter: _adapter, ...event } = stored;
  return event;
}

/**
 * Up to `maxCount` raw events of a stream from `fromRevision` forwards; empty when the stream does not exist.
 * Bookkeeping streams are read with this too (their events are JSON with the adapter's own data).
 */
export async function readPage(client: EventStoreDbClient, stream: string, fromRevision: number, maxCount: number): Promise<ResolvedEvent[]> {
  const out: ResolvedEvent[] = [];
  try {
    for await (const resolved of client.readStream(stream, { fromRevision: BigInt(fromRevision), maxCount })) out.push(resolved);
  } catch (err) {
    if (!(err instanceof StreamNotFoundError)) throw err;
  }
  return out;
}

/** The last event of a stream (null when it does not exist). */
export async function readLast(client: EventStoreDbClient, stream: string): Promise<ResolvedEvent | null> {
  try {
    for await (const resolved of client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) return resolved;
    return null;
  } catch (err) {
    if (err instanceof StreamNotFoundError) return null;
    throw err;
  }
}
