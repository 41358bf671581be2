/**
 * The tamper-evident hash chain of a stream (README "Verifying the hash chain yourself").
 *
 *   hash = lowercase hex SHA-256( UTF-8( previousHash ‖ canonicalJson(storedEnvelope) ) )
 *
 * - `previousHash` is the 64-character lowercase hex hash of the stream's previous event; `GENESIS_HASH` (64 zeros)
 *   for revision 0. It is concatenated as TEXT (64 ASCII characters), not as 32 raw bytes.
 * - `storedEnvelope` is exactly what the store holds and reads back: `{ data, eventId, globalPosition, metadata,
 *   recordedAt, stream, streamRevision, type }` (`recordedAt` as `toISOString()` prints it: milliseconds, `Z`;
 *   `metadata` holds occurredAt, recordedBy, schemaVersion, customerId as the ingest API stores them).
 * - `canonicalJson`: object keys sorted by UTF-16 code units, no whitespace, strings and numbers as
 *   `JSON.stringify` writes them (RFC 8785 style).
 *
 * Because the hash covers the stored form, it survives erasure of personal data: personal fields will be stored
 * encrypted per data subject and erasure deletes the subject's key — the ciphertext stays, so every hash still
 * verifies.
 *
 * The PostgreSQL adapter computes the same hashes in SQL inside its append statement (globalPosition and recordedAt
 * are only known there), from the fragments `envelopeFragments` cuts; this module is the reference both the
 * verifier and that SQL are tested against.
 */
import { hash as sha256 } from 'node:crypto';
import { canonicalJson } from './idempotency';

/** The previous hash of a stream's first event (revision 0). */
export const GENESIS_HASH = '0'.repeat(64);

/** The stored envelope the hash covers (a RecordedEvent has all these fields). */
export type HashedEnvelope = Readonly<{
  eventId: string;
  stream: string;
  streamRevision: number;
  globalPosition: number;
  /** ISO-8601 as `Date.prototype.toISOString()` prints it (`2026-03-01T10:00:00.123Z`). */
  recordedAt: string;
  type: string;
  data: unknown;
  metadata: unknown;
}>;

/** The canonical JSON text of the stored envelope (keys sorted: data, eventId, globalPosition, metadata, …). */
export function canonicalEnvelope(envelope: HashedEnvelope): string {
  const f = envelopeFragments(envelope);
  return f.head + canonicalJson(envelope.globalPosition) + f.middle + envelope.recordedAt + f.streamPart + canonicalJson(envelope.streamRevision) + f.tail;
}

/** `lowercase hex SHA-256(UTF-8(previousHash + canonicalJson(envelope)))`. */
export function computeEventHash(previousHash: string, envelope: HashedEnvelope): string {
  return hashCanonicalEnvelope(previousHash, canonicalEnvelope(envelope));
}

/**
 * The hash from the canonical envelope already written as text (`canonicalEnvelope`, `canonicalEnvelopeText`).
 * One-shot `crypto.hash`: a Hash object per event (createHash, update, digest) cost as much again as the SHA-256.
 */
export function hashCanonicalEnvelope(previousHash: string, envelopeText: string): string {
  return sha256('sha256', previousHash + envelopeText, 'hex');
}

/**
 * `canonicalEnvelope` assembled from text, for a reader that never builds the event as an object (the PostgreSQL
 * verifier): `dataJson` and `metadataJson` canonical JSON, `globalPosition` and `streamRevision` as JSON numbers,
 * `streamPart` = `streamFragment(stream)` and `tail` = `envelopeTail(type)` (the same for many events, so a reader
 * may keep them).
 */
export function canonicalEnvelopeText(
  dataJson: string,
  eventId: string,
  globalPosition: string,
  metadataJson: string,
  recordedAt: string,
  streamPart: string,
  streamRevision: string,
  tail: string,
): string {
  return `{"data":${dataJson},"eventId":${JSON.stringify(eventId)},"globalPosition":${globalPosition},"metadata":${metadataJson},"recordedAt":"${recordedAt}${streamPart}${streamRevision}${tail}`;
}

