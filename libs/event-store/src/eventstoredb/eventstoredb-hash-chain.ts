/**
 * The hash chain (hash-chain.ts, same definition as the PostgreSQL store) kept next to an EventStoreDB stream.
 *
 * The hash covers `globalPosition` and `recordedAt`, which EventStoreDB assigns at commit, so it cannot travel with
 * the append. Instead each event's hash is computed from the event AS READ BACK and recorded in a companion stream
 * `kc-chain-<stream>` whose event n holds `{ hash, previousHash }` of the stream's event n. Properties:
 *
 * - One writer per link: links are appended with the chain's last revision as expectation, so a second writer of the
 *   same revisions gets WrongExpectedVersion (then re-reads the chain's tail and carries on from there).
 * - Harmless duplicates: a link's content and event id are functions of the stream and its events (the id is derived
 *   from stream, revision and hash), so a racing writer recording the same links is answered idempotently by the
 *   server and nothing is written twice.
 * - Self-healing: a crash between the append and its links leaves the chain short; `sync` records every event past
 *   the chain's tail, and it runs after every append and before every read of the stream (`readStream`,
 *   `streamHead`). Streams written before the chain existed are chained by their first read the same way.
 * - Detection: the audit recomputes each hash from the event as read and compares it with the link; an altered event
 *   breaks its own hash, a missing one leaves a revision gap, a missing last event disagrees with the head (the
 *   chain's last link). `sync` never chains across a gap.
 * Limit (inherent to hashing after commit): an event altered out of band before its link is recorded is chained as it
 * then reads; the window is one append's duration, or until the next read after a crash.
 */
import { createHash } from 'node:crypto';
import { jsonEvent, NO_STREAM, WrongExpectedVersionError } from '@eventstore/db-client';
import { computeEventHash, GENESIS_HASH } from '../hash-chain';
import { CHAIN_PREFIX, readLast, readPage, toRecorded, toStored, type EventStoreDbClient, type StoredEvent } from './eventstoredb-client';

const LINK_TYPE = 'EventHashed';
/** Links written per append (they are small: two hashes each). */
const LINK_BATCH = 500;
/** Rounds of `sync` lost to other writers before it gives up (each lost round means the chain did advance). */
const MAX_SYNC_ROUNDS = 20;

export type ChainLink = Readonly<{ hash: string; previousHash: string }>;
/** The chain's last link: the stream revision it covers and its hash. */
export type ChainTail = Readonly<{ revision: number; hash: string }>;

export const chainStream = (stream: string): string => `${CHAIN_PREFIX}${stream}`;

/** The link's event id: a UUID from stream, revision and hash, so the same link is the same event for every writer. */
export function linkEventId(stream: string, revision: number, hash: string): string {
  const h = createHash('sha256').update(`${stream}\n${revision}\n${hash}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class EventStoreDbHashChain {
  /** Events read and links written per round of `sync`. */
  private readonly linkBatch: number;

  constructor(
    private readonly client: EventStoreDbClient,
    private readonly readPageSize: number,
  ) {
    this.linkBatch = Math.min(LINK_BATCH, readPageSize);
  }

  /** The chain's last link, or null when nothing of the stream is chained yet. */
  async tail(stream: string): Promise<ChainTail | null> {
    const last = await readLast(this.client, chainStream(stream));
    if (!last?.event) return null;
    return { revision: Number(last.event.revision), hash: (last.event.data as ChainLink).hash };
  }

  /**
   * Records the links of every event of `stream` past the chain's tail (none when it is complete) and returns the
   * tail afterwards. Reads the events in pages, as a long unchained stream may be large. `known`: events just read
   * back (an append's), used instead of reading them again when they follow the chain's tail.
   */
  async sync(stream: string, known: readonly StoredEvent[] = []): Promise<ChainTail | null> {
    for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
      let tail = await this.tail(stream);
      try {
        for (;;) {
          const links = await this.nextLinks(stream, tail, known);
          if (links.length === 0) return tail;
          await this.client.appendToStream(
            chainStream(stream),
            links.map((l) => jsonEvent({ id: linkEventId(stream, l.revision, l.hash), type: LINK_TYPE, data: { hash: l.hash, previousHash: l.previousHash } })),
            { expectedRevision: tail === null ? NO_STREAM : BigInt(tail.revision) },
          );
          const last = links[links.length - 1];
          tail = { revision: last.revision, hash: last.hash };
          if (links.length < this.linkBatch) return tail; // a short page: the stream's end when it was read
        }
      } catch (err) {
        if (!(err instanceof WrongExpectedVersionError)) throw err;
        // Another writer recorded links meanwhile: continue from its tail.
      }
    }
    throw new Error(`EventStoreDB: the hash chain of ${stream} kept moving while being recorded (${MAX_SYNC_ROUNDS} rounds)`);
  }

  /** Links of the stream's revisions `from` .. `from + count - 1` that are recorded, by revision. */
  async links(stream: string, from: number, count: number): Promise<Map<number, ChainLink>> {
    const page = await readPage(this.client, chainStream(stream), from, count);
    const out = new Map<number, ChainLink>();
    for (const { event } of page) if (event) out.set(Number(event.revision), event.data as ChainLink);
    return out;
  }

  /** The links of the events after `tail` (one page, up to LINK_BATCH), stopping at a gap or an event it cannot read. */
  private async nextLinks(stream: string, tail: ChainTail | null, known: readonly StoredEvent[]): Promise<(ChainLink & { revision: number })[]> {
    let expected = tail === null ? 0 : tail.revision + 1;
    let previous = tail?.hash ?? GENESIS_HASH;
    const links: (ChainLink & { revision: number })[] = [];
    const events =
      known.length > 0 && known[0].streamRevision === expected && known.length <= this.linkBatch
        ? known
        : (await readPage(this.client, stream, expected, this.linkBatch)).map(toStored);
    for (const stored of events) {
      if (!stored || stored.streamRevision !== expected) break;
      const hash = computeEventHash(previous, toRecorded(stored));
      links.push({ revision: expected, hash, previousHash: previous });
      previous = hash;
      expected += 1;
    }
    return links;
  }
}
