import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles } from '@klantcentraal/auth';
import { ApiErrorResponses } from '@klantcentraal/http';
import { ReadsOwnWrites } from '../consistency/min-position.interceptor';
import { CustomerPathDto } from '../customers/customer-queries.dto';
import { GetTouchpointsQuery } from './get-touchpoints.query';
import { TOUCHPOINTS_DEFAULT_LIMIT, TouchpointsQueryDto } from './touchpoint-queries.dto';
import { TouchpointPageDto } from './touchpoints.dto';

@ApiTags('customers')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 404, 503)
@ReadsOwnWrites()
@Roles('analyst', 'sales')
@Controller('v1/customers')
export class TouchpointsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':customerId/touchpoints')
  @ApiOperation({
    summary: "A customer's touchpoints (the catalogue events of its stream), newest first",
    description:
      'Read from the event store, so an event is listed as soon as its append was acknowledged. ' +
      'Pass `nextCursor` as `cursor` for older touchpoints (null on the last page).',
  })
  @ApiParam({ name: 'customerId', example: 'c-00001' })
  @ApiOkResponse({ type: TouchpointPageDto })
  async touchpoints(@Param() { customerId }: CustomerPathDto, @Query() query: TouchpointsQueryDto): Promise<TouchpointPageDto> {
    const page = await this.queryBus.execute(
      new GetTouchpointsQuery(customerId, query.limit ?? TOUCHPOINTS_DEFAULT_LIMIT, query.types, query.cursor),
    );
    if (page === null) throw new NotFoundException({ error: 'not-found', message: `no customer ${customerId}` });
    return page;
  }
}
