/**
 * One class per event type's `data` (event catalogue v1, contract.md): every field rule of the catalogue as
 * class-validator decorators. Each class `implements` the domain's data type, so a catalogue change that the DTO
 * misses does not compile. The envelope picks the class by its sibling `type` (see append-events.dto.ts).
 */
import { Type as NestType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsIsoDateTime } from '@klantcentraal/http';
import {
  COMPANY_SIZES,
  COMPLAINT_SEVERITIES,
  DMU_ROLES,
  MEETING_KINDS,
  OPPORTUNITY_STAGES,
  RELATIONSHIP_INITIATORS,
  SALES_ROLES,
  type CompanySize,
  type ComplaintSeverity,
  type CustomerEvent,
  type CustomerEventType,
  type DmuRole,
  type MeetingKind,
  type OpportunityStage,
  type OrderLine,
  type RelationshipInitiator,
  type SalesRole,
} from '@klantcentraal/domain';

/** The `data` of one catalogue type. */
type DataOf<T extends CustomerEventType> = Extract<CustomerEvent, { type: T }>['data'];

const oneOf = (values: readonly string[]) => ({ message: `must be one of: ${values.join(', ')}` });
const finite = { allowNaN: false, allowInfinity: false } as const;
const CURRENCY = /^[A-Z]{3}$/;
const currencyMessage = { message: 'must be an ISO-4217 currency code: three upper-case letters, e.g. EUR' };

/** A required identifier or name: a non-empty string. */
function Text(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    IsNotEmpty()(target, key);
  };
}

export class ProspectRegisteredData implements DataOf<'ProspectRegistered'> {
  @ApiProperty({ example: 'Bakkerij De Vries BV' }) @Text() name: string;
  @ApiProperty({ enum: COMPANY_SIZES }) @IsIn(COMPANY_SIZES, oneOf(COMPANY_SIZES)) size: CompanySize;
  @ApiPropertyOptional({ example: 'food' }) @IsOptional() @IsString() industry?: string;
  @ApiPropertyOptional({ example: 'trade-fair' }) @IsOptional() @IsString() source?: string;
}

export class ContactAddedData implements DataOf<'ContactAdded'> {
  @ApiProperty({ example: 'c-1' }) @Text() contactId: string;
  @ApiProperty({ example: 'Anna de Vries' }) @Text() name: string;
  @ApiPropertyOptional({ example: 'anna@example.com' }) @IsOptional() @IsEmail({}, { message: 'must be an e-mail address' }) email?: string;
  @ApiProperty({ enum: DMU_ROLES }) @IsIn(DMU_ROLES, oneOf(DMU_ROLES)) dmuRole: DmuRole;
}

export class AccountManagerAssignedData implements DataOf<'AccountManagerAssigned'> {
  @ApiProperty({ example: 'e-7' }) @Text() employeeId: string;
  @ApiProperty({ enum: SALES_ROLES }) @IsIn(SALES_ROLES, oneOf(SALES_ROLES)) salesRole: SalesRole;
}

export class MailSentData implements DataOf<'MailSent'> {
  @ApiProperty({ example: 'm-1' }) @Text() mailId: string;
  @ApiPropertyOptional() @IsOptional() @IsString() campaignId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() subject?: string;
}

export class MailOpenedData implements DataOf<'MailOpened'> {
  @ApiProperty({ example: 'm-1' }) @Text() mailId: string;
}

export class MailClickedData implements DataOf<'MailClicked'> {
  @ApiProperty({ example: 'm-1' }) @Text() mailId: string;
  @ApiProperty({ example: 'https://example.com/offer' }) @Text() url: string;
}

export class WebsiteVisitedData implements DataOf<'WebsiteVisited'> {
  @ApiProperty({ example: 'https://example.com/pricing' }) @Text() url: string;
  @ApiPropertyOptional({ minimum: 0 }) @IsOptional() @IsNumber(finite) @Min(0) durationSeconds?: number;
}

export class MeetingHeldData implements DataOf<'MeetingHeld'> {
  @ApiProperty({ example: 'mt-1' }) @Text() meetingId: string;
  @ApiProperty({ enum: MEETING_KINDS }) @IsIn(MEETING_KINDS, oneOf(MEETING_KINDS)) kind: MeetingKind;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  contactIds?: string[];
}

export class QuoteRequestedData implements DataOf<'QuoteRequested'> {
  @ApiProperty({ example: 'Q-7' }) @Text() quoteId: string;
  @ApiProperty({ minimum: 0, description: 'the customer\'s expectation, in days' })
  @IsInt({ message: 'must be an integer ≥ 0' })
  @Min(0)
  expectedWithinDays: number;
}

export class QuoteSentData implements DataOf<'QuoteSent'> {
  @ApiProperty({ example: 'Q-7' }) @Text() quoteId: string;
  @ApiProperty({ example: 1200 }) @IsNumber(finite) amount: number;
  @ApiProperty({ example: 'EUR', pattern: CURRENCY.source }) @Matches(CURRENCY, currencyMessage) currency: string;
}

export class PromiseMadeData implements DataOf<'PromiseMade'> {
  @ApiProperty({ example: 'P-3' }) @Text() promiseId: string;
  @ApiProperty({ example: 'delivery of spare parts' }) @Text() subject: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-10T17:00:00Z' }) @IsIsoDateTime() expectedBy: string;
}

