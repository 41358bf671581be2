/**
 * Idempotency by event id over EventStoreDB, which has no index of event ids across streams. Every id is CLAIMED
 * before its event is appended: a stream `kc-eventid-<lowercase id>` created with NO_STREAM, holding the target
 * stream, the payload hash and `fromRevision`, a revision no copy of the event can come before (the target stream's
 * revision read before the claim, plus one — every later append of the id happens after the claim exists). So:
 *
 * - of two concurrent appends of one id, exactly one creates the claim; the other reads it and loses with an
 *   IdempotencyConflictError when it wants another stream or another payload;
 * - a claim whose event is missing (the claimer crashed, or its append failed on the expected revision) lets the same
 *   payload to the same stream proceed; the id stays reserved for that stream and payload (a difference from the
 *   PostgreSQL store, where an id that was never stored is free);
 * - `findInStream` answers where the events of a claim are: it scans the target stream from the claim's
 *   `fromRevision`, usually finding them in its first page.
 * Claims written by the adapter's first version (after the append, with the event's `revision`) still read.
 */
import { jsonEvent, NO_STREAM, WrongExpectedVersionError } from '@eventstore/db-client';
import { CLAIM_PREFIX, readPage, toStored, type EventStoreDbClient, type StoredEvent } from './eventstoredb-client';

const CLAIM_TYPE = 'EventIdClaimed';

export type Claim = Readonly<{ eventId: string; stream: string; payloadHash: string; fromRevision: number }>;

type ClaimData = { stream: string; payloadHash: string; fromRevision?: number; revision?: number };

export const claimStream = (eventId: string): string => `${CLAIM_PREFIX}${eventId.toLowerCase()}`;

export class EventIdClaims {
  constructor(
    private readonly client: EventStoreDbClient,
    private readonly readPageSize: number,
  ) {}

  /** The claims of these ids that exist, by lowercase id. */
  async read(eventIds: readonly string[]): Promise<Map<string, Claim>> {
    const ids = [...new Set(eventIds.map((id) => id.toLowerCase()))];
    const claims = await Promise.all(ids.map((id) => this.readOne(id)));
    return new Map(claims.filter((c): c is Claim => c !== null).map((c) => [c.eventId, c]));
  }

  /**
   * Claims each id for `stream` (NO_STREAM: one claimer wins) and returns the claims that hold afterwards — ours, or
   * the winner's where another claimer was first.
   */
  async claim(wanted: readonly { eventId: string; payloadHash: string }[], stream: string, fromRevision: number): Promise<Map<string, Claim>> {
    const claims = await Promise.all(
      wanted.map(async ({ eventId, payloadHash }) => {
        const id = eventId.toLowerCase();
        try {
          const data: ClaimData = { stream, payloadHash, fromRevision };
          await this.client.appendToStream(claimStream(id), jsonEvent({ type: CLAIM_TYPE, data }), { expectedRevision: NO_STREAM });
          return { eventId: id, stream, payloadHash, fromRevision };
        } catch (err) {
          if (!(err instanceof WrongExpectedVersionError)) throw err;
          const winner = await this.readOne(id);
          if (!winner) throw new Error(`EventStoreDB: claim stream of ${id} exists but cannot be read`);
          return winner;
        }
      }),
    );
    return new Map(claims.map((c) => [c.eventId, c]));
  }

  /**
   * The events with these ids in `stream` from revision `from` on (up to `to` when given), and the last revision
   * read (null when none was). Stops once every id is found.
   */
  async findInStream(stream: string, eventIds: ReadonlySet<string>, from: number, to?: number): Promise<{ found: StoredEvent[]; lastRead: number | null }> {
    const found: StoredEvent[] = [];
    let lastRead: number | null = null;
    for (let next = from; to === undefined || next <= to; ) {
      const count = to === undefined ? this.readPageSize : Math.min(this.readPageSize, to - next + 1);
      const page = await readPage(this.client, stream, next, count);
      for (const resolved of page) {
        if (resolved.event) next = Number(resolved.event.revision) + 1;
        const event = toStored(resolved);
        if (!event || (to !== undefined && event.streamRevision > to)) continue;
        lastRead = event.streamRevision;
        if (eventIds.has(event.eventId.toLowerCase())) found.push(event);
      }
      if (found.length === eventIds.size || page.length < count) break;
    }
    return { found, lastRead };
  }

  private async readOne(id: string): Promise<Claim | null> {
    const [first] = await readPage(this.client, claimStream(id), 0, 1);
    const data = first?.event?.data as ClaimData | undefined;
    if (!data) return null;
    return { eventId: id, stream: data.stream, payloadHash: data.payloadHash, fromRevision: data.fromRevision ?? data.revision ?? 0 };
  }
}
