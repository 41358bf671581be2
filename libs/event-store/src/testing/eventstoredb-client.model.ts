/**
 * AN IN-MEMORY MODEL of the small part of `@eventstore/db-client`'s EventStoreDBClient that the EventStoreDB adapter
 * uses — NOT a server, and no evidence that a server behaves this way beyond what is written here. It lets the
 * adapter's own logic (claims, hash chain, paging, position handling) run under the event-store contract where no
 * EventStoreDB can be started. The real-server suite (eventstoredb-event-store.int-spec.ts) stays the authority.
 *
 * What is modelled, after the server's documented behaviour (and its AllReader/CheckCommit code):
 * - One log; every event gets `position = { commit: p, prepare: p }` (events of a single gRPC append are implicitly
 *   committed prepares, each with its own position); p grows by the event's size, so positions have gaps.
 * - `appendToStream` with an expected revision: n / NO_STREAM check the events after n first — all ids equal → an
 *   idempotent success that writes nothing; the first equal but not all → WrongExpectedVersion (corrupted
 *   idempotency); otherwise n must be the stream's last revision. ANY and STREAM_EXISTS never dedupe here: the
 *   server does it only best-effort (from a cache of recent ids), so the model takes the worst case, which is what
 *   the adapter must be correct under.
 *   Errors are the real package's WrongExpectedVersionError; a batch is all-or-nothing, one stream only.
 * - `readStream` forwards/backwards from a revision or START/END with maxCount; a missing stream throws the real
 *   StreamNotFoundError when iterated (as the client does). Events carry their `$all` position (server > 22.6).
 * - `readAll` forwards from a position inclusive, backwards from a position exclusive, START/END, maxCount; system
 *   events (`$`-streams) are in `$all` as on a server.
 * Data and metadata are stored as JSON text and parsed on every read (no shared objects), `created` is the append's
 * wall-clock time. Every call yields to the event loop first, so concurrent callers interleave between calls.
 *
 * Test controls (no server has them): `onAppend` runs a hook (e.g. another client's whole append) before an append,
 * `failAppends` rejects matching appends before anything is written (a crash or lost connection at that step), `writeSystemEvent` adds a `$`-stream event, and `alterEvent` / `removeEvent` change
 * history out of band (a tampered backup, a truncated stream) so tests can check the hash chain notices.
 */
import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult as EsdbAppendResult,
  type AppendToStreamOptions,
  type EventData,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { EventStoreDbClient } from '../eventstoredb/eventstoredb-client';

type StoredRecord = {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  position: bigint;
  created: Date;
  dataJson: string;
  metadataJson: string | null;
};

/** Bytes a record takes in the model's log (positions advance by it, as TF log positions do). */
const RECORD_OVERHEAD = 90;

export class EventStoreDbClientModel implements EventStoreDbClient {
  private readonly log: StoredRecord[] = [];
  private readonly streams = new Map<string, StoredRecord[]>();
  private nextPosition = 1_000n;
  private readonly hooks: ((stream: string, events: readonly EventData[]) => Promise<void> | void)[] = [];
  /** The stream of every appendToStream call, in call order (for tests of the adapter's order of writes). */
  readonly appendCalls: string[] = [];
  disposed = false;

  /**
   * Runs `hook` at every append call before anything is decided or written (it may run other calls in between, as a
   * concurrent client would); a throw fails that append with nothing written. Returns the undo.
   */
  onAppend(hook: (stream: string, events: readonly EventData[]) => Promise<void> | void): () => void {
    this.hooks.push(hook);
    return () => void this.hooks.splice(this.hooks.indexOf(hook), 1);
  }

  /** Every append whose stream and events match fails with `error` before writing (a crash at that step). */
  failAppends(match: (stream: string, events: readonly EventData[]) => boolean, error = () => new Error('connection lost (model fault)')): () => void {
    return this.onAppend((stream, events) => {
      if (match(stream, events)) throw error();
    });
  }

  /** A server's own event in `$all` (`$`-stream), which the adapter must skip. */
  writeSystemEvent(stream = '$statsCollected'): void {
    this.write(stream, [{ id: randomUUID(), contentType: 'application/json', type: '$statsCollected', data: { at: Date.now() }, metadata: undefined }]);
  }

  /** Out-of-band change of a stored event's data (no server API does this; a tampered restore could). */
  alterEvent(stream: string, revision: number, data: unknown): void {
    const record = this.streams.get(stream)?.find((r) => r.revision === BigInt(revision));
    if (!record) throw new Error(`model: no event ${stream}@${revision}`);
    record.dataJson = JSON.stringify(data);
  }

  /** Out-of-band removal of one event (as a truncation or scavenge would make it unreadable). */
  removeEvent(stream: string, revision: number): void {
    const records = this.streams.get(stream) ?? [];
    const index = records.findIndex((r) => r.revision === BigInt(revision));
    if (index < 0) throw new Error(`model: no event ${stream}@${revision}`);
    const [record] = records.splice(index, 1);
    this.log.splice(this.log.indexOf(record), 1);
  }

