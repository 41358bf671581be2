import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import {
  COMPANY_SIZES,
  CUSTOMER_ID_PATTERN,
  LIFECYCLE_PHASES,
  LOYALTY_STATUSES,
  type CompanySize,
  type LifecyclePhase,
  type LoyaltyStatus,
} from '@klantcentraal/domain';
import { IsIsoDateTime } from '@klantcentraal/http';
import { SEGMENT_DEFAULT_LIMIT, SEGMENT_MAX_LIMIT } from '@klantcentraal/read-models';
import { IsSegmentCursor } from '../query-api.validators';

export class CustomerPathDto {
  @Matches(CUSTOMER_ID_PATTERN, { message: 'must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' })
  customerId: string;
}

export class ProfileQueryDto {
  @ApiPropertyOptional({
    description: 'The profile as it was at this moment: events that occurred up to then, time-dependent fields evaluated then. Default: now.',
    example: '2026-03-01T10:00:00Z',
  })
  @IsOptional()
  @IsIsoDateTime()
  asOf?: string;
}

export class SegmentQueryDto {
  @ApiPropertyOptional({ enum: LIFECYCLE_PHASES, description: 'Lifecycle phase now' })
  @IsOptional()
  @IsIn(LIFECYCLE_PHASES, { message: `must be one of ${LIFECYCLE_PHASES.join(', ')}` })
  phase?: LifecyclePhase;

  @ApiPropertyOptional({ enum: LOYALTY_STATUSES, description: 'Loyalty status now' })
  @IsOptional()
  @IsIn(LOYALTY_STATUSES, { message: `must be one of ${LOYALTY_STATUSES.join(', ')}` })
  loyalty?: LoyaltyStatus;

  @ApiPropertyOptional({ description: "employeeId of the customer's account manager", example: 'emp-007' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  accountManager?: string;

  @ApiPropertyOptional({ enum: COMPANY_SIZES })
  @IsOptional()
  @IsIn(COMPANY_SIZES, { message: `must be one of ${COMPANY_SIZES.join(', ')}` })
  size?: CompanySize;

  @ApiPropertyOptional({ minimum: 1, maximum: SEGMENT_MAX_LIMIT, default: SEGMENT_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(SEGMENT_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsSegmentCursor()
  cursor?: string;
}
