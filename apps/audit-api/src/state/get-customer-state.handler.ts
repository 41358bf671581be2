import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { customerStreamName } from '@klantcentraal/domain';
import type { EventStore } from '@klantcentraal/event-store';
import { toStoredCustomerEvent } from '@klantcentraal/read-models';
import { CLOCK, DEFINITION, EVENT_STORE, type Clock, type DefinitionProvider } from '../audit-api.tokens';
import { customerNotFound } from '../history/read-customer-history.handler';
import { CustomerStateAsOfFold, type CustomerStateAsOf } from './customer-state-as-of';
import { GetCustomerStateQuery } from './get-customer-state.query';

@QueryHandler(GetCustomerStateQuery)
export class GetCustomerStateHandler implements IQueryHandler<GetCustomerStateQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DEFINITION) private readonly definition: DefinitionProvider,
  ) {}

  async execute({ customerId, asOf, basis }: GetCustomerStateQuery): Promise<CustomerStateAsOf> {
    const stream = customerStreamName(customerId);
    if ((await this.store.streamRevision(stream)) === null) throw customerNotFound(customerId);
    const fold = new CustomerStateAsOfFold(asOf ?? this.clock().toISOString(), basis, await this.definition());
    // The same conversion the projections apply to what they read (read-models' toStoredCustomerEvent).
    for await (const recorded of this.store.readStream(stream)) {
      const event = toStoredCustomerEvent(recorded);
      if (event) fold.add(event);
    }
    return fold.result();
  }
}