  async appendToStream(streamName: string, events: EventData | EventData[], options: AppendToStreamOptions = {}): Promise<EsdbAppendResult> {
    this.appendCalls.push(streamName);
    await tick();
    const batch = Array.isArray(events) ? events : [events];
    for (const hook of [...this.hooks]) await hook(streamName, batch);
    const records = this.streams.get(streamName) ?? [];
    const current = records.length ? records[records.length - 1].revision : -1n;
    const expected = options.expectedRevision ?? ANY;
    const idempotent = this.idempotentResult(streamName, records, current, expected, batch);
    if (idempotent) return idempotent;
    const conflict = () =>
      new WrongExpectedVersionError(undefined, { streamName, expected, current: current < 0n ? NO_STREAM : current });
    if (expected === NO_STREAM && current !== -1n) throw conflict();
    if (expected === STREAM_EXISTS && current === -1n) throw conflict();
    if (typeof expected === 'bigint' && expected !== current) throw conflict();
    const last = this.write(streamName, batch);
    return { success: true, nextExpectedRevision: last.revision, position: { commit: last.position, prepare: last.position } };
  }

  readStream(streamName: string, options: ReadStreamOptions = {}): AsyncIterable<ResolvedEvent> {
    return this.streamReader(streamName, options);
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<AllStreamResolvedEvent> {
    return this.allReader(options);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  private async *streamReader(streamName: string, options: ReadStreamOptions): AsyncGenerator<ResolvedEvent> {
    await tick();
    const records = this.streams.get(streamName);
    if (!records || records.length === 0) throw new StreamNotFoundError(undefined, streamName);
    const backwards = options.direction === BACKWARDS;
    const from = options.fromRevision ?? (backwards ? END : START);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    let selected = backwards
      ? [...records].reverse().filter((r) => from === END || (from !== START && r.revision <= from))
      : records.filter((r) => from === START || (from !== END && r.revision >= from));
    selected = selected.slice(0, max);
    for (const record of selected) yield this.resolved(record);
  }

  private async *allReader(options: ReadAllOptions): AsyncGenerator<AllStreamResolvedEvent> {
    await tick();
    const backwards = options.direction === BACKWARDS;
    const from = options.fromPosition ?? (backwards ? END : START);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    // Forwards from a position includes the event at it; backwards from a position excludes it (AllReader).
    const selected = backwards
      ? [...this.log].reverse().filter((r) => from === END || (from !== START && r.position < from.commit))
      : this.log.filter((r) => from === START || (from !== END && r.position >= from.commit));
    for (const record of selected.slice(0, max)) yield this.resolved(record) as AllStreamResolvedEvent;
  }

  /** CheckCommit's idempotency for an explicit expectation: the batch's ids already follow the expected revision. */
  private idempotentResult(
    streamName: string,
    records: readonly StoredRecord[],
    current: bigint,
    expected: AppendExpectedRevision,
    batch: readonly EventData[],
  ): EsdbAppendResult | null {
    if (expected === ANY || expected === STREAM_EXISTS) return null; // best-effort on a server: not modelled
    const after = expected === NO_STREAM ? -1n : expected;
    if (after >= current) return null; // nothing after the expectation: the ordinary check decides
    const start = Number(after) + 1;
    const matching = batch.filter((e, i) => records[start + i]?.id === e.id).length;
    if (matching === batch.length) {
      const last = records[start + batch.length - 1];
      return { success: true, nextExpectedRevision: last.revision, position: { commit: last.position, prepare: last.position } };
    }
    throw new WrongExpectedVersionError(undefined, { streamName, expected, current: current < 0n ? NO_STREAM : current });
  }

  private write(streamName: string, batch: readonly EventData[]): StoredRecord {
    const records = this.streams.get(streamName) ?? [];
    this.streams.set(streamName, records);
    const created = new Date();
    let revision = records.length ? records[records.length - 1].revision : -1n;
    let last: StoredRecord | undefined;
    for (const e of batch) {
      if (e.contentType !== 'application/json') throw new Error('model: only JSON events are modelled');
      revision += 1n;
      const dataJson = JSON.stringify(e.data);
      const metadataJson = e.metadata === undefined ? null : JSON.stringify(e.metadata instanceof Uint8Array ? Buffer.from(e.metadata).toString('utf8') : e.metadata);
      last = { streamId: streamName, id: e.id, type: e.type, revision, position: this.nextPosition, created, dataJson, metadataJson };
      this.nextPosition += BigInt(RECORD_OVERHEAD + streamName.length + dataJson.length + (metadataJson?.length ?? 0));
      records.push(last);
      this.log.push(last);
    }
    return last!;
  }

  private resolved(record: StoredRecord): ResolvedEvent {
    const position = { commit: record.position, prepare: record.position };
    return {
      event: {
        streamId: record.streamId,
        id: record.id,
        isJson: true,
        revision: record.revision,
        type: record.type,
        created: new Date(record.created.getTime()),
        data: JSON.parse(record.dataJson),
        metadata: record.metadataJson === null ? undefined : JSON.parse(record.metadataJson),
        position,
      },
      commitPosition: record.position,
    } as ResolvedEvent;
  }
}

/** Lets other callers run between two calls, as network round trips would. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
