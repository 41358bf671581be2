import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@klantcentraal/auth';
import { ApiErrorResponses } from '@klantcentraal/http';
import { ReadsOwnWrites } from '../consistency/min-position.interceptor';
import {
  GetComplaintsInsightQuery,
  GetExperienceInsightQuery,
  GetFunnelInsightQuery,
  GetLifecycleInsightQuery,
  GetNpsInsightQuery,
} from './get-insight.queries';
import { LifecycleQueryDto, NpsQueryDto, PeriodQueryDto } from './insight-queries.dto';
import { ComplaintsInsightDto, ExperienceInsightDto, FunnelInsightDto, LifecycleInsightDto, NpsInsightDto } from './insights.dto';

@ApiTags('insights')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 503)
@ReadsOwnWrites()
@Roles('analyst', 'sales')
@Controller('v1/insights')
export class InsightsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('nps')
  @ApiOperation({
    summary: 'Net Promoter Score of the responses in a period',
    description: 'Every response that occurred in [from, to) counts once. `size` and `accountManager` select customers by their current size and account manager.',
  })
  @ApiOkResponse({ type: NpsInsightDto })
  nps(@Query() { from, to, size, accountManager }: NpsQueryDto): Promise<NpsInsightDto> {
    return this.queryBus.execute(new GetNpsInsightQuery({ from, to }, size, accountManager));
  }

  @Get('complaints')
  @ApiOperation({
    summary: 'Complaint handling against its target',
    description: 'The complaints filed in [from, to), resolved or open as of now; target from the customer definition (default 90 % within 24 hours).',
  })
  @ApiOkResponse({ type: ComplaintsInsightDto })
  complaints(@Query() { from, to }: PeriodQueryDto): Promise<ComplaintsInsightDto> {
    return this.queryBus.execute(new GetComplaintsInsightQuery({ from, to }));
  }

  @Get('lifecycle')
  @ApiOperation({ summary: 'Customers per lifecycle phase at a moment (default: now)' })
  @ApiOkResponse({ type: LifecycleInsightDto })
  lifecycle(@Query() { asOf }: LifecycleQueryDto): Promise<LifecycleInsightDto> {
    return this.queryBus.execute(new GetLifecycleInsightQuery(asOf));
  }

  @Get('funnel')
  @ApiOperation({
    summary: 'Sales funnel: opportunities per stage and stage-to-stage conversion in a period',
    description: 'entered: moved into the stage in [from, to); reached: got at least this far in the period; current: latest stage before `to`.',
  })
  @ApiOkResponse({ type: FunnelInsightDto })
  funnel(@Query() { from, to }: PeriodQueryDto): Promise<FunnelInsightDto> {
    return this.queryBus.execute(new GetFunnelInsightQuery({ from, to }));
  }

  @Get('experience')
  @ApiOperation({ summary: 'Expectation versus performance: quotes sent and promises delivered in a period, by experience' })
  @ApiOkResponse({ type: ExperienceInsightDto })
  experience(@Query() { from, to }: PeriodQueryDto): Promise<ExperienceInsightDto> {
    return this.queryBus.execute(new GetExperienceInsightQuery({ from, to }));
  }
}
