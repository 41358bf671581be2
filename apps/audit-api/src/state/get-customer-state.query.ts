import { Query } from '@nestjs/cqrs';
import type { AsOfBasis, CustomerStateAsOf } from './customer-state-as-of';

/** The profile as of a moment, on the recorded or the occurred time axis (see customer-state-as-of.ts). */
export class GetCustomerStateQuery extends Query<CustomerStateAsOf> {
  constructor(
    readonly customerId: string,
    /** ISO-8601; undefined: now. */
    readonly asOf: string | undefined,
    readonly basis: AsOfBasis,
  ) {
    super();
  }
}
