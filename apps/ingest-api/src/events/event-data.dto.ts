/**
 * One class per event type's `data` (the event catalogue, docs/events.md): every field rule of the catalogue as
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
  ArrayMaxSize,
  MaxLength,
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

/** Lengths of the contract's "Abuse resistance" limits. */
export const LIMITS = { id: 128, name: 200, email: 254, freeText: 2000, url: 2048, orderLines: 500, contactIds: 100 } as const;

/** A required identifier or name: a non-empty string of at most `max` characters. */
function Text(max: number): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    IsNotEmpty()(target, key);
    MaxLength(max, { message: `must be at most ${max} characters long` })(target, key);
  };
}

/** An optional string of at most `max` characters. */
function OptionalText(max: number): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    IsString()(target, key);
    MaxLength(max, { message: `must be at most ${max} characters long` })(target, key);
  };
}

/** Ids and codes (`*Id`, `sku`, `category`, …). */
const Id = () => Text(LIMITS.id);

export class ProspectRegisteredData implements DataOf<'ProspectRegistered'> {
  @ApiProperty({ example: 'Bakkerij De Vries BV', maxLength: LIMITS.name }) @Text(LIMITS.name) name: string;
  @ApiProperty({ enum: COMPANY_SIZES }) @IsIn(COMPANY_SIZES, oneOf(COMPANY_SIZES)) size: CompanySize;
  @ApiPropertyOptional({ example: 'food', maxLength: LIMITS.id }) @OptionalText(LIMITS.id) industry?: string;
  @ApiPropertyOptional({ example: 'trade-fair', maxLength: LIMITS.id }) @OptionalText(LIMITS.id) source?: string;
}

export class ContactAddedData implements DataOf<'ContactAdded'> {
  @ApiProperty({ example: 'c-1', maxLength: LIMITS.id }) @Id() contactId: string;
  @ApiProperty({ example: 'Anna de Vries', maxLength: LIMITS.name }) @Text(LIMITS.name) name: string;
  @ApiPropertyOptional({ example: 'anna@example.com', maxLength: LIMITS.email })
  @IsOptional()
  @IsEmail({}, { message: 'must be an e-mail address' })
  @MaxLength(LIMITS.email, { message: `must be at most ${LIMITS.email} characters long` })
  email?: string;
  @ApiProperty({ enum: DMU_ROLES }) @IsIn(DMU_ROLES, oneOf(DMU_ROLES)) dmuRole: DmuRole;
}

export class AccountManagerAssignedData implements DataOf<'AccountManagerAssigned'> {
  @ApiProperty({ example: 'e-7', maxLength: LIMITS.id }) @Id() employeeId: string;
  @ApiProperty({ enum: SALES_ROLES }) @IsIn(SALES_ROLES, oneOf(SALES_ROLES)) salesRole: SalesRole;
}

export class MailSentData implements DataOf<'MailSent'> {
  @ApiProperty({ example: 'm-1', maxLength: LIMITS.id }) @Id() mailId: string;
  @ApiPropertyOptional({ maxLength: LIMITS.id }) @OptionalText(LIMITS.id) campaignId?: string;
  @ApiPropertyOptional({ maxLength: LIMITS.name }) @OptionalText(LIMITS.name) subject?: string;
}

export class MailOpenedData implements DataOf<'MailOpened'> {
  @ApiProperty({ example: 'm-1', maxLength: LIMITS.id }) @Id() mailId: string;
}

export class MailClickedData implements DataOf<'MailClicked'> {
  @ApiProperty({ example: 'm-1', maxLength: LIMITS.id }) @Id() mailId: string;
  @ApiProperty({ example: 'https://example.com/offer', maxLength: LIMITS.url }) @Text(LIMITS.url) url: string;
}

export class WebsiteVisitedData implements DataOf<'WebsiteVisited'> {
  @ApiProperty({ example: 'https://example.com/pricing', maxLength: LIMITS.url }) @Text(LIMITS.url) url: string;
  @ApiPropertyOptional({ minimum: 0 }) @IsOptional() @IsNumber(finite) @Min(0) durationSeconds?: number;
}

export class MeetingHeldData implements DataOf<'MeetingHeld'> {
  @ApiProperty({ example: 'mt-1', maxLength: LIMITS.id }) @Id() meetingId: string;
  @ApiProperty({ enum: MEETING_KINDS }) @IsIn(MEETING_KINDS, oneOf(MEETING_KINDS)) kind: MeetingKind;
  @ApiPropertyOptional({ type: [String], maxItems: LIMITS.contactIds })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.contactIds, { message: `must have at most ${LIMITS.contactIds} contactIds` })
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(LIMITS.id, { each: true, message: `each must be at most ${LIMITS.id} characters long` })
  contactIds?: string[];
}

export class QuoteRequestedData implements DataOf<'QuoteRequested'> {
  @ApiProperty({ example: 'Q-7', maxLength: LIMITS.id }) @Id() quoteId: string;
  @ApiProperty({ minimum: 0, description: 'the customer\'s expectation, in days' })
  @IsInt({ message: 'must be an integer ≥ 0' })
  @Min(0)
  expectedWithinDays: number;
}

