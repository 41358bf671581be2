import { Query } from '@nestjs/cqrs';
import type { SegmentFilter, SegmentPage } from '@klantcentraal/read-models';

/** A page of the customers in a segment, evaluated now. */
export class FindCustomersQuery extends Query<SegmentPage> {
  constructor(
    readonly filter: SegmentFilter,
    readonly limit: number | undefined,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
