/**
 * The event-store port. Adapters: PostgreSQL (embedded default, `postgres/`), EventStoreDB (`eventstoredb/`, chosen with EVENT_STORE).
 * Every adapter must pass `testing/event-store.contract.ts`.
 */

/** `any`: no check; `no-stream`: the stream must not exist; n: the stream's last revision must be n. */
export type ExpectedRevision = 'any' | 'no-stream' | number;

export type EventToAppend = Readonly<{
  eventId: string;
  type: string;
  data: Readonly<Record<string, unknown>>;
  /** Envelope metadata stored with the event (occurredAt, recordedBy, …). */
  metadata: Readonly<Record<string, unknown>>;
  /**
   * What the client sent, used to decide whether a re-sent eventId is the same event (idempotent no-op) or a
   * different one (conflict). Server defaults (generated occurredAt, recorder) must not be part of it.
   */
  idempotencyPayload: unknown;
}>;

export type RecordedEvent = Readonly<{
  eventId: string;
  stream: string;
  type: string;
  data: Readonly<Record<string, unknown>>;
  metadata: Readonly<Record<string, unknown>>;
  streamRevision: number;
  globalPosition: number;
  /** Server time of the append, ISO-8601. */
  recordedAt: string;
  /**
   * Integrity hash (hash-chain.ts): lowercase hex SHA-256 of `previousHash` followed by the canonical JSON of this
   * stored envelope. Set by both adapters (PostgreSQL in its append; EventStoreDB in a companion `kc-chain-<stream>`).
   */
  hash?: string;
  /** The stream's previous event's `hash`; 64 zeros for revision 0. */
  previousHash?: string;
  /**
   * Set by the privacy layer when `data` differs from what is stored (personal fields decrypted): the stored data,
   * which is what `hash` covers. Verifiers hash `storedForm(event)`.
   */
  storedData?: Readonly<Record<string, unknown>>;
  /** Paths (`data.name`, …) of personal fields whose data subject was erased: they read as null. */
  erased?: readonly string[];
}>;

/** The event as the store holds it (what the hash chain covers): `storedData` when the privacy layer decrypted it. */
export const storedForm = (event: RecordedEvent): RecordedEvent =>
  event.storedData === undefined ? event : { ...event, data: event.storedData, storedData: undefined, erased: undefined };

export type AppendResult = Readonly<{
  /** false when every event was already stored with the same payload (an idempotent retry): nothing was written. */
  written: boolean;
  firstRevision: number;
  lastRevision: number;
  firstPosition: number;
  lastPosition: number;
}>;

export type StreamAppend = Readonly<{
  stream: string;
  expectedRevision: ExpectedRevision;
  events: readonly EventToAppend[];
}>;

export type MultiAppendResult = Readonly<{
  written: boolean;
  count: number;
  firstPosition: number;
  lastPosition: number;
  streams: readonly (AppendResult & { stream: string })[];
}>;

export type Subscription = Readonly<{
  /** Resolves once the subscription has stopped (after `stop()` or a fatal error, which rejects). */
  done: Promise<void>;
  stop(): Promise<void>;
}>;

export type SubscribeOptions = Readonly<{
  /** Deliver events with globalPosition > fromPosition (0 = from the start). */
  fromPosition: number;
  batchSize?: number;
  /** Called with ascending, gap-aware batches; the next batch is read only after this resolves. */
  onEvents(events: readonly RecordedEvent[]): Promise<void>;
  /** Optional hint that the subscriber has caught up with the head of the log. */
  onCaughtUp?(position: number): void;
}>;

export type ReadAllOptions = Readonly<{ hashes?: boolean }>;

export interface EventStore {
  /** Append atomically to one stream with an optimistic-concurrency expectation. Idempotent by eventId. */
  appendToStream(stream: string, expectedRevision: ExpectedRevision, events: readonly EventToAppend[]): Promise<AppendResult>;
  /**
   * Append to several streams in one atomic unit (bulk ingest). Adapters that cannot do this atomically
   * (EventStoreDB) document so and append per stream.
   */
  appendMany(appends: readonly StreamAppend[]): Promise<MultiAppendResult>;
  /**
   * The stream in revision order (empty when it does not exist), read in pages so a long stream is never held in
   * memory whole. `types` limits it to those event types (revisions keep their gaps).
   */
  readStream(
    stream: string,
    options?: { fromRevision?: number; toPosition?: number; types?: readonly string[] },
  ): AsyncIterable<RecordedEvent>;
  /**
   * Already stored events with these ids, in any stream — the idempotency check that must come before any rule
   * check. `payloadHash` is `idempotencyHash(idempotencyPayload)` of the stored event.
   */
  findByEventIds(eventIds: readonly string[]): Promise<readonly (RecordedEvent & { payloadHash: string })[]>;
  /** The stream's last revision, or null when it does not exist. */
  streamRevision(stream: string): Promise<number | null>;
  /**
   * Optional (adapters with a hash chain): the stream's last revision and the hash of its last event as kept with the
   * stream, or null when it does not exist. Lets a verifier notice a deleted last event.
   */
  streamHead?(stream: string): Promise<Readonly<{ revision: number; lastHash: string | null }> | null>;
  /**
   * Events of the global log with globalPosition > fromPosition, ascending, at most `limit`. Never skips.
   * `hashes: false`: the caller has no use for `hash`/`previousHash` (projections), and an adapter may leave them out
   * — for the PostgreSQL store a fifth less work per row on both sides. Default: as stored.
   */
  readAll(fromPosition: number, limit: number, options?: ReadAllOptions): Promise<readonly RecordedEvent[]>;
  /** The highest committed global position (0 for an empty store). */
  headPosition(): Promise<number>;
  /** Catch-up then live subscription to the global log. */
  subscribeToAll(options: SubscribeOptions): Subscription;
  close(): Promise<void>;
}
