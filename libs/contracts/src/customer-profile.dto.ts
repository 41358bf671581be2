/**
 * The profile's OpenAPI schema (contract `GET /v1/customers/{customerId}`): the query API serves it live and `asOf`,
 * the audit API as the body of its as-of state. The values come from viewCustomerProfile.
 */
import { ApiProperty } from '@nestjs/swagger';
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

const ISO = { type: String, format: 'date-time' } as const;

export class LoyaltyDto {
  @ApiProperty({ enum: LOYALTY_STATUSES })
  status: string;

  @ApiProperty({ enum: AT_RISK_REASONS, isArray: true, description: 'Every at-risk reason that holds (empty unless at-risk)' })
  reasons: string[];

  @ApiProperty({ description: 'Purchases in the current cycle (those of the ended cycle while departed)' })
  purchaseCount: number;

  @ApiProperty({ ...ISO, nullable: true, description: 'Latest purchase of any cycle' })
  lastPurchaseAt: string | null;
}

export class ProfileNpsDto {
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 10 })
  lastScore: number | null;

  @ApiProperty({ enum: NPS_CATEGORIES, nullable: true })
  category: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Improvement text of the latest answer (personal data)' })
  lastImprovement: string | null;
}

export class ComplaintCountsDto {
  @ApiProperty()
  open: number;

  @ApiProperty()
  resolved: number;
}

export class ExperienceCountsDto {
  @ApiProperty()
  positive: number;

  @ApiProperty()
  asExpected: number;

  @ApiProperty()
  negative: number;
}

export class AccountManagerDto {
  @ApiProperty({ example: 'emp-007' })
  employeeId: string;

  @ApiProperty({ enum: SALES_ROLES })
  salesRole: string;
}

export class ContactDto {
  @ApiProperty()
  contactId: string;

  @ApiProperty({ type: String, nullable: true, description: 'null once erased, and for analysts' })
  name: string | null;

  @ApiProperty({ type: String, nullable: true })
  email: string | null;

  @ApiProperty({ enum: DMU_ROLES })
  dmuRole: string;
}

export class TouchpointsDto {
  @ApiProperty()
  total: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: `Count per event type that occurred (${CUSTOMER_EVENT_TYPES.length} catalogue types), in catalogue order`,
    example: { ProspectRegistered: 1, MailSent: 4, PurchaseMade: 2 },
  })
  byType: Record<string, number>;
}

export class CustomerProfileDto {
  @ApiProperty({ example: 'acme-42' })
  customerId: string;

  @ApiProperty({ example: 'Bakkerij De Vries BV', type: String, nullable: true, description: 'null once erased' })
  name: string | null;

  @ApiProperty({ enum: COMPANY_SIZES })
  size: string;

  @ApiProperty({ enum: LIFECYCLE_PHASES })
  lifecyclePhase: string;

  @ApiProperty({ description: 'Relationship cycle (a departed customer who buys again starts the next)', minimum: 1 })
  cycle: number;

  @ApiProperty({ type: LoyaltyDto })
  loyalty: LoyaltyDto;

  @ApiProperty({ type: ProfileNpsDto })
  nps: ProfileNpsDto;

  @ApiProperty({ type: ComplaintCountsDto })
  complaints: ComplaintCountsDto;

  @ApiProperty({ type: ExperienceCountsDto, description: 'Delivered quotes and promises by experience' })
  experience: ExperienceCountsDto;

  @ApiProperty({ type: AccountManagerDto, nullable: true })
  accountManager: AccountManagerDto | null;

  @ApiProperty({ type: [ContactDto] })
  contacts: ContactDto[];

  @ApiProperty({ type: TouchpointsDto })
  touchpoints: TouchpointsDto;

  @ApiProperty({ ...ISO, nullable: true })
  lastTouchpointAt: string | null;

  @ApiProperty({ ...ISO, description: 'The moment the profile describes' })
  asOf: string;

  @ApiProperty({ description: 'Version of the customer definition that produced the profile' })
  definitionVersion: number;
}

export class CustomerSegmentDto {
  @ApiProperty({ type: [CustomerProfileDto] })
  items: CustomerProfileDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor: string | null;
}
