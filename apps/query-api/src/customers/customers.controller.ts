import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles } from '@klantcentraal/auth';
import { ApiErrorResponses } from '@klantcentraal/http';
import { ReadsOwnWrites } from '../consistency/min-position.interceptor';
import { CustomerProfileDto, CustomerSegmentDto } from '@klantcentraal/contracts';
import { CustomerPathDto, ProfileQueryDto, SegmentQueryDto } from './customer-queries.dto';
import { FindCustomersQuery } from './find-customers.query';
import { GetCustomerProfileQuery } from './get-customer-profile.query';

@ApiTags('customers')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 503)
@ReadsOwnWrites()
@Roles('analyst', 'sales')
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'Customers in a segment, evaluated now',
    description:
      'Phase and loyalty are evaluated at the moment of the request, so a customer departs by inactivity without a new event. ' +
      'Ordered by customerId; pass `nextCursor` as `cursor` for the next page (null on the last page).',
  })
  @ApiOkResponse({ type: CustomerSegmentDto })
  async findCustomers(@Query() { limit, cursor, ...filter }: SegmentQueryDto): Promise<CustomerSegmentDto> {
    return this.queryBus.execute(new FindCustomersQuery(filter, limit, cursor));
  }

  @Get(':customerId')
  @ApiOperation({ summary: "A customer's profile, now or as it was at `asOf`" })
  @ApiParam({ name: 'customerId', example: 'acme-42' })
  @ApiOkResponse({ type: CustomerProfileDto })
  @ApiErrorResponses(404)
  async getProfile(@Param() { customerId }: CustomerPathDto, @Query() { asOf }: ProfileQueryDto): Promise<CustomerProfileDto> {
    const profile = await this.queryBus.execute(new GetCustomerProfileQuery(customerId, asOf));
    if (profile === null) {
      throw new NotFoundException({
        error: 'not-found',
        message: asOf === undefined ? `no customer ${customerId}` : `no customer ${customerId} registered by ${asOf}`,
      });
    }
    return profile;
  }
}
