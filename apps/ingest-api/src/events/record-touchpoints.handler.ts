import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { customerStreamName, decideRecordTouchpoints } from '@klantcentraal/domain';
import { RevisionConflictError, type EventStore, type ExpectedRevision } from '@klantcentraal/event-store';
import { CLOCK, EVENT_STORE, ID_GENERATOR, type Clock, type IdGenerator } from '../ingest-api.tokens';
import { RecordTouchpointsCommand, type RecordTouchpointsResult } from './record-touchpoints.command';
import { findStoredBatch, loadRuleState, prepareTouchpoint, span } from './touchpoint-batch';

/** Without a client expectation, a concurrent append to the same stream makes us decide again on the new state. */
export const MAX_APPEND_ATTEMPTS = 5;

@CommandHandler(RecordTouchpointsCommand)
export class RecordTouchpointsHandler implements ICommandHandler<RecordTouchpointsCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  async execute({ customerId, expectedRevision, events, recorder }: RecordTouchpointsCommand): Promise<RecordTouchpointsResult> {
    const context = { now: this.clock(), newId: this.newId, recorder };
    const batch = events.map((input) => prepareTouchpoint(customerId, input, context));
    const stream = customerStreamName(customerId);

    for (let attempt = 1; ; attempt++) {
      const stored = await findStoredBatch(this.store, batch);
      if (stored) return { created: false, customerId, ...span(stored) };

      const { revision, state } = await loadRuleState(this.store, stream);
      if (!satisfies(expectedRevision, revision)) throw new RevisionConflictError(stream, expectedRevision, revision);
      decideRecordTouchpoints({ customerId, events: batch.map((t) => t.event) }, state);
      try {
        const result = await this.store.appendToStream(
          stream,
          expectedRevision === 'any' ? (revision ?? 'no-stream') : expectedRevision,
          batch.map((t) => t.toAppend),
        );
        const { written, ...revisionsAndPositions } = result;
        return { created: written, customerId, ...revisionsAndPositions };
      } catch (err) {
        // The stream moved between load and append: start over (the retry may also turn out to be a duplicate).
        if (!(err instanceof RevisionConflictError) || attempt >= MAX_APPEND_ATTEMPTS) throw err;
      }
    }
  }
}

function satisfies(expected: ExpectedRevision, actual: number | null): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return actual === null;
  return actual === expected;
}
