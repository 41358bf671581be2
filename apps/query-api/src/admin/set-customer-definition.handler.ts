import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { setCustomerDefinition } from '@klantcentraal/read-models';
import { READ_MODELS, REQUEST_REBUILD, type ReadModels, type RequestRebuild } from '../query-api.tokens';
import { SetCustomerDefinitionCommand, type SetCustomerDefinitionResult } from './set-customer-definition.command';

@CommandHandler(SetCustomerDefinitionCommand)
export class SetCustomerDefinitionHandler implements ICommandHandler<SetCustomerDefinitionCommand> {
  private readonly logger = new Logger('customer-definition');

  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(REQUEST_REBUILD) private readonly requestRebuild: RequestRebuild | null,
  ) {}

  async execute({ input }: SetCustomerDefinitionCommand): Promise<SetCustomerDefinitionResult> {
    const definition = await setCustomerDefinition(this.readModels.pool, input);
    const requestRebuild = this.requestRebuild;
    if (requestRebuild === null) return { definition, rebuild: 'not-configured' };
    // A rebuild replays the whole log: start it, do not hold the request for it.
    void Promise.resolve()
      .then(() => requestRebuild())
      .catch((error: unknown) =>
        this.logger.error(`rebuild after customer definition ${definition.version} failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    return { definition, rebuild: 'requested' };
  }
}
