import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Principal, Roles } from '@klantcentraal/auth';
import { ApiErrorResponses } from '@klantcentraal/http';
import {
  AppendEventsDto,
  AppendEventsResponseDto,
  CustomerPathDto,
  type EventEnvelopeDto,
} from './append-events.dto';
import { BulkAppendEventsDto, BulkAppendEventsResponseDto } from './bulk-append-events.dto';
import { BulkRecordTouchpointsCommand } from './bulk-record-touchpoints.command';
import { RecordTouchpointsCommand } from './record-touchpoints.command';
import type { TouchpointInput } from './touchpoint-batch';
import { ValidAppendBodyPipe, ValidBulkBodyPipe } from './valid-body.pipe';

/**
 * The bodies as the handlers read them. Declared as plain types (not the DTO classes) so the global ValidationPipe
 * leaves them to the route's own pipe (valid-body.pipe.ts): a valid body skips class-validator, any other is judged
 * by the ValidationPipe against the DTO as before. The OpenAPI document still describes the DTOs (@ApiBody).
 */
type AppendEventsBody = Pick<AppendEventsDto, 'expectedRevision' | 'events'>;
type BulkAppendEventsBody = Pick<BulkAppendEventsDto, 'events'>;

type StatusResponse = { status(code: number): unknown };

const EXAMPLE_ENVELOPE = {
  eventId: '3f0c2a8e-5b1d-4c7e-9a6f-2d8b1e4c7a90',
  type: 'QuoteSent',
  occurredAt: '2026-03-01T10:00:00Z',
  data: { quoteId: 'Q-7', amount: 1200, currency: 'EUR' },
  recordedBy: { userId: 'u-17', department: 'marketing-sales' },
};

@ApiTags('ingest')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 413)
@Controller('v1')
export class EventsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('customers/:customerId/events')
  @Roles('ingest')
  @HttpCode(201)
  @ApiOperation({
    summary: "Append events to one customer's stream (1–1000, all or nothing)",
    description:
      'Re-sending events whose eventIds are already stored with the same payload is a no-op answered with 200 and the ' +
      'original revisions, even when expectedRevision is stale by now.',
  })
  @ApiParam({ name: 'customerId', example: 'acme-42', description: 'matches ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' })
  @ApiBody({
    type: AppendEventsDto,
    examples: {
      quoteSent: { summary: 'One event', value: { expectedRevision: 4, events: [EXAMPLE_ENVELOPE] } },
      newCustomer: {
        summary: 'A new customer',
        value: {
          expectedRevision: 'no-stream',
          events: [
            { type: 'ProspectRegistered', data: { name: 'Bakkerij De Vries BV', size: 'medium', industry: 'food' } },
            { type: 'QuoteRequested', occurredAt: '2026-03-01T09:00:00+01:00', data: { quoteId: 'Q-7', expectedWithinDays: 5 } },
          ],
        },
      },
    },
  })
  @ApiCreatedResponse({ type: AppendEventsResponseDto, description: 'Appended' })
  @ApiOkResponse({ type: AppendEventsResponseDto, description: 'Identical retry: nothing written, the original result' })
  @ApiErrorResponses(409, 422)
  async appendToCustomer(
    @Param() { customerId }: CustomerPathDto,
    @Body(ValidAppendBodyPipe) body: AppendEventsBody,
    @Principal() principal: Principal,
    @Res({ passthrough: true }) res: StatusResponse,
  ): Promise<AppendEventsResponseDto> {
    const { created, ...result } = await this.commandBus.execute(
      new RecordTouchpointsCommand(customerId, body.expectedRevision ?? 'any', body.events.map(toInput), principal.name),
    );
    res.status(created ? 201 : 200);
    return result;
  }

  @Post('events')
  @Roles('ingest')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Bulk ingest across customers (1–10 000 events, atomic)',
    description: "Each event carries its customerId; each customer's events are appended in request order.",
  })
  @ApiBody({
    type: BulkAppendEventsDto,
    examples: { bulk: { summary: 'Two customers', value: { events: [{ customerId: 'acme-42', ...EXAMPLE_ENVELOPE }] } } },
  })
  @ApiCreatedResponse({ type: BulkAppendEventsResponseDto, description: 'Appended' })
  @ApiOkResponse({ type: BulkAppendEventsResponseDto, description: 'Identical retry: nothing written, the original positions' })
  @ApiErrorResponses(409, 422)
  async appendBulk(
    @Body(ValidBulkBodyPipe) body: BulkAppendEventsBody,
    @Principal() principal: Principal,
    @Res({ passthrough: true }) res: StatusResponse,
  ): Promise<BulkAppendEventsResponseDto> {
    const { created, ...result } = await this.commandBus.execute(
      new BulkRecordTouchpointsCommand(
        body.events.map((event) => ({ ...toInput(event), customerId: event.customerId })),
        principal.name,
      ),
    );
    res.status(created ? 201 : 200);
    return result;
  }
}

/** The validated DTO as plain JSON: what the client sent, without class instances or absent optional fields. */
function toInput({ eventId, type, occurredAt, data, recordedBy }: EventEnvelopeDto): TouchpointInput {
  return JSON.parse(JSON.stringify({ eventId, type, occurredAt, data, recordedBy })) as TouchpointInput;
}
