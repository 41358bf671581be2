import { Command } from '@nestjs/cqrs';
import type { CustomerDefinition } from '@klantcentraal/domain';

export type SetCustomerDefinitionResult = Readonly<{ definition: CustomerDefinition; rebuild: 'requested' | 'not-configured' }>;

/** Store a new version of the customer definition and request a rebuild of the read models. */
export class SetCustomerDefinitionCommand extends Command<SetCustomerDefinitionResult> {
  constructor(readonly input: unknown) {
    super();
  }
}
