import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Matches, ValidateNested } from 'class-validator';
import { CUSTOMER_ID_PATTERN } from '@klantcentraal/domain';
import { CUSTOMER_ID_MESSAGE, EventEnvelopeDto, HasUniqueEventIds } from './append-events.dto';

export const MAX_EVENTS_PER_BULK_REQUEST = 10_000;

export class BulkEventDto extends EventEnvelopeDto {
  @ApiProperty({ example: 'acme-42', pattern: CUSTOMER_ID_PATTERN.source })
  @IsString()
  @Matches(CUSTOMER_ID_PATTERN, CUSTOMER_ID_MESSAGE)
  customerId: string;
}

export class BulkAppendEventsDto {
  @ApiProperty({
    type: [BulkEventDto],
    minItems: 1,
    maxItems: MAX_EVENTS_PER_BULK_REQUEST,
    description: "Events of any customers; each customer's events are appended in request order; all or nothing",
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'must contain at least 1 event' })
  @ArrayMaxSize(MAX_EVENTS_PER_BULK_REQUEST, { message: `must contain at most ${MAX_EVENTS_PER_BULK_REQUEST} events` })
  @HasUniqueEventIds()
  @ValidateNested({ each: true })
  @Type(() => BulkEventDto)
  events: BulkEventDto[];
}

export class BulkAppendEventsResponseDto {
  @ApiProperty({ example: 250 }) count: number;
  @ApiProperty({ example: 1043 }) firstPosition: number;
  @ApiProperty({ example: 1292 }) lastPosition: number;
}
