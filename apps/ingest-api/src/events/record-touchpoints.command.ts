import { Command } from '@nestjs/cqrs';
import type { ExpectedRevision } from '@klantcentraal/event-store';
import type { TouchpointInput } from './touchpoint-batch';

export type RecordTouchpointsResult = Readonly<{
  /** false: every event was already stored (an identical retry); the revisions and positions are the original ones. */
  created: boolean;
  customerId: string;
  firstRevision: number;
  lastRevision: number;
  firstPosition: number;
  lastPosition: number;
}>;

/** Append a batch of touchpoints to one customer's stream, all or nothing. */
export class RecordTouchpointsCommand extends Command<RecordTouchpointsResult> {
  constructor(
    readonly customerId: string,
    readonly expectedRevision: ExpectedRevision,
    readonly events: readonly TouchpointInput[],
    /** The API key's name: the recorder of events sent without `recordedBy`. */
    readonly recorder: string,
  ) {
    super();
  }
}
