import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { Pool } from 'pg';
import { Roles } from '@klantcentraal/auth';
import { CUSTOMER_ID_PATTERN } from '@klantcentraal/domain';
import { ApiErrorResponses, IsIsoDateTime } from '@klantcentraal/http';
import { queryAccessLog } from '@klantcentraal/privacy';
import { PRIVACY_POOL } from '../privacy-api.tokens';

export class AccessLogQueryDto {
  @ApiPropertyOptional({ example: 'acme-42' })
  @IsOptional()
  @Matches(CUSTOMER_ID_PATTERN, { message: `must match ${CUSTOMER_ID_PATTERN.source}` })
  customerId?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'From (inclusive)' })
  @IsOptional()
  @IsIsoDateTime()
  from?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'To (exclusive)' })
  @IsOptional()
  @IsIsoDateTime()
  to?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'must be a nextCursor from a previous page' })
  cursor?: string;
}

class AccessLogEntryDto {
  @ApiProperty({ type: String, format: 'date-time' }) at: string;
  @ApiProperty({ example: 'crm-sync' }) keyName: string;
  @ApiProperty({ type: [String], example: ['sales'] }) roles: string[];
  @ApiProperty({ example: 'GET' }) method: string;
  @ApiProperty({ example: '/v1/customers/acme-42' }) path: string;
  @ApiProperty({ type: String, nullable: true, example: 'acme-42' }) customerId: string | null;
}

class AccessLogDto {
  @ApiProperty({ type: [AccessLogEntryDto] }) items: AccessLogEntryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

@ApiTags('audit')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403)
@Roles('auditor')
@Controller('v1/audit/access-log')
export class AccessLogController {
  constructor(@Inject(PRIVACY_POOL) private readonly pool: Pool) {}

  @Get()
  @ApiOperation({ summary: 'Every response that carried personal data: when, which key (name, roles), method, path, customer' })
  @ApiOkResponse({ type: AccessLogDto })
  async list(@Query() query: AccessLogQueryDto): Promise<AccessLogDto> {
    const page = await queryAccessLog(this.pool, { ...query, limit: query.limit ?? 50 });
    return { items: page.items.map((item) => ({ ...item, roles: [...item.roles] })), nextCursor: page.nextCursor };
  }
}
