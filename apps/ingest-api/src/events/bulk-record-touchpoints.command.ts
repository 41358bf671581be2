import { Command } from '@nestjs/cqrs';
import type { TouchpointInput } from './touchpoint-batch';

export type BulkTouchpointInput = TouchpointInput & Readonly<{ customerId: string }>;

export type BulkRecordTouchpointsResult = Readonly<{
  /** false: every event was already stored (an identical retry); the positions are the original ones. */
  created: boolean;
  count: number;
  firstPosition: number;
  lastPosition: number;
}>;

/** Append touchpoints of many customers in one atomic unit; each customer's events in request order. */
export class BulkRecordTouchpointsCommand extends Command<BulkRecordTouchpointsResult> {
  constructor(
    readonly events: readonly BulkTouchpointInput[],
    /** The API key's name: the recorder of events sent without `recordedBy`. */
    readonly recorder: string,
  ) {
    super();
  }
}
