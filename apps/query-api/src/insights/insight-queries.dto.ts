import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { COMPANY_SIZES, type CompanySize } from '@klantcentraal/domain';
import { IsIsoDateTime } from '@klantcentraal/http';
import { IsAfter } from '../query-api.validators';

/** `[from, to)`, selecting by when things occurred. */
export class PeriodQueryDto {
  @ApiPropertyOptional({ description: 'Start of the period (included). Default: the beginning', example: '2026-01-01T00:00:00Z' })
  @IsOptional()
  @IsIsoDateTime()
  from?: string;

  @ApiPropertyOptional({ description: 'End of the period (excluded). Default: now', example: '2026-04-01T00:00:00Z' })
  @IsOptional()
  @IsIsoDateTime()
  @IsAfter('from')
  to?: string;
}

export class NpsQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ enum: COMPANY_SIZES, description: "Only customers of this size (the customer's current size)" })
  @IsOptional()
  @IsIn(COMPANY_SIZES, { message: `must be one of ${COMPANY_SIZES.join(', ')}` })
  size?: CompanySize;

  @ApiPropertyOptional({ description: "Only customers of this account manager (employeeId; the customer's current one)" })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  accountManager?: string;
}

export class LifecycleQueryDto {
  @ApiPropertyOptional({ description: 'The moment to count at. Default: now', example: '2026-03-01T00:00:00Z' })
  @IsOptional()
  @IsIsoDateTime()
  asOf?: string;
}
