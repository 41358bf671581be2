import { Query } from '@nestjs/cqrs';
import type { CustomerProfileView } from '@klantcentraal/domain';

/** The profile of one customer as of `asOf` (default: now); null when unknown or not registered by then. */
export class GetCustomerProfileQuery extends Query<CustomerProfileView | null> {
  constructor(
    readonly customerId: string,
    readonly asOf: string | undefined,
  ) {
    super();
  }
}
