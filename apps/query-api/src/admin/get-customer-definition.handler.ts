import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { READ_MODELS, type ReadModels } from '../query-api.tokens';
import { GetCustomerDefinitionQuery } from './get-customer-definition.query';

@QueryHandler(GetCustomerDefinitionQuery)
export class GetCustomerDefinitionHandler implements IQueryHandler<GetCustomerDefinitionQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  execute() {
    return this.readModels.definition();
  }
}
