/**
 * The event-store port over EventStoreDB (`@eventstore/db-client`), for `EVENT_STORE=eventstoredb`. Read models stay
 * in PostgreSQL; this adapter only holds the events. Mapping:
 *
 * - A stream is an EventStoreDB stream of the same name (`customer-<id>`); `streamRevision` is its event number.
 *   Every append goes to the server with an EXPLICIT expected revision (`any` becomes the revision just read, retried
 *   on a conflict), because the server's idempotent answer to re-sent event ids is exact only then.
 * - `globalPosition` is the event's position in `$all` (an appended event's commit and prepare position are the
 *   same): strictly increasing, but with gaps (byte offsets), so projection lag in events is an estimate here. Needs
 *   a server newer than 22.6, which returns positions on stream reads.
 * - `recordedAt` is the server's `created` time; our metadata is stored as the event's metadata, plus `$kc` (payload
 *   hash, append attempt), which is taken off again on reading.
 * - Idempotency by event id, same answers as the PostgreSQL store: every id is claimed BEFORE the append
 *   (eventstoredb-claims.ts); an id claimed for another stream or payload is a conflict before anything is written.
 *   No duplicate can be written: before appending at expectation e the adapter makes sure none of the batch's ids is
 *   stored between the claims' `fromRevision` and e (so any copy written concurrently sits after e, where the
 *   server's id check at e answers idempotently or with a conflict). `written` is true only for the append whose own
 *   attempt id the stored events carry.
 * - Hash chain (eventstoredb-hash-chain.ts): links in `kc-chain-<stream>`, computed from the events as read back
 *   after each append, healed before every stream read; `readStream` returns `hash`/`previousHash`, `streamHead`
 *   the chain's last link, so the audit verifies as for PostgreSQL.
 * - `appendMany` cannot be atomic (no write across streams in this client): it answers an identical retry of the
 *   whole request, checks every claim and expected revision before writing anything, then appends stream by stream
 *   (eventstoredb-append-many.ts). Only a race after those checks leaves earlier streams written; the error then says
 *   which were and which were not.
 * - `subscribeToAll` polls `$all` (catch-up and live alike), so batches are sequential and gap-aware like PostgreSQL's.
 * - Bookkeeping streams (`kc-eventid-…`, `kc-chain-…`) and system events are never returned by any read.
 */
import { randomUUID } from 'node:crypto';
import { BACKWARDS, END, EventStoreDBClient, FORWARDS, jsonEvent, NO_STREAM, START, WrongExpectedVersionError } from '@eventstore/db-client';
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
import { idempotentAnswer } from '../idempotent-retry';
import { appendManyPerStream } from './eventstoredb-append-many';
import { EventIdClaims, type Claim } from './eventstoredb-claims';
import { readLast, readPage, toRecorded, toStored, type EventStoreDbClient, type StoredEvent } from './eventstoredb-client';
import { EventStoreDbHashChain, type ChainLink } from './eventstoredb-hash-chain';

export type EventStoreDbOptions = Readonly<{
  /** Events per stream read page (default 1000). */
  readPageSize?: number;
  /** Live polling interval of subscribeToAll (default 200 ms). */
  pollIntervalMs?: number;
}>;

/**
 * Rounds an `any` append retries at the revision it lost to before it reports a conflict: each lost round means
 * another append to the stream succeeded, so this only bounds starvation under a storm of writers to one stream.
 */
const MAX_ANY_ROUNDS = 50;
/** Event ids are UUIDs (EventStoreDB's own ids); stored in lower case, as the PostgreSQL store does. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The host part of an `esdb://` / `esdb+discover://` connection string, for messages (never the credentials). */
export function eventStoreDbHost(connectionString: string): string {
  const match = /^esdb(?:\+discover)?:\/\/(?:[^@/]*@)?([^/?]+)/i.exec(connectionString.trim());
  return match ? match[1] : '(unparsable connection string)';
}

export class EventStoreDbEventStore implements EventStore {
  private readonly readPageSize: number;
  private readonly pollIntervalMs: number;
  private readonly claims: EventIdClaims;
  private readonly chain: EventStoreDbHashChain;

  /** `client`: an EventStoreDBClient (see `connect`), or in unit tests the model of its surface. */
  constructor(
    private readonly client: EventStoreDbClient,
    options: EventStoreDbOptions = {},
  ) {
    this.readPageSize = options.readPageSize ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.claims = new EventIdClaims(client, this.readPageSize);
    this.chain = new EventStoreDbHashChain(client, this.readPageSize);
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
    const invalid = events.find((e) => typeof e.eventId !== 'string' || !UUID.test(e.eventId));
    if (invalid) throw new TypeError(`eventId ${String(invalid.eventId)} is not a UUID`);
    const ids = events.map((e) => e.eventId.toLowerCase());
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate) throw new IdempotencyConflictError(`eventId ${duplicate} appears twice in one batch`, [duplicate]);
    const wanted = events.map((e, i) => ({ eventId: ids[i], payloadHash: idempotencyHash(e.idempotencyPayload) }));
    const answer = (found: readonly StoredEvent[]) => this.storedAnswer(stream, expectedRevision, events, found);

