import { Body, Controller, Get, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@klantcentraal/auth';
import { InvalidCustomerDefinitionError } from '@klantcentraal/domain';
import { ApiErrorResponses, validationException } from '@klantcentraal/http';
import { CustomerDefinitionChangeDto, CustomerDefinitionDto } from './customer-definition.dto';
import { GetCustomerDefinitionQuery } from './get-customer-definition.query';
import { SetCustomerDefinitionCommand } from './set-customer-definition.command';

@ApiTags('admin')
@ApiBearerAuth()
@ApiErrorResponses(401, 403)
@Controller('v1/admin/customer-definition')
export class CustomerDefinitionController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Get()
  @Roles('analyst', 'sales')
  @ApiOperation({ summary: 'The active customer definition (what counts as customer, loyal, departed; the complaint target)' })
  @ApiOkResponse({ type: CustomerDefinitionDto })
  active(): Promise<CustomerDefinitionDto> {
    return this.queryBus.execute(new GetCustomerDefinitionQuery());
  }

  @Put()
  @Roles('admin')
  @ApiOperation({
    summary: 'Store a new version of the customer definition and rebuild the read models',
    description:
      'Validated setting by setting (400 names the field); `version` must be higher than the active one. Profiles and ' +
      'segments use the new version from the next request; a rebuild (replay of every event) re-derives every ' +
      "customer's phase history, after which lifecycle counts follow it too.",
  })
  @ApiBody({ type: CustomerDefinitionDto })
  @ApiOkResponse({ type: CustomerDefinitionChangeDto })
  @ApiErrorResponses(400)
  async change(@Body() body: unknown): Promise<CustomerDefinitionChangeDto> {
    try {
      return await this.commandBus.execute(new SetCustomerDefinitionCommand(body));
    } catch (error) {
      if (error instanceof InvalidCustomerDefinitionError) throw validationException(error.details);
      throw error;
    }
  }
}
