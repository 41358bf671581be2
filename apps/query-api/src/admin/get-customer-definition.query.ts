import { Query } from '@nestjs/cqrs';
import type { CustomerDefinition } from '@klantcentraal/domain';

/** The active customer definition. */
export class GetCustomerDefinitionQuery extends Query<CustomerDefinition> {}
