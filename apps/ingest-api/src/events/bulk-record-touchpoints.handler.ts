import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideRecordTouchpoints, RuleViolationError } from '@klantcentraal/domain';
import { RevisionConflictError, type EventStore, type StreamAppend } from '@klantcentraal/event-store';
import { CLOCK, EVENT_STORE, ID_GENERATOR, type Clock, type IdGenerator } from '../ingest-api.tokens';
import { BulkRecordTouchpointsCommand, type BulkRecordTouchpointsResult } from './bulk-record-touchpoints.command';
import { MAX_APPEND_ATTEMPTS } from './record-touchpoints.handler';
import { findStoredBatch, loadRuleState, prepareTouchpoint, span, type PreparedTouchpoint } from './touchpoint-batch';

/** Streams loaded at once: enough to overlap round trips, few enough to leave the pool to other requests. */
const LOAD_CONCURRENCY = 8;

type Group = { stream: string; customerId: string; items: { index: number; touchpoint: PreparedTouchpoint }[] };

@CommandHandler(BulkRecordTouchpointsCommand)
export class BulkRecordTouchpointsHandler implements ICommandHandler<BulkRecordTouchpointsCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  async execute({ events, recorder }: BulkRecordTouchpointsCommand): Promise<BulkRecordTouchpointsResult> {
    const context = { now: this.clock(), newId: this.newId, recorder };
    const batch = events.map(({ customerId, ...input }) => prepareTouchpoint(customerId, input, context));
    const groups = groupByStream(batch);

    for (let attempt = 1; ; attempt++) {
      const stored = await findStoredBatch(this.store, batch);
      if (stored) {
        const { firstPosition, lastPosition } = span(stored);
        return { created: false, count: stored.length, firstPosition, lastPosition };
      }

      const appends = await mapConcurrently(groups, LOAD_CONCURRENCY, (group) => this.decide(group));
      const violations = appends.filter((a): a is RuleViolationError => a instanceof RuleViolationError);
      // Report the earliest violation of the request, whichever stream finished loading first.
      if (violations.length > 0) throw violations.reduce((a, b) => (b.index < a.index ? b : a));
      try {
        const { written, count, firstPosition, lastPosition } = await this.store.appendMany(appends as StreamAppend[]);
        return { created: written, count, firstPosition, lastPosition };
      } catch (err) {
        if (!(err instanceof RevisionConflictError) || attempt >= MAX_APPEND_ATTEMPTS) throw err;
      }
    }
  }

  /** The group's append, expecting the revision its rules were checked at; or its violation, indexed in the request. */
  private async decide(group: Group): Promise<StreamAppend | RuleViolationError> {
    const { revision, state } = await loadRuleState(this.store, group.stream);
    try {
      decideRecordTouchpoints({ customerId: group.customerId, events: group.items.map((i) => i.touchpoint.event) }, state);
    } catch (err) {
      if (!(err instanceof RuleViolationError)) throw err;
      const index = group.items[err.index].index;
      return new RuleViolationError(err.rule, index, err.message.replace(/^events\[\d+\]/, `events[${index}]`));
    }
    return {
      stream: group.stream,
      expectedRevision: revision ?? 'no-stream',
      events: group.items.map((i) => i.touchpoint.toAppend),
    };
  }
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
