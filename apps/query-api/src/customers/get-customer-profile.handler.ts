import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { findCustomerProfile } from '@klantcentraal/read-models';
import { READ_MODELS, type ReadModels } from '../query-api.tokens';
import { GetCustomerProfileQuery } from './get-customer-profile.query';

@QueryHandler(GetCustomerProfileQuery)
export class GetCustomerProfileHandler implements IQueryHandler<GetCustomerProfileQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ customerId, asOf }: GetCustomerProfileQuery) {
    const { pool, now, definition } = this.readModels;
    return findCustomerProfile(pool, customerId, asOf ?? now(), await definition());
  }
}
