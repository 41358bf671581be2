import type { ServerResponse } from 'node:http';
import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '@klantcentraal/auth';
import { ApiErrorResponses } from '@klantcentraal/http';
import { parseInsightTypes } from './feed-filter';
import { FeedQueryDto } from './feed-query.dto';
import { InsightFeed } from './insight-feed';

@ApiTags('feed')
@ApiBearerAuth()
@Roles('sales')
@Controller('v1/feed')
export class FeedController {
  constructor(private readonly feed: InsightFeed) {}

  @Get()
  @ApiOperation({
    summary: 'Real-time insights as Server-Sent Events',
    description: [
      'The insights of Kafka topic `customer-insights` as a `text/event-stream`. Each message:',
      '`id:` the CloudEvent id, `event:` the CloudEvent type (`insight.<type>`), `data:` the CloudEvent JSON (the same as',
      'the Kafka message value; ids, codes, numbers and timestamps only — a detractor\'s improvement text is in the profile,',
      '`GET /v1/customers/{customerId}`). A `: heartbeat` comment line keeps idle connections open.',
      'Without `Last-Event-ID` the stream starts live; with it, every insight after that one (matching the filters, in the',
      "feed's order) comes first, then the live ones. Role `sales` (or `admin`).",
    ].join(' '),
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this CloudEvent id (sent by EventSource on reconnect)' })
  @ApiOkResponse({ description: 'An endless event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiErrorResponses(400, 401, 403)
  async stream(
    @Query() query: FeedQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() response: ServerResponse,
  ): Promise<void> {
    const filter = { accountManager: query.accountManager ?? null, types: parseInsightTypes(query.types) };
    const resumeAfter = lastEventId?.trim() || query.lastEventId || null;
    await this.feed.open({ response, filter, resumeAfter });
  }
}
