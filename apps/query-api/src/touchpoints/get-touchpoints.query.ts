import { Query } from '@nestjs/cqrs';
import type { CustomerEventType } from '@klantcentraal/domain';
import type { TouchpointPageDto } from './touchpoints.dto';

/** A page of a customer's touchpoints, newest first; `before`: only revisions below it (the cursor). */
export class GetTouchpointsQuery extends Query<TouchpointPageDto | null> {
  constructor(
    readonly customerId: string,
    readonly limit: number,
    readonly types?: readonly CustomerEventType[],
    readonly before?: number,
  ) {
    super();
  }
}
