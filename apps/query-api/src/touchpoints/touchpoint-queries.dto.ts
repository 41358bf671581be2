import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CUSTOMER_EVENT_TYPES, type CustomerEventType } from '@klantcentraal/domain';

export const TOUCHPOINTS_DEFAULT_LIMIT = 50;
export const TOUCHPOINTS_MAX_LIMIT = 500;

export class TouchpointsQueryDto {
  @ApiPropertyOptional({
    description: 'Comma-separated event types to list (default: every catalogue type)',
    example: 'MeetingHeld,QuoteSent',
  })
  @IsOptional()
  // `types=a,b` and `types=a&types=b` both arrive as one list.
  @Transform(({ value }) => (Array.isArray(value) ? value : String(value).split(',')).map((t: string) => t.trim()).filter(Boolean))
  @ArrayMaxSize(CUSTOMER_EVENT_TYPES.length)
  @IsIn(CUSTOMER_EVENT_TYPES, { each: true, message: `each must be one of ${CUSTOMER_EVENT_TYPES.join(', ')}` })
  types?: CustomerEventType[];

  @ApiPropertyOptional({ minimum: 1, maximum: TOUCHPOINTS_MAX_LIMIT, default: TOUCHPOINTS_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(TOUCHPOINTS_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page (the page continues with older touchpoints)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'is not a cursor this API returned (use nextCursor of the previous page)' })
  @Min(1, { message: 'is not a cursor this API returned (use nextCursor of the previous page)' })
  cursor?: number;
}
