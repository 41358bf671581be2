/**
 * Group commit for the PostgreSQL adapter (postgres-event-store.ts): appends that arrive while earlier ones are being
 * written are sent together as ONE append statement, so one transaction, one turn at the global-position lock and
 * one WAL flush serve all of them. Every append holds the counter row's lock from taking its positions until its
 * commit is durable (that is what keeps position order equal to commit order), so per-commit costs — the flush
 * above all — were paid once per request inside the one serialised section of the write path.
 *
 * Nothing about what an append means changes:
 * - only appends with disjoint streams and disjoint event ids are grouped, so a group fails only if one of its
 *   members would fail on its own;
 * - when the group's statement fails for ANY reason (a stale expectation, a stored event id — a retry —, anything
 *   else) nothing of it was stored (it is one transaction), and each member is then appended on its own, exactly as
 *   without grouping: its own result, its own conflict, its own idempotent answer;
 * - a member's events are consecutive in the group, so its positions form one range, as they would alone.
 * This module holds the pure parts: choosing a group, merging it into one batch, cutting the result back apart.
 */
import type { MultiAppendResult, StreamAppend } from '../event-store.port';
import type { PreparedBatch } from './postgres-append-plan';

export type PendingAppend = {
  appends: readonly StreamAppend[];
  batch: PreparedBatch;
  resolve(result: MultiAppendResult): void;
  reject(error: unknown): void;
};

/** Events per group statement at most: big enough to spread the commit, small enough to keep a statement short. */
export const GROUP_MAX_EVENTS = 2000;

/**
 * Takes the next group out of `queue` (in place): the first pending append, then every later one that shares no
 * stream and no event id with those taken, up to `maxEvents` events. The others stay queued in their order.
 */
export function takeGroup(queue: PendingAppend[], maxEvents = GROUP_MAX_EVENTS): PendingAppend[] {
  const group: PendingAppend[] = [];
  const streams = new Set<string>();
  const ids = new Set<string>();
  let events = 0;
  for (let i = 0; i < queue.length; ) {
    const candidate = queue[i];
    const size = candidate.batch.ids.length;
    const fits =
      group.length === 0 ||
      (events + size <= maxEvents &&
        candidate.batch.appends.every((a) => !streams.has(a.stream)) &&
        candidate.batch.ids.every((id) => !ids.has(id)));
    if (!fits) {
      i++;
      continue;
    }
    queue.splice(i, 1);
    group.push(candidate);
    events += size;
    for (const a of candidate.batch.appends) streams.add(a.stream);
    for (const id of candidate.batch.ids) ids.add(id);
    if (events >= maxEvents) break;
  }
  return group;
}

/** The group as one batch: the members' appends one after another. */
export function mergeBatches(group: readonly PendingAppend[]): PreparedBatch {
  const appends = group.flatMap((p) => p.batch.appends);
  const ids = group.flatMap((p) => p.batch.ids);
  const byId = new Map(group.flatMap((p) => [...p.batch.byId]));
  return { appends, ids, byId };
}

/** Each member's own result, cut from the group's (its streams are the next ones in order). */
export function splitResult(group: readonly PendingAppend[], result: MultiAppendResult): MultiAppendResult[] {
  let next = 0;
  return group.map((member) => {
    const streams = result.streams.slice(next, next + member.batch.appends.length);
    next += member.batch.appends.length;
    return {
      written: true,
      count: member.batch.ids.length,
      firstPosition: streams[0].firstPosition,
      lastPosition: streams[streams.length - 1].lastPosition,
      streams,
    };
  });
}

/**
 * The queue: up to `maxInFlight` statements at once; what arrives meanwhile waits and goes as the next group(s).
 * An append that finds a free slot goes at once, alone — no waiting when there is nothing to group with.
 */
export class AppendGroups {
  private readonly pending: PendingAppend[] = [];
  private inFlight = 0;

  constructor(
    private readonly maxInFlight: number,
    /** One statement for a merged batch; rejects with whatever it failed with (nothing is then stored). */
    private readonly writeTogether: (batch: PreparedBatch) => Promise<MultiAppendResult>,
    /** The append on its own, with its idempotency and conflict answers. */
    private readonly appendAlone: (appends: readonly StreamAppend[], batch: PreparedBatch) => Promise<MultiAppendResult>,
  ) {}

  submit(appends: readonly StreamAppend[], batch: PreparedBatch): Promise<MultiAppendResult> {
    return new Promise<MultiAppendResult>((resolve, reject) => {
      this.pending.push({ appends, batch, resolve, reject });
      this.start();
    });
  }

  private start(): void {
    while (this.inFlight < this.maxInFlight && this.pending.length > 0) {
      const group = takeGroup(this.pending);
      this.inFlight += 1;
      void this.run(group).finally(() => {
        this.inFlight -= 1;
        this.start();
      });
    }
  }

  private async run(group: PendingAppend[]): Promise<void> {
    if (group.length > 1) {
      const results = await this.writeTogether(mergeBatches(group)).then(
        (result) => splitResult(group, result),
        () => null, // nothing stored: each member goes on its own below and meets its own outcome
      );
      if (results) {
        group.forEach((member, i) => member.resolve(results[i]));
        return;
      }
    }
    await Promise.all(group.map((member) => this.appendAlone(member.appends, member.batch).then(member.resolve, member.reject)));
  }
}
