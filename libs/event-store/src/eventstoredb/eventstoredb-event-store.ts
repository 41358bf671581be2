/**
 * The event-store port over EventStoreDB (`@eventstore/db-client`), for `EVENT_STORE=eventstoredb`. Read models stay
 * in PostgreSQL; this adapter only holds the events. Mapping:
 *
 * - A stream is an EventStoreDB stream of the same name (`customer-<id>`); `streamRevision` is its event number and
 *   the expected revision is EventStoreDB's own optimistic concurrency check (WrongExpectedVersion → conflict).
 * - `globalPosition` is the event's commit position in `$all`: strictly increasing, but with gaps (byte offsets), so
 *   projection lag in events is an estimate here. Needs a server newer than 22.6, which returns positions on stream
 *   reads.
 * - `recordedAt` is the server's `created` time; our metadata is stored as the event's metadata, plus `$kc.payloadHash`
 *   (the idempotency hash), which is taken off again on reading.
 * - Idempotency by event id with our semantics: after an append, every event id is claimed in a stream
 *   `kc-eventid-<id>` holding where it went and its payload hash, so `findByEventIds` finds it in any stream. A retry
 *   of the same ids to the same stream after a crash between append and claim is also deduplicated by EventStoreDB
 *   itself (same event ids, same expectation).
 * - `appendMany` is per stream: EventStoreDB has no atomic write across streams (a conflict on a later stream leaves
 *   the earlier ones written; the error says which).
 * - `subscribeToAll` polls `$all` (catch-up and live alike), so batches are sequential and gap-aware like PostgreSQL's.
 * - No hash chain: the hash covers `globalPosition`, which EventStoreDB assigns only at commit, after the append.
 *   Events carry no `hash`; the audit's verify reports that the store keeps none.
 */
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  ANY,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { IdempotencyConflictError, RevisionConflictError } from '../errors';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  MultiAppendResult,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { idempotencyHash } from '../idempotency';

const CLAIM_PREFIX = 'kc-eventid-';
const CLAIM_TYPE = 'EventIdClaimed';

export type EventStoreDbOptions = Readonly<{
  /** Events per stream read page (default 1000). */
  readPageSize?: number;
  /** Live polling interval of subscribeToAll (default 200 ms). */
  pollIntervalMs?: number;
}>;

type Claim = { stream: string; revision: number; payloadHash: string };
type StoredMetadata = Record<string, unknown> & { $kc?: { payloadHash?: string } };

/** The host part of an `esdb://` / `esdb+discover://` connection string, for messages (never the credentials). */
export function eventStoreDbHost(connectionString: string): string {
  const match = /^esdb(?:\+discover)?:\/\/(?:[^@/]*@)?([^/?]+)/i.exec(connectionString.trim());
  return match ? match[1] : '(unparsable connection string)';
}