export class PromiseDeliveredData implements DataOf<'PromiseDelivered'> {
  @ApiProperty({ example: 'P-3' }) @Text() promiseId: string;
}

export class ExpectationAdjustedData implements DataOf<'ExpectationAdjusted'> {
  @ApiProperty({ example: 'Q-7', description: 'a quoteId or promiseId' }) @Text() subjectId: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-12T17:00:00Z' }) @IsIsoDateTime() expectedBy: string;
}

export class OrderLineData implements OrderLine {
  @ApiProperty({ example: 'SKU-1' }) @Text() sku: string;
  @ApiPropertyOptional({ example: 'flour' }) @IsOptional() @IsString() category?: string;
  @ApiProperty({ exclusiveMinimum: true, minimum: 0, example: 2 })
  @IsNumber(finite)
  @IsPositive({ message: 'must be greater than 0' })
  quantity: number;
  @ApiProperty({ minimum: 0, example: 12.5 }) @IsNumber(finite) @Min(0) unitPrice: number;
}

export class PurchaseMadeData implements DataOf<'PurchaseMade'> {
  @ApiProperty({ example: 'O-1' }) @Text() orderId: string;
  @ApiProperty({ type: [OrderLineData], minItems: 1 })
  @IsArray()
  @ArrayMinSize(1, { message: 'must have at least 1 line' })
  @ValidateNested({ each: true })
  @Type(() => OrderLineData)
  lines: OrderLineData[];
  @ApiProperty({ example: 25 }) @IsNumber(finite) total: number;
  @ApiProperty({ example: 'EUR', pattern: CURRENCY.source }) @Matches(CURRENCY, currencyMessage) currency: string;
}

export class ComplaintFiledData implements DataOf<'ComplaintFiled'> {
  @ApiProperty({ example: 'CP-1' }) @Text() complaintId: string;
  @ApiProperty({ example: 'late-delivery' }) @Text() category: string;
  @ApiPropertyOptional({ enum: COMPLAINT_SEVERITIES })
  @IsOptional()
  @IsIn(COMPLAINT_SEVERITIES, oneOf(COMPLAINT_SEVERITIES))
  severity?: ComplaintSeverity;
}

export class ComplaintResolvedData implements DataOf<'ComplaintResolved'> {
  @ApiProperty({ example: 'CP-1' }) @Text() complaintId: string;
  @ApiPropertyOptional() @IsOptional() @IsString() resolution?: string;
}

export class NpsRespondedData implements DataOf<'NpsResponded'> {
  @ApiProperty({ example: 'S-2026-Q1' }) @Text() surveyId: string;
  @ApiPropertyOptional({ example: 'c-1' }) @IsOptional() @IsString() contactId?: string;
  @ApiProperty({ minimum: 0, maximum: 10, example: 9 })
  @IsInt({ message: 'must be an integer 0–10' })
  @Min(0)
  @Max(10)
  score: number;
  @ApiPropertyOptional({ description: 'free text' }) @IsOptional() @IsString() improvement?: string;
}

export class OpportunityStageChangedData implements DataOf<'OpportunityStageChanged'> {
  @ApiProperty({ example: 'OP-1' }) @Text() opportunityId: string;
  @ApiProperty({ enum: OPPORTUNITY_STAGES }) @IsIn(OPPORTUNITY_STAGES, oneOf(OPPORTUNITY_STAGES)) stage: OpportunityStage;
  @ApiPropertyOptional({ example: 50000 }) @IsOptional() @IsNumber(finite) value?: number;
}

export class RelationshipEndedData implements DataOf<'RelationshipEnded'> {
  @ApiProperty({ enum: RELATIONSHIP_INITIATORS })
  @IsIn(RELATIONSHIP_INITIATORS, oneOf(RELATIONSHIP_INITIATORS))
  initiatedBy: RelationshipInitiator;
  @ApiPropertyOptional() @IsOptional() @IsString() reason?: string;
}

/** type → the class that validates its `data`. A catalogue type without a class does not compile. */
export const EVENT_DATA_CLASSES: Readonly<Record<CustomerEventType, NestType<object>>> = {
  ProspectRegistered: ProspectRegisteredData,
  ContactAdded: ContactAddedData,
  AccountManagerAssigned: AccountManagerAssignedData,
  MailSent: MailSentData,
  MailOpened: MailOpenedData,
  MailClicked: MailClickedData,
  WebsiteVisited: WebsiteVisitedData,
  MeetingHeld: MeetingHeldData,
  QuoteRequested: QuoteRequestedData,
  QuoteSent: QuoteSentData,
  PromiseMade: PromiseMadeData,
  PromiseDelivered: PromiseDeliveredData,
  ExpectationAdjusted: ExpectationAdjustedData,
  PurchaseMade: PurchaseMadeData,
  ComplaintFiled: ComplaintFiledData,
  ComplaintResolved: ComplaintResolvedData,
  NpsResponded: NpsRespondedData,
  OpportunityStageChanged: OpportunityStageChangedData,
  RelationshipEnded: RelationshipEndedData,
};
