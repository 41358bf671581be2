import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { findCustomerSegment } from '@klantcentraal/read-models';
import { READ_MODELS, type ReadModels } from '../query-api.tokens';
import { FindCustomersQuery } from './find-customers.query';

@QueryHandler(FindCustomersQuery)
export class FindCustomersHandler implements IQueryHandler<FindCustomersQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ filter, limit, cursor }: FindCustomersQuery) {
    const { pool, now, definition } = this.readModels;
    return findCustomerSegment(pool, { filter, limit, cursor, now: now(), definition: await definition() });
  }
}