    // 1. Existing claims (read together with the revision, which bounds where copies claimed from now on can go).
    const [existing, observed] = await Promise.all([this.claims.read(ids), this.streamRevision(stream)]);
    let claims = existing;
    refuseForeignClaims(stream, wanted, claims);
    // 2. Claimed ids may be stored already (a retry, or a claimer that crashed after appending).
    if (claims.size > 0) {
      const { found } = await this.claims.findInStream(stream, new Set(claims.keys()), lowestFrom(claims));
      if (found.length > 0) return answer(found);
    }
    // 3. Claim the rest; a concurrent claimer may win an id, then its claim holds.
    if (claims.size < ids.length) {
      const fresh = wanted.filter((w) => !claims.has(w.eventId));
      claims = new Map([...claims, ...(await this.claims.claim(fresh, stream, observed === null ? 0 : observed + 1))]);
      refuseForeignClaims(stream, wanted, claims);
    }
    // 4. Append at an explicit expectation after making sure no copy is stored at or below it. Events never change,
    //    so a range found without a copy is not read again: `from` moves past it.
    let from = lowestFrom(claims);
    const attempt = randomUUID();
    const data = events.map((e, i) =>
      jsonEvent({ id: ids[i], type: e.type, data: { ...e.data }, metadata: { ...e.metadata, $kc: { payloadHash: wanted[i].payloadHash, attempt } } }),
    );
    let expectation = expectedRevision === 'any' ? observed : expectedRevision === 'no-stream' ? null : expectedRevision;
    for (let round = 1; ; round++) {
      let actual: number | null;
      const below = expectation === null || expectation < from ? null : await this.claims.findInStream(stream, new Set(ids), from, expectation);
      if (below && below.found.length > 0) return answer(below.found);
      if (below && below.lastRead !== expectation) {
        actual = below.lastRead === null ? await this.streamRevision(stream) : below.lastRead; // the stream is shorter
      } else {
        if (expectation !== null) from = Math.max(from, expectation + 1);
        try {
          const result = await this.client.appendToStream(stream, data, { expectedRevision: expectation === null ? NO_STREAM : BigInt(expectation) });
          return await this.appended(stream, Number(result.nextExpectedRevision) - events.length + 1, ids, attempt);
        } catch (err) {
          if (!(err instanceof WrongExpectedVersionError)) throw err;
          actual = typeof err.actualVersion === 'bigint' ? Number(err.actualVersion) : null;
        }
      }
      // Lost the expectation: the batch may have been stored by a concurrent identical append meanwhile.
      if (actual !== null && actual >= from) {
        const { found } = await this.claims.findInStream(stream, new Set(ids), from, actual);
        if (found.length > 0) return answer(found);
        from = actual + 1;
      }
      if (expectedRevision !== 'any' || round >= MAX_ANY_ROUNDS) throw new RevisionConflictError(stream, expectedRevision, actual);
      expectation = actual;
    }
  }

  /** Per stream, after checks of the whole request (eventstoredb-append-many.ts). */
  appendMany(appends: readonly StreamAppend[]): Promise<MultiAppendResult> {
    return appendManyPerStream(this, (ids) => this.claims.read(ids), appends);
  }

  /**
   * The stream in revision order with each event's `hash` and `previousHash` from the chain stream. The chain is
   * healed first (links of events appended before a crash are recorded), so every event read has its link unless
   * the stream itself has a gap.
   */
  async *readStream(
    stream: string,
    options: { fromRevision?: number; toPosition?: number; types?: readonly string[] } = {},
  ): AsyncIterable<RecordedEvent> {
    const types = options.types ? new Set(options.types) : null;
    await this.chain.sync(stream);
    let synced = false;
    let from = options.fromRevision ?? 0;
    for (;;) {
      const [page, links] = await Promise.all([readPage(this.client, stream, from, this.readPageSize), this.chain.links(stream, from, this.readPageSize)]);
      for (const resolved of page) {
        if (resolved.event) from = Number(resolved.event.revision) + 1;
        const event = toStored(resolved);
        if (!event) continue;
        if (options.toPosition !== undefined && event.globalPosition > options.toPosition) return;
        if (!links.has(event.streamRevision) && !synced) {
          // Appended after this read began, or past a gap: record what can be, then look again.
          synced = true;
          await this.chain.sync(stream);
          for (const [revision, link] of await this.chain.links(stream, event.streamRevision, this.readPageSize)) links.set(revision, link);
        }
        if (!types || types.has(event.type)) yield withLink(toRecorded(event), links.get(event.streamRevision));
      }
      if (page.length < this.readPageSize) return;
    }
  }

  async findByEventIds(eventIds: readonly string[]): Promise<readonly (RecordedEvent & { payloadHash: string })[]> {
    const claims = await this.claims.read(eventIds);
    const byStream = new Map<string, Claim[]>();
    for (const claim of claims.values()) byStream.set(claim.stream, [...(byStream.get(claim.stream) ?? []), claim]);
    const found = await Promise.all(
      [...byStream].map(async ([stream, streamClaims]) => {
        const hashes = new Map(streamClaims.map((c) => [c.eventId, c.payloadHash]));
        const { found } = await this.claims.findInStream(stream, new Set(hashes.keys()), lowestFrom(streamClaims));
        return found.map((e) => ({ ...toRecorded(e), payloadHash: e.adapter.payloadHash ?? hashes.get(e.eventId.toLowerCase()) ?? '' }));
      }),
    );
    return found.flat().sort((a, b) => a.globalPosition - b.globalPosition);
  }

  async streamRevision(stream: string): Promise<number | null> {
    const last = await readLast(this.client, stream);
    return last?.event ? Number(last.event.revision) : null;
  }

  /**
   * The stream's head as the chain keeps it: its last link's revision and hash (the chain is healed first). A data
   * revision past the last link (an event that cannot be chained, past a gap) is reported with no hash.
   */
  async streamHead(stream: string): Promise<Readonly<{ revision: number; lastHash: string | null }> | null> {
    const tail = await this.chain.sync(stream);
    const revision = await this.streamRevision(stream);
    if (tail === null && revision === null) return null;
    const head = Math.max(tail?.revision ?? -1, revision ?? -1);
    return { revision: head, lastHash: tail?.revision === head ? tail.hash : null };
  }

  async readAll(fromPosition: number, limit: number): Promise<readonly RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    let from = fromPosition;
    // System events and bookkeeping streams are skipped, so read pages until `limit` of ours or the end.
    for (;;) {
      let seen = 0;
      const position = from === 0 ? START : { commit: BigInt(from), prepare: BigInt(from) };
      for await (const resolved of this.client.readAll({ fromPosition: position, maxCount: limit + 1, direction: FORWARDS })) {
        seen++;
        const commit = resolved.event?.position?.commit ?? resolved.commitPosition;
        if (commit === undefined || Number(commit) <= from) continue;
        from = Number(commit);
        const event = toStored(resolved);
        if (event) out.push(toRecorded(event));
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
        const event = toStored(resolved);
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

  /** The idempotency answer (as the PostgreSQL store gives it) when events of the batch are stored already. */
  private async storedAnswer(stream: string, expectedRevision: ExpectedRevision, events: readonly EventToAppend[], found: readonly StoredEvent[]): Promise<AppendResult> {
    const refs = found.map((e) => ({ eventId: e.eventId, stream: e.stream, streamRevision: e.streamRevision, globalPosition: e.globalPosition, payloadHash: e.adapter.payloadHash ?? '' }));
    const known = idempotentAnswer([{ stream, expectedRevision, events }], refs);
    if (!known) throw new Error('EventStoreDB: idempotent answer without stored events'); // found is never empty here
    await this.chain.sync(stream); // the storing append may have crashed before its links
    const { stream: _stream, ...result } = known.streams[0];
    return result;
  }

  /** The result of an append the server accepted: the events read back, then their links recorded. */
  private async appended(stream: string, firstRevision: number, ids: readonly string[], attempt: string): Promise<AppendResult> {
    const events = (await readPage(this.client, stream, firstRevision, ids.length)).map(toStored);
    if (events.length !== ids.length || events.some((e, i) => e?.eventId.toLowerCase() !== ids[i])) {
      throw new Error(`EventStoreDB: the events appended to ${stream} from revision ${firstRevision} do not read back`);
    }
    const stored = events as StoredEvent[];
    await this.chain.sync(stream, stored);
    // The server answers a re-sent batch idempotently: only the attempt whose id the events carry wrote them.
    const written = stored.every((e) => e.adapter.attempt === attempt);
    return {
      written,
      firstRevision: stored[0].streamRevision,
      lastRevision: stored[stored.length - 1].streamRevision,
      firstPosition: stored[0].globalPosition,
      lastPosition: stored[stored.length - 1].globalPosition,
    };
  }
}

/** An id claimed for another stream or another payload: the append is a conflict before anything is written. */
function refuseForeignClaims(stream: string, wanted: readonly { eventId: string; payloadHash: string }[], claims: ReadonlyMap<string, Claim>): void {
  const foreign = wanted.filter((w) => {
    const claim = claims.get(w.eventId);
    return claim !== undefined && (claim.stream !== stream || claim.payloadHash !== w.payloadHash);
  });
  if (foreign.length > 0) {
    throw new IdempotencyConflictError(
      `eventId(s) already stored or claimed with another payload or for another stream: ${foreign.map((w) => w.eventId).join(', ')}`,
      foreign.map((w) => w.eventId),
    );
  }
}

/** The lowest revision any copy of the claimed events can have. */
const lowestFrom = (claims: ReadonlyMap<string, Claim> | readonly Claim[]): number =>
  Math.min(...[...claims.values()].map((c) => c.fromRevision));

const withLink = (event: RecordedEvent, link: ChainLink | undefined): RecordedEvent =>
  link ? { ...event, hash: link.hash, previousHash: link.previousHash } : event;
