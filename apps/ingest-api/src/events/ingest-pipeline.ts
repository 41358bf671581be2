/**
 * The one ingest path of both endpoints: what the client sent (validated by the DTOs) → events with server defaults
 * → the store's idempotency answer → rule state and decision per stream → one atomic append, with one retry policy.
 * `POST /v1/customers/{id}/events` is the one-stream case of `POST /v1/events`.
 */
import { Inject, Injectable } from '@nestjs/common';
import { decideRecordTouchpoints, RuleViolationError } from '@klantcentraal/domain';
import {
  findIdempotentResult,
  RevisionConflictError,
  type EventStore,
  type ExpectedRevision,
  type MultiAppendResult,
  type StreamAppend,
} from '@klantcentraal/event-store';
import { tracedAppend } from './append-tracing';
import { CLOCK, EVENT_STORE, ID_GENERATOR, type Clock, type IdGenerator } from '../ingest-api.tokens';
import { loadRuleState, prepareTouchpoint, type PreparedTouchpoint, type TouchpointInput } from './touchpoint-batch';

/** A concurrent append to one of the streams makes us decide again on the new state, this often at most. */
export const MAX_APPEND_ATTEMPTS = 5;
/** Streams loaded at once: enough to overlap round trips, few enough to leave the pool to other requests. */
const LOAD_CONCURRENCY = 8;

export type IngestRequest = Readonly<{
  events: readonly (TouchpointInput & Readonly<{ customerId: string }>)[];
  /** The API key's name: the recorder of events sent without `recordedBy`. */
  recorder: string;
  /** The client's expectation of a stream's revision (single-stream requests); absent: "any". */
  expectedRevision?: ExpectedRevision;
}>;

type Group = { stream: string; customerId: string; items: { index: number; touchpoint: PreparedTouchpoint }[] };

@Injectable()
export class IngestPipeline {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  /** Appends the request's events (all or nothing); `written: false` for an identical retry, with the original result. */
  async record({ events, recorder, expectedRevision = 'any' }: IngestRequest): Promise<MultiAppendResult> {
    const context = { now: this.clock(), newId: this.newId, recorder };
    const batch = events.map(({ customerId, ...input }) => prepareTouchpoint(customerId, input, context));
    const groups = groupByStream(batch);
    const claimsIds = batch.some((t) => t.clientEventId);
    const positions = new Map(batch.map((t, index) => [t.toAppend.eventId, `events[${index}]`]));

    for (let attempt = 1; ; attempt++) {
      // A retry is answered before any rule or expectation is checked: replaying it would break the rules.
      if (claimsIds) {
        const known = await findIdempotentResult(this.store, groups.map((g) => toAppend(g, 'any')), (id) => positions.get(id) ?? id);
        if (known) return known;
      }
      const appends = await mapConcurrently(groups, LOAD_CONCURRENCY, (group) => this.decide(group, expectedRevision));
      const violations = appends.filter((a): a is RuleViolationError => a instanceof RuleViolationError);
      // Report the earliest violation of the request, whichever stream finished loading first.
      if (violations.length > 0) throw violations.reduce((a, b) => (b.index < a.index ? b : a));
      try {
        return await tracedAppend(appends as StreamAppend[], (traced) => this.store.appendMany(traced));
      } catch (err) {
        // A stream moved between load and append: start over (the retry may also turn out to be a duplicate).
        if (!(err instanceof RevisionConflictError) || attempt >= MAX_APPEND_ATTEMPTS) throw err;
      }
    }
  }

  /** The group's append, expecting the revision its rules were checked at; or its violation, indexed in the request. */
  private async decide(group: Group, expected: ExpectedRevision): Promise<StreamAppend | RuleViolationError> {
    const { revision, state } = await loadRuleState(this.store, group.stream);
    if (!satisfies(expected, revision)) throw new RevisionConflictError(group.stream, expected, revision);
    try {
      decideRecordTouchpoints({ customerId: group.customerId, events: group.items.map((i) => i.touchpoint.event) }, state);
    } catch (err) {
      if (!(err instanceof RuleViolationError)) throw err;
      const index = group.items[err.index].index;
      return new RuleViolationError(err.rule, index, err.message.replace(/^events\[\d+\]/, `events[${index}]`));
    }
    return toAppend(group, revision ?? 'no-stream');
  }
}

function toAppend(group: Group, expectedRevision: ExpectedRevision): StreamAppend {
  return { stream: group.stream, expectedRevision, events: group.items.map((i) => i.touchpoint.toAppend) };
}

function satisfies(expected: ExpectedRevision, actual: number | null): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return actual === null;
  return actual === expected;
}

/** Groups by stream in order of first appearance; each group keeps its events in request order. */
function groupByStream(batch: readonly PreparedTouchpoint[]): Group[] {
  const groups = new Map<string, Group>();
  batch.forEach((touchpoint, index) => {
    let group = groups.get(touchpoint.stream);
    if (!group) groups.set(touchpoint.stream, (group = { stream: touchpoint.stream, customerId: touchpoint.customerId, items: [] }));
    group.items.push({ index, touchpoint });
  });
  return [...groups.values()];
}

async function mapConcurrently<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
