import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import {
  AT_RISK_REASONS,
  COMPANY_SIZES,
  CUSTOMER_EVENT_TYPES,
  DMU_ROLES,
  LIFECYCLE_PHASES,
  LOYALTY_STATUSES,
  NPS_CATEGORIES,
  SALES_ROLES,
} from '@klantcentraal/domain';
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

// The profile's schema (contract GET /v1/customers/{id}); Audit-prefixed so the names cannot clash with the query
// API's schemas in the all-in-one OpenAPI document.
class AuditLoyaltyDto {
  @ApiProperty({ enum: LOYALTY_STATUSES }) status: string;
  @ApiProperty({ enum: AT_RISK_REASONS, isArray: true }) reasons: string[];
  @ApiProperty() purchaseCount: number;
  @ApiProperty({ ...ISO, nullable: true }) lastPurchaseAt: string | null;
}
class AuditNpsDto {
  @ApiProperty({ type: Number, nullable: true }) lastScore: number | null;
  @ApiProperty({ enum: NPS_CATEGORIES, nullable: true }) category: string | null;
  @ApiProperty({ type: String, nullable: true }) lastImprovement: string | null;
}
class AuditComplaintCountsDto {
  @ApiProperty() open: number;
  @ApiProperty() resolved: number;
}
class AuditExperienceCountsDto {
  @ApiProperty() positive: number;
  @ApiProperty() asExpected: number;
  @ApiProperty() negative: number;
}
class AuditAccountManagerDto {
  @ApiProperty() employeeId: string;
  @ApiProperty({ enum: SALES_ROLES }) salesRole: string;
}
class AuditContactDto {
  @ApiProperty() contactId: string;
  @ApiProperty({ type: String, nullable: true, description: 'null once erased' }) name: string | null;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ enum: DMU_ROLES }) dmuRole: string;
}
class AuditTouchpointsDto {
  @ApiProperty() total: number;
  @ApiProperty({
    type: 'object',
    description: 'Count per event type that occurred',
    properties: Object.fromEntries(CUSTOMER_EVENT_TYPES.map((type) => [type, { type: 'integer' }])),
  })
  byType: Record<string, number>;
}

export class CustomerStateDto {
  @ApiProperty({ example: 'acme-42' }) customerId: string;
  @ApiProperty({ type: String, nullable: true, description: 'null once erased' }) name: string | null;
  @ApiProperty({ enum: COMPANY_SIZES }) size: string;
  @ApiProperty({ enum: LIFECYCLE_PHASES }) lifecyclePhase: string;
  @ApiProperty() cycle: number;
  @ApiProperty({ type: AuditLoyaltyDto }) loyalty: AuditLoyaltyDto;
  @ApiProperty({ type: AuditNpsDto }) nps: AuditNpsDto;
  @ApiProperty({ type: AuditComplaintCountsDto }) complaints: AuditComplaintCountsDto;
  @ApiProperty({ type: AuditExperienceCountsDto }) experience: AuditExperienceCountsDto;
  @ApiProperty({ type: AuditAccountManagerDto, nullable: true }) accountManager: AuditAccountManagerDto | null;
  @ApiProperty({ type: [AuditContactDto] }) contacts: AuditContactDto[];
  @ApiProperty({ type: AuditTouchpointsDto }) touchpoints: AuditTouchpointsDto;
  @ApiProperty({ ...ISO, nullable: true }) lastTouchpointAt: string | null;
  @ApiProperty({ ...ISO, description: 'The moment, normalised (UTC, milliseconds)' }) asOf: string;
  @ApiProperty() definitionVersion: number;
  @ApiProperty({ enum: AS_OF_BASES }) basis: string;
  @ApiProperty({ description: 'Events the answer rests on: recorded by asOf (recorded) or occurred by asOf (occurred)' })
  eventsConsidered: number;
  @ApiProperty({ description: 'Highest globalPosition among those events' }) lastPosition: number;
}