export class EventStoreDbEventStore implements EventStore {
  private readonly readPageSize: number;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbOptions = {},
  ) {
    this.readPageSize = options.readPageSize ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
  }

  /**
   * Connects and proves the server answers, retrying for up to `timeoutMs` (default 20 s) — never longer, so a start
   * without a server fails within 30 s with a message naming EventStoreDB and the host.
   */
  static async connect(connectionString: string, options: EventStoreDbOptions & { timeoutMs?: number } = {}): Promise<EventStoreDbEventStore> {
    const host = eventStoreDbHost(connectionString);
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(connectionString);
    } catch (err) {
      throw new Error(`EventStoreDB: invalid EVENTSTORE_CONNECTION_STRING for ${host}: ${(err as Error).message}`);
    }
    const deadline = Date.now() + (options.timeoutMs ?? 20_000);
    for (let attempt = 1; ; attempt++) {
      try {
        for await (const _ of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, deadline: 5_000 })) break;
        return new EventStoreDbEventStore(client, options);
      } catch (err) {
        const left = deadline - Date.now();
        if (left <= 0) {
          await client.dispose().catch(() => undefined);
          throw new Error(`EventStoreDB at ${host} is not reachable (${attempt} attempts): ${(err as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, Math.min(left, 250 * attempt)));
      }
    }
  }

  async appendToStream(stream: string, expectedRevision: ExpectedRevision, events: readonly EventToAppend[]): Promise<AppendResult> {
    if (events.length === 0) throw new TypeError('appendToStream: no events');
    const ids = events.map((e) => e.eventId);
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate) throw new IdempotencyConflictError(`eventId ${duplicate} appears twice in one batch`, [duplicate]);
    const hashes = events.map((e) => idempotencyHash(e.idempotencyPayload));

    const stored = await this.findByEventIds(ids);
    if (stored.length > 0) {
      const byId = new Map(stored.map((e) => [e.eventId, e]));
      const same = events.every((e, i) => byId.get(e.eventId)?.stream === stream && byId.get(e.eventId)?.payloadHash === hashes[i]);
      if (!same) throw new IdempotencyConflictError(`eventId(s) already stored with another payload or stream: ${stored.map((e) => e.eventId).join(', ')}`, stored.map((e) => e.eventId));
      const ordered = events.map((e) => byId.get(e.eventId)!);
      return resultOf(false, ordered);
    }

    let nextRevision: bigint;
    try {
      const result = await this.client.appendToStream(
        stream,
        events.map((e, i) =>
          jsonEvent({ id: e.eventId, type: e.type, data: { ...e.data }, metadata: { ...e.metadata, $kc: { payloadHash: hashes[i] } } }),
        ),
        { expectedRevision: toExpected(expectedRevision) },
      );
      nextRevision = result.nextExpectedRevision;
    } catch (err) {
      if (err instanceof WrongExpectedVersionError) {
        throw new RevisionConflictError(stream, expectedRevision, await this.streamRevision(stream));
      }
      throw err;
    }
    const firstRevision = Number(nextRevision) - events.length + 1;
    const written: RecordedEvent[] = [];
    for await (const e of this.readStream(stream, { fromRevision: firstRevision })) {
      written.push(e);
      if (written.length === events.length) break;
    }
    await Promise.all(
      written.map((e, i) =>
        this.client
          .appendToStream(`${CLAIM_PREFIX}${e.eventId}`, jsonEvent({ type: CLAIM_TYPE, data: { stream, revision: e.streamRevision, payloadHash: hashes[i] } }), {
            expectedRevision: NO_STREAM,
          })
          .catch((err: unknown) => {
            if (!(err instanceof WrongExpectedVersionError)) throw err; // claimed by a concurrent identical append
          }),
      ),
    );
    return resultOf(true, written);
  }

  /** Per stream, in order (EventStoreDB cannot write several streams atomically). */
  async appendMany(appends: readonly StreamAppend[]): Promise<MultiAppendResult> {
    const streams: (AppendResult & { stream: string })[] = [];
    for (const a of appends) {
      try {
        streams.push({ stream: a.stream, ...(await this.appendToStream(a.stream, a.expectedRevision, a.events)) });
      } catch (err) {
        if (streams.length > 0 && err instanceof Error) {
          err.message += ` (EventStoreDB appends per stream: ${streams.map((s) => s.stream).join(', ')} were already written)`;
        }
        throw err;
      }
    }
    const positions = streams.flatMap((s) => [s.firstPosition, s.lastPosition]);
    return {
      written: streams.some((s) => s.written),
      count: appends.reduce((n, a) => n + a.events.length, 0),
      firstPosition: Math.min(...positions),
      lastPosition: Math.max(...positions),
      streams,
    };
  }

  async *readStream(
    stream: string,
    options: { fromRevision?: number; toPosition?: number; types?: readonly string[] } = {},
  ): AsyncIterable<RecordedEvent> {
    const types = options.types ? new Set(options.types) : null;
    let from = BigInt(options.fromRevision ?? 0);
    for (;;) {
      let count = 0;
      try {
        for await (const resolved of this.client.readStream(stream, { fromRevision: from, maxCount: this.readPageSize, direction: FORWARDS })) {
          count++;
          const event = toRecorded(resolved);
          if (!event) continue;
          from = BigInt(event.streamRevision) + 1n;
          if (options.toPosition !== undefined && event.globalPosition > options.toPosition) return;
          if (!types || types.has(event.type)) yield event;
        }
      } catch (err) {
        if (err instanceof StreamNotFoundError) return;
        throw err;
      }
      if (count < this.readPageSize) return;
    }
  }

  async findByEventIds(eventIds: readonly string[]): Promise<readonly (RecordedEvent & { payloadHash: string })[]> {
    const found = await Promise.all(
      [...new Set(eventIds)].map(async (id) => {
        const claim = await this.readClaim(id);
        if (!claim) return null;
        for await (const event of this.readStream(claim.stream, { fromRevision: claim.revision })) {
          return event.eventId === id ? { ...event, payloadHash: claim.payloadHash } : null;
        }
        return null;
      }),
    );
    return found.filter((e): e is RecordedEvent & { payloadHash: string } => e !== null);
  }

  async streamRevision(stream: string): Promise<number | null> {
    try {
      for await (const resolved of this.client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        return resolved.event ? Number(resolved.event.revision) : null;
      }
      return null;
    } catch (err) {
      if (err instanceof StreamNotFoundError) return null;
      throw err;
    }
  }

  async readAll(fromPosition: number, limit: number): Promise<readonly RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    let from = fromPosition;
    // System events and claims are skipped, so read pages until `limit` of ours or the end.
    for (;;) {
      let seen = 0;
      const position = from === 0 ? START : { commit: BigInt(from), prepare: BigInt(from) };
      for await (const resolved of this.client.readAll({ fromPosition: position, maxCount: limit + 1, direction: FORWARDS })) {
        seen++;
        const commit = resolved.event?.position?.commit ?? resolved.commitPosition;
        if (commit === undefined || Number(commit) <= from) continue;
        from = Number(commit);
        const event = toRecorded(resolved);
        if (event) out.push(event);
        if (out.length === limit) return out;
      }
      if (seen <= limit) return out;
    }
  }

  async headPosition(): Promise<number> {
    let position: typeof END | { commit: bigint; prepare: bigint } = END;
    for (;;) {
      let seen = 0;
      for await (const resolved of this.client.readAll({ fromPosition: position, maxCount: 100, direction: BACKWARDS })) {
        seen++;
        const event = toRecorded(resolved);
        if (event) return event.globalPosition;
        if (resolved.event?.position) position = resolved.event.position;
      }
      if (seen < 100) return 0;
    }
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    let stopped = false;
    let wake: (() => void) | null = null;
    const batchSize = options.batchSize ?? 1000;
    const run = async () => {
      let position = options.fromPosition;
      while (!stopped) {
        const events = await this.readAll(position, batchSize);
        if (stopped) return;
        if (events.length > 0) {
          await options.onEvents(events);
          position = events[events.length - 1].globalPosition;
          if (events.length === batchSize) continue;
        }
        options.onCaughtUp?.(position);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.pollIntervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    };
    const done = run();
    return {
      done,
      async stop() {
        stopped = true;
        (wake as (() => void) | null)?.();
        await done.catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async readClaim(eventId: string): Promise<Claim | null> {
    try {
      for await (const resolved of this.client.readStream(`${CLAIM_PREFIX}${eventId}`, { maxCount: 1, direction: FORWARDS, fromRevision: START })) {
        const data = resolved.event?.data as Claim | undefined;
        return data ?? null;
      }
      return null;
    } catch (err) {
      if (err instanceof StreamNotFoundError) return null;
      throw err;
    }
  }
}

function toExpected(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no-stream') return NO_STREAM;
  return BigInt(expected);
}

/** Our event from a resolved EventStoreDB event; null for system events, claims and anything not JSON. */
function toRecorded(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | null {
  const e = resolved.event;
  if (!e || !e.isJson || e.type.startsWith('$') || e.streamId.startsWith('$') || e.streamId.startsWith(CLAIM_PREFIX)) return null;
  const commit = e.position?.commit ?? resolved.commitPosition;
  if (commit === undefined) throw new Error('EventStoreDB returned an event without its $all position: a server newer than 22.6 is needed');
  const { $kc: _internal, ...metadata } = (e.metadata ?? {}) as StoredMetadata;
  return {
    eventId: e.id,
    stream: e.streamId,
    type: e.type,
    data: e.data as Record<string, unknown>,
    metadata,
    streamRevision: Number(e.revision),
    globalPosition: Number(commit),
    recordedAt: e.created.toISOString(),
  };
}

function resultOf(written: boolean, events: readonly RecordedEvent[]): AppendResult {
  return {
    written,
    firstRevision: events[0].streamRevision,
    lastRevision: events[events.length - 1].streamRevision,
    firstPosition: events[0].globalPosition,
    lastPosition: events[events.length - 1].globalPosition,
  };
}
