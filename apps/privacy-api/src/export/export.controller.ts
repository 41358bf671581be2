import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { Pool } from 'pg';
import { Roles } from '@klantcentraal/auth';
import { CUSTOMER_ID_PATTERN } from '@klantcentraal/domain';
import type { EventStore } from '@klantcentraal/event-store';
import { ApiErrorResponses } from '@klantcentraal/http';
import { exportPersonalData } from '@klantcentraal/privacy';
import { PRIVACY_EVENT_STORE, PRIVACY_POOL } from '../privacy-api.tokens';

export class ExportPathDto {
  @ApiProperty({ example: 'acme-42', pattern: CUSTOMER_ID_PATTERN.source })
  @IsString()
  @Matches(CUSTOMER_ID_PATTERN, { message: `must match ${CUSTOMER_ID_PATTERN.source} (1–64 letters, digits, _ or -)` })
  customerId: string;
}

export class ExportQueryDto {
  @ApiPropertyOptional({ example: 'c-7', description: "The contact's data only; absent: every personal field of the customer" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  contactId?: string;
}

class PersonalDataItemDto {
  @ApiProperty() streamRevision: number;
  @ApiProperty({ example: 'ContactAdded' }) type: string;
  @ApiProperty({ type: String, format: 'date-time' }) occurredAt: string;
  @ApiProperty({ example: 'email' }) field: string;
  @ApiProperty({ type: String, nullable: true, description: 'null once erased' }) value: string | null;
}

export class SubjectAccessExportDto {
  @ApiProperty() customerId: string;
  @ApiProperty({ type: String, nullable: true }) contactId: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) generatedAt: string;
  @ApiProperty({ description: 'The subject (or its whole customer) has been erased' }) erased: boolean;
  @ApiProperty({ type: [PersonalDataItemDto] }) personalData: PersonalDataItemDto[];
}

@ApiTags('privacy')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 404)
@Roles('admin')
@Controller('v1/privacy/customers')
export class ExportController {
  constructor(
    @Inject(PRIVACY_EVENT_STORE) private readonly store: EventStore,
    @Inject(PRIVACY_POOL) private readonly pool: Pool,
  ) {}

  @Get(':customerId/export')
  @ApiOperation({ summary: 'Subject access (GDPR art. 15/20): every personal value held about a contact or customer' })
  @ApiOkResponse({ type: SubjectAccessExportDto })
  async export(@Param() { customerId }: ExportPathDto, @Query() { contactId }: ExportQueryDto): Promise<SubjectAccessExportDto> {
    const result = await exportPersonalData(this.store, this.pool, customerId, contactId ?? null);
    if (result === null) {
      throw new NotFoundException({ error: 'not-found', message: contactId ? `customer ${customerId} has no contact ${contactId}` : `no customer ${customerId}` });
    }
    return result;
  }
}