export class QuoteSentData implements DataOf<'QuoteSent'> {
  @ApiProperty({ example: 'Q-7', maxLength: LIMITS.id }) @Id() quoteId: string;
  @ApiProperty({ example: 1200 }) @IsNumber(finite) amount: number;
  @ApiProperty({ example: 'EUR', pattern: CURRENCY.source }) @Matches(CURRENCY, currencyMessage) currency: string;
}

export class PromiseMadeData implements DataOf<'PromiseMade'> {
  @ApiProperty({ example: 'P-3', maxLength: LIMITS.id }) @Id() promiseId: string;
  @ApiProperty({ example: 'delivery of spare parts', maxLength: LIMITS.name }) @Text(LIMITS.name) subject: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-10T17:00:00Z' }) @IsIsoDateTime() expectedBy: string;
}

export class PromiseDeliveredData implements DataOf<'PromiseDelivered'> {
  @ApiProperty({ example: 'P-3', maxLength: LIMITS.id }) @Id() promiseId: string;
}

export class ExpectationAdjustedData implements DataOf<'ExpectationAdjusted'> {
  @ApiProperty({ example: 'Q-7', description: 'a quoteId or promiseId', maxLength: LIMITS.id }) @Id() subjectId: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-12T17:00:00Z' }) @IsIsoDateTime() expectedBy: string;
}

export class OrderLineData implements OrderLine {
  @ApiProperty({ example: 'SKU-1', maxLength: LIMITS.id }) @Id() sku: string;
  @ApiPropertyOptional({ example: 'flour', maxLength: LIMITS.id }) @OptionalText(LIMITS.id) category?: string;
  @ApiProperty({ exclusiveMinimum: true, minimum: 0, example: 2 })
  @IsNumber(finite)
  @IsPositive({ message: 'must be greater than 0' })
  quantity: number;
  @ApiProperty({ minimum: 0, example: 12.5 }) @IsNumber(finite) @Min(0) unitPrice: number;
}

export class PurchaseMadeData implements DataOf<'PurchaseMade'> {
  @ApiProperty({ example: 'O-1', maxLength: LIMITS.id }) @Id() orderId: string;
  @ApiProperty({ type: [OrderLineData], minItems: 1, maxItems: LIMITS.orderLines })
  @IsArray()
  @ArrayMinSize(1, { message: 'must have at least 1 line' })
  @ArrayMaxSize(LIMITS.orderLines, { message: `must have at most ${LIMITS.orderLines} lines` })
  @ValidateNested({ each: true })
  @Type(() => OrderLineData)
  lines: OrderLineData[];
  @ApiProperty({ example: 25 }) @IsNumber(finite) total: number;
  @ApiProperty({ example: 'EUR', pattern: CURRENCY.source }) @Matches(CURRENCY, currencyMessage) currency: string;
}

export class ComplaintFiledData implements DataOf<'ComplaintFiled'> {
  @ApiProperty({ example: 'CP-1', maxLength: LIMITS.id }) @Id() complaintId: string;
  @ApiProperty({ example: 'late-delivery', maxLength: LIMITS.id }) @Id() category: string;
  @ApiPropertyOptional({ enum: COMPLAINT_SEVERITIES })
  @IsOptional()
  @IsIn(COMPLAINT_SEVERITIES, oneOf(COMPLAINT_SEVERITIES))
  severity?: ComplaintSeverity;
}

export class ComplaintResolvedData implements DataOf<'ComplaintResolved'> {
  @ApiProperty({ example: 'CP-1', maxLength: LIMITS.id }) @Id() complaintId: string;
  @ApiPropertyOptional({ maxLength: LIMITS.freeText }) @OptionalText(LIMITS.freeText) resolution?: string;
}

export class NpsRespondedData implements DataOf<'NpsResponded'> {
  @ApiProperty({ example: 'S-2026-Q1', maxLength: LIMITS.id }) @Id() surveyId: string;
  @ApiPropertyOptional({ example: 'c-1', maxLength: LIMITS.id }) @OptionalText(LIMITS.id) contactId?: string;
  @ApiProperty({ minimum: 0, maximum: 10, example: 9 })
  @IsInt({ message: 'must be an integer 0–10' })
  @Min(0)
  @Max(10)
  score: number;
  @ApiPropertyOptional({ description: 'free text', maxLength: LIMITS.freeText }) @OptionalText(LIMITS.freeText) improvement?: string;
}

export class OpportunityStageChangedData implements DataOf<'OpportunityStageChanged'> {
  @ApiProperty({ example: 'OP-1', maxLength: LIMITS.id }) @Id() opportunityId: string;
  @ApiProperty({ enum: OPPORTUNITY_STAGES }) @IsIn(OPPORTUNITY_STAGES, oneOf(OPPORTUNITY_STAGES)) stage: OpportunityStage;
  @ApiPropertyOptional({ example: 50000 }) @IsOptional() @IsNumber(finite) value?: number;
}

export class RelationshipEndedData implements DataOf<'RelationshipEnded'> {
  @ApiProperty({ enum: RELATIONSHIP_INITIATORS })
  @IsIn(RELATIONSHIP_INITIATORS, oneOf(RELATIONSHIP_INITIATORS))
  initiatedBy: RelationshipInitiator;
  @ApiPropertyOptional({ maxLength: LIMITS.freeText }) @OptionalText(LIMITS.freeText) reason?: string;
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
