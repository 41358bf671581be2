import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { IsIsoDateTime } from '@klantcentraal/http';
import {
  BASKET_DEFAULTS,
  BASKET_LEVELS,
  BASKET_MAX_LIMIT,
  COHORT_PERIODS,
  TOUCHPOINT_DIMENSIONS,
  type BasketLevel,
  type CohortPeriod,
  type TouchpointDimension,
} from '@klantcentraal/warehouse';
import { IsAfter } from '../query-api.validators';

/** `groupBy=month,type` (or repeated `groupBy=month&groupBy=type`) as a list of dimensions. */
export function parseGroupBy(value: string | string[] | undefined): TouchpointDimension[] {
  if (value === undefined) return [];
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim());
  return [...new Set(parts.filter((part) => part !== ''))] as TouchpointDimension[];
}

function IsTouchpointDimensions(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTouchpointDimensions',
      validator: {
        validate: (value) =>
          (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) &&
          parseGroupBy(value as string | string[]).every((d) => (TOUCHPOINT_DIMENSIONS as readonly string[]).includes(d)),
        defaultMessage: (args) => {
          const value = args?.value;
          const unknown =
            typeof value === 'string' || Array.isArray(value)
              ? parseGroupBy(value as string | string[]).filter((d) => !(TOUCHPOINT_DIMENSIONS as readonly string[]).includes(d))
              : [];
          const what = unknown.length ? `unknown dimension${unknown.length > 1 ? 's' : ''} ${unknown.map((d) => `"${d}"`).join(', ')}` : 'must be a list';
          return `${what}: use a comma-separated list of ${TOUCHPOINT_DIMENSIONS.join(', ')}`;
        },
      },
    },
    options,
  );
}

/** A number from 0 to 1 (one message, whatever is wrong with it). */
function IsFraction(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isFraction',
      validator: {
        validate: (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1,
        defaultMessage: () => 'must be a number from 0 to 1',
      },
    },
    options,
  );
}

/** `[from, to)`, selecting by when things occurred. */
export class WarehousePeriodDto {
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

export class TouchpointsQueryDto extends WarehousePeriodDto {
  @ApiPropertyOptional({
    description:
      `Comma-separated dimensions to group by, any combination of ${TOUCHPOINT_DIMENSIONS.join(', ')}. ` +
      '`month` is YYYY-MM and `week` the ISO week YYYY-Www (UTC); `type` the event type name; `channel` mail, web, meeting, ' +
      'sales, service or survey; `department` the recording department (unknown when none was recorded); `size` and `phase` ' +
      'the customer AS IT WAS at each touchpoint. None: one row with the totals.',
    example: 'month,type',
  })
  @IsOptional()
  @IsTouchpointDimensions()
  groupBy?: string | string[];
}

export class BasketQueryDto extends WarehousePeriodDto {
  @ApiPropertyOptional({ enum: BASKET_LEVELS, default: BASKET_DEFAULTS.level, description: 'Items of a basket: SKUs or product categories' })
  @IsOptional()
  @IsIn(BASKET_LEVELS, { message: `must be one of ${BASKET_LEVELS.join(', ')}` })
  level?: BasketLevel;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, default: BASKET_DEFAULTS.minSupport, description: 'Least share of orders containing both sides' })
  @IsOptional()
  @Type(() => Number)
  @IsFraction()
  minSupport?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1,
    default: BASKET_DEFAULTS.minConfidence,
    description: 'Least share of the orders containing the antecedent that also contain the consequent',
  })
  @IsOptional()
  @Type(() => Number)
  @IsFraction()
  minConfidence?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: BASKET_MAX_LIMIT, default: BASKET_DEFAULTS.limit, description: 'Most rules returned (the strongest)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(BASKET_MAX_LIMIT)
  limit?: number;
}

export class CohortsQueryDto {
  @ApiPropertyOptional({ enum: COHORT_PERIODS, default: 'month', description: 'Cohorts and periods by calendar month or quarter (UTC)' })
  @IsOptional()
  @IsIn(COHORT_PERIODS, { message: `must be one of ${COHORT_PERIODS.join(', ')}` })
  by?: CohortPeriod;

  @ApiPropertyOptional({ description: 'Count purchases that occurred up to this moment. Default: now', example: '2026-03-01T00:00:00Z' })
  @IsOptional()
  @IsIsoDateTime()
  asOf?: string;
}

export class RfmQueryDto {
  @ApiPropertyOptional({ description: 'Score as of this moment (purchases up to then). Default: now', example: '2026-03-01T00:00:00Z' })
  @IsOptional()
  @IsIsoDateTime()
  asOf?: string;
}