/**
 * The canonical envelope cut around the values only the store's append statement knows:
 *   head ‖ globalPosition ‖ middle ‖ recordedAt ‖ streamPart ‖ streamRevision ‖ tail
 * (sorted keys put `globalPosition` between `eventId` and `metadata`, `recordedAt` between `metadata` and `stream`,
 * `streamRevision` after `stream`). `data` absent is stored as JSON null and `metadata` absent as `{}`, so they are
 * hashed that way too.
 */
export type EnvelopeFragments = Readonly<{ head: string; middle: string; streamPart: string; tail: string }>;

export function envelopeFragments(e: Pick<HashedEnvelope, 'eventId' | 'stream' | 'type' | 'data' | 'metadata'>): EnvelopeFragments {
  return envelopeFragmentsFromJson(e, canonicalJson(e.data ?? null), canonicalJson(e.metadata ?? {}));
}

/** The same from data and metadata already written as canonical JSON (the adapter stores exactly that text). */
export function envelopeFragmentsFromJson(
  e: Pick<HashedEnvelope, 'eventId' | 'stream' | 'type'>,
  dataJson: string,
  metadataJson: string,
): EnvelopeFragments {
  return {
    head: `{"data":${dataJson},"eventId":${JSON.stringify(e.eventId)},"globalPosition":`,
    middle: `,"metadata":${metadataJson},"recordedAt":"`,
    streamPart: streamFragment(e.stream),
    tail: envelopeTail(e.type),
  };
}

/** The part after streamRevision. */
export const envelopeTail = (type: string): string => `,"type":${JSON.stringify(type)}}`;

/** The part between recordedAt and streamRevision; the same for every event of a stream. */
export const streamFragment = (stream: string): string => `","stream":${JSON.stringify(stream)},"streamRevision":`;

// ---------------------------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------------------------

/** What places an event in its stream's chain. */
export type ChainLink = Readonly<{ stream: string; streamRevision: number; hash?: string | null; previousHash?: string | null }>;

/** An event as read back, with its stored hashes (RecordedEvent satisfies it). */
export type ChainedEvent = HashedEnvelope & ChainLink;

/** An event read as text: its place in the chain and `canonicalEnvelope` of what is stored, already written. */
export type CanonicalChainedEvent = ChainLink & Readonly<{ envelope: string }>;

/**
 * Why a revision is the first invalid one:
 * - `revision-gap`: the revision is missing (a deleted row; also a deleted last event, seen from the stream head);
 * - `revision-duplicate`: a revision at or below the previous one (rows read out of order, a duplicated revision);
 * - `wrong-stream`: an event of another stream;
 * - `missing-hash`: the event has no stored hash or previous hash;
 * - `previous-hash-mismatch`: its previousHash is not the prior event's stored hash (64 zeros for revision 0);
 * - `hash-mismatch`: its stored hash differs from the recomputation from the stored envelope;
 * - `head-mismatch`: the stream head (last revision and hash kept with the stream) disagrees with the events.
 */
export type ChainBreakReason =
  | 'revision-gap'
  | 'revision-duplicate'
  | 'wrong-stream'
  | 'missing-hash'
  | 'previous-hash-mismatch'
  | 'hash-mismatch'
  | 'head-mismatch';

export type ChainVerification = Readonly<
  {
    /** Events read. */
    events: number;
    /** The stored hash of the last event read (null for an empty stream): anchor it elsewhere to detect rewrites. */
    lastHash: string | null;
    lastRevision: number | null;
  } & (
    | { valid: true }
    | {
        valid: false;
        /** The first revision that does not verify. */
        firstInvalidRevision: number;
        reason: ChainBreakReason;
      }
  )
>;

/** What the store keeps per stream besides its events: the last revision and, where the adapter has it, its hash. */
export type StreamHead = Readonly<{ revision: number; lastHash?: string | null }>;

