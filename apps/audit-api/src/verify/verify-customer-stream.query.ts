import { Query } from '@nestjs/cqrs';
import type { ChainVerification } from '@klantcentraal/event-store';

/** Recompute every hash of a customer's stream; NotFoundException when the stream does not exist. */
export class VerifyCustomerStreamQuery extends Query<ChainVerification> {
  constructor(readonly customerId: string) {
    super();
  }
}
