import type { ServerResponse } from 'node:http';
import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '@klantcentraal/auth';
import { ApiErrorResponses } from '@klantcentraal/http';
import { AuditCustomerPathDto, AuditHistoryDto } from './audit-event.dto';
import { ReadCustomerHistoryQuery } from './read-customer-history.query';
import { jsonDocument, ndjsonLines, writeStreamed } from './streamed-response';

export const NDJSON = 'application/x-ndjson';

@ApiTags('audit')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 404)
@Controller('v1/audit/customers')
export class CustomerHistoryController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':customerId/events')
  @Roles('auditor')
  @ApiOperation({
    summary: "A customer's whole event stream, in order, with positions, both timestamps and integrity hashes",
    description:
      `With \`Accept: ${NDJSON}\` one event per line (NDJSON). Otherwise one JSON document \`{ customerId, events }\`. ` +
      'Both are streamed from the event store page by page with backpressure: any length, constant server memory, ' +
      'no limit. Each event carries every stored field its `hash` covers, so the chain can be recomputed from the ' +
      'response alone (README: "Verifying the hash chain yourself").',
  })
  @ApiProduces('application/json', NDJSON)
  @ApiOkResponse({ type: AuditHistoryDto, description: `JSON; with Accept: ${NDJSON}, one AuditEventDto per line` })
  async events(
    @Param() { customerId }: AuditCustomerPathDto,
    @Headers('accept') accept: string | undefined,
    @Res() res: ServerResponse,
  ): Promise<void> {
    const history = await this.queryBus.execute(new ReadCustomerHistoryQuery(customerId));
    const ndjson = wantsNdjson(accept);
    res.statusCode = 200;
    res.setHeader('Content-Type', `${ndjson ? NDJSON : 'application/json'}; charset=utf-8`);
    res.setHeader('Cache-Control', 'no-store');
    await writeStreamed(res, ndjson ? ndjsonLines(history.events) : jsonDocument({ customerId }, 'events', history.events));
  }
}

/** NDJSON when the client lists it with a non-zero quality. */
export function wantsNdjson(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .map((part) => part.trim().toLowerCase().split(';').map((s) => s.trim()))
    .some(([type, ...params]) => type === NDJSON && !params.some((p) => /^q=0(\.0*)?$/.test(p)));
}
