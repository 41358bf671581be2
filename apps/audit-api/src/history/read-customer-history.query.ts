import { Query } from '@nestjs/cqrs';
import type { AuditEventDto } from './audit-event.dto';

export type CustomerHistory = Readonly<{
  customerId: string;
  /** The stream in revision order, read page by page while it is consumed (never held in memory whole). */
  events: AsyncIterable<AuditEventDto>;
}>;

/** A customer's whole stream for auditors; NotFoundException when the stream does not exist. */
export class ReadCustomerHistoryQuery extends Query<CustomerHistory> {
  constructor(readonly customerId: string) {
    super();
  }
}
