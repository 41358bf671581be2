import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CustomerProfileDto } from '@klantcentraal/contracts';
import { IsIsoDateTime } from '@klantcentraal/http';
import { AS_OF_BASES, type AsOfBasis } from './customer-state-as-of';

const ISO = { type: String, format: 'date-time' } as const;

export class CustomerStateQueryDto {
  @ApiPropertyOptional({ ...ISO, example: '2026-03-01T10:00:00Z', description: 'The moment; ISO-8601 with a zone. Default: now' })
  @IsOptional()
  @IsIsoDateTime()
  asOf?: string;

  @ApiPropertyOptional({
    enum: AS_OF_BASES,
    default: 'recorded',
    description:
      '`recorded`: what was known at asOf (events recorded by then). `occurred`: what was true at asOf as known now ' +
      '(events that occurred by then, also those recorded later) — the same as GET /v1/customers/{id}?asOf=',
  })
  @IsOptional()
  @IsIn(AS_OF_BASES, { message: `must be one of: ${AS_OF_BASES.join(', ')}` })
  basis?: AsOfBasis;
}

/** The profile as it was at `asOf` (the same shape as GET /v1/customers/{id}), and what the answer rests on. */
export class CustomerStateDto extends CustomerProfileDto {
  @ApiProperty({ enum: AS_OF_BASES }) basis: string;
  @ApiProperty({ description: 'Events the answer rests on: recorded by asOf (recorded) or occurred by asOf (occurred)' })
  eventsConsidered: number;
  @ApiProperty({ description: 'Highest globalPosition among those events' }) lastPosition: number;
}