/**
 * Verifies one stream's events fed in revision order, one at a time (constant memory). After the first break it
 * only counts. `finish(head)` also checks the stream head, which catches a deleted last event.
 */
export class StreamChainVerifier {
  private expected = 0;
  private previous = GENESIS_HASH;
  private count = 0;
  private lastRevision: number | null = null;
  private lastHash: string | null = null;
  private broken: { revision: number; reason: ChainBreakReason } | null = null;

  constructor(readonly stream?: string) {}

  get isBroken(): boolean {
    return this.broken !== null;
  }

  add(event: ChainedEvent): void {
    if (!this.links(event)) return;
    // The hash covers the stored form: personal fields as encrypted (the privacy layer keeps them in storedData).
    const storedData = (event as { storedData?: unknown }).storedData;
    const stored = storedData === undefined ? event : { ...event, data: storedData };
    this.settle(event.streamRevision, event.hash as string, computeEventHash(this.previous, stored));
  }

  /** The same checks as `add` for an event read as text, with the canonical text of its stored envelope. */
  addCanonical(event: CanonicalChainedEvent): void {
    if (this.links(event)) this.settle(event.streamRevision, event.hash as string, hashCanonicalEnvelope(this.previous, event.envelope));
  }

  /** Counts the event; true when it is in place and carries the previous hash, so its own hash is to be compared. */
  private links(event: ChainLink): boolean {
    this.count += 1;
    if (this.broken) return false;
    const revision = event.streamRevision;
    if (this.stream !== undefined && event.stream !== this.stream) return this.fail(revision, 'wrong-stream');
    if (revision < this.expected) return this.fail(revision, 'revision-duplicate');
    if (revision > this.expected) return this.fail(this.expected, 'revision-gap');
    if (!event.hash || !event.previousHash) return this.fail(revision, 'missing-hash');
    if (event.previousHash !== this.previous) return this.fail(revision, 'previous-hash-mismatch');
    return true;
  }

  private settle(revision: number, hash: string, recomputed: string): void {
    if (recomputed !== hash) {
      this.fail(revision, 'hash-mismatch');
      return;
    }
    this.previous = hash;
    this.expected = revision + 1;
    this.lastRevision = revision;
    this.lastHash = hash;
  }

  /** The verdict; `head` (when the adapter keeps one) must match the last event read. */
  finish(head?: StreamHead | null): ChainVerification {
    if (!this.broken && head) {
      const last = this.lastRevision ?? -1;
      if (head.revision > last) this.fail(last + 1, 'revision-gap');
      else if (head.revision < last) this.fail(head.revision + 1, 'head-mismatch');
      else if (head.lastHash !== undefined && head.lastHash !== this.lastHash) this.fail(last, 'head-mismatch');
    }
    const base = { events: this.count, lastHash: this.lastHash, lastRevision: this.lastRevision };
    return this.broken
      ? { valid: false, ...base, firstInvalidRevision: this.broken.revision, reason: this.broken.reason }
      : { valid: true, ...base };
  }

  private fail(revision: number, reason: ChainBreakReason): false {
    this.broken = { revision, reason };
    return false;
  }
}

/** Verifies a whole stream held in memory (tests, small streams); see StreamChainVerifier for long ones. */
export function verifyChain(events: Iterable<ChainedEvent>, head?: StreamHead | null): ChainVerification {
  const verifier = new StreamChainVerifier();
  for (const event of events) verifier.add(event);
  return verifier.finish(head);
}

/** The same over an async source, e.g. `store.readStream(stream)` (pages, constant memory). */
export async function verifyChainAsync(
  events: AsyncIterable<ChainedEvent>,
  head?: () => Promise<StreamHead | null>,
): Promise<ChainVerification> {
  const verifier = new StreamChainVerifier();
  for await (const event of events) verifier.add(event);
  return verifier.finish(head ? await head() : undefined);
}
