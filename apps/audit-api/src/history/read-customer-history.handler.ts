import { Inject, NotFoundException } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { customerStreamName } from '@klantcentraal/domain';
import type { EventStore } from '@klantcentraal/event-store';
import { EVENT_STORE } from '../audit-api.tokens';
import { toAuditEvent } from './audit-event.dto';
import { ReadCustomerHistoryQuery, type CustomerHistory } from './read-customer-history.query';

@QueryHandler(ReadCustomerHistoryQuery)
export class ReadCustomerHistoryHandler implements IQueryHandler<ReadCustomerHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ customerId }: ReadCustomerHistoryQuery): Promise<CustomerHistory> {
    const stream = customerStreamName(customerId);
    if ((await this.store.streamRevision(stream)) === null) throw customerNotFound(customerId);
    const store = this.store;
    return {
      customerId,
      events: (async function* () {
        for await (const event of store.readStream(stream)) yield toAuditEvent(event);
      })(),
    };
  }
}

export const customerNotFound = (customerId: string) =>
  new NotFoundException({ error: 'not-found', message: `customer ${customerId} has no event stream` });
