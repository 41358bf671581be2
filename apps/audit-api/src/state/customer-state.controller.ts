import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@klantcentraal/auth';
import { ApiErrorResponses } from '@klantcentraal/http';
import { AuditCustomerPathDto } from '../history/audit-event.dto';
import { CustomerStateDto, CustomerStateQueryDto } from './customer-state.dto';
import { GetCustomerStateQuery } from './get-customer-state.query';

@ApiTags('audit')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 404)
@Controller('v1/audit/customers')
export class CustomerStateController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':customerId/state')
  @Roles('auditor')
  @ApiOperation({
    summary: 'The profile as it was known (basis=recorded) or as it was (basis=occurred) at a moment',
    description:
      'Replays the stream with the same pure fold and view the projections use. `recorded`: only events recorded by ' +
      '`asOf` — what the platform knew and answered then. `occurred`: every event recorded so far, viewed at `asOf` — ' +
      'what was true then, including events recorded late; equal to GET /v1/customers/{id}?asOf=. 404 when the ' +
      'customer was not registered as of then (on that basis).',
  })
  @ApiOkResponse({ type: CustomerStateDto })
  async state(@Param() { customerId }: AuditCustomerPathDto, @Query() query: CustomerStateQueryDto): Promise<CustomerStateDto> {
    const basis = query.basis ?? 'recorded';
    const result = await this.queryBus.execute(new GetCustomerStateQuery(customerId, query.asOf, basis));
    if (!result.profile) {
      throw new NotFoundException({
        error: 'not-found',
        message: `customer ${customerId} was not registered as of ${result.asOf} (basis ${basis}: ${
          basis === 'recorded' ? 'events recorded by then' : 'events that occurred by then'
        })`,
      });
    }
    return {
      ...result.profile,
      basis: result.basis,
      asOf: result.asOf,
      eventsConsidered: result.eventsConsidered,
      lastPosition: result.lastPosition ?? 0,
    };
  }
}
