import type { Event } from './event';
import type { PersonalDataErased } from './privacy/personal-data';

/**
 * The event catalogue (docs/events.md). The `type` string is the stored contract: never derive it from a class name.
 * Timestamps are ISO-8601 strings; money is a decimal number plus an ISO-4217 currency.
 */
export type { Event } from './event';

export const COMPANY_SIZES = ['small', 'medium', 'large', 'enterprise'] as const;
export type CompanySize = (typeof COMPANY_SIZES)[number];

export const DMU_ROLES = ['decision-maker', 'influencer', 'buyer', 'user', 'gatekeeper', 'initiator'] as const;
export type DmuRole = (typeof DMU_ROLES)[number];

export const SALES_ROLES = [
  'inside-sales',
  'junior-account-manager',
  'account-manager',
  'senior-account-manager',
  'key-account-manager',
] as const;
export type SalesRole = (typeof SALES_ROLES)[number];

export const MEETING_KINDS = ['visit', 'call', 'video'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export const COMPLAINT_SEVERITIES = ['low', 'medium', 'high'] as const;
export type ComplaintSeverity = (typeof COMPLAINT_SEVERITIES)[number];

export const OPPORTUNITY_STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;
export type OpportunityStage = (typeof OPPORTUNITY_STAGES)[number];

export const RELATIONSHIP_INITIATORS = ['customer', 'supplier'] as const;
export type RelationshipInitiator = (typeof RELATIONSHIP_INITIATORS)[number];

/** Porter's value chain: the departments that record touchpoints. */
export const DEPARTMENTS = [
  'marketing-sales',
  'service',
  'inbound-logistics',
  'operations',
  'outbound-logistics',
  'procurement',
  'technology',
  'hrm',
  'infrastructure',
] as const;
export type Department = (typeof DEPARTMENTS)[number];

export type OrderLine = Readonly<{ sku: string; category?: string; quantity: number; unitPrice: number }>;

export type ProspectRegistered = Event<
  'ProspectRegistered',
  { name: string; size: CompanySize; industry?: string; source?: string }
>;
export type ContactAdded = Event<'ContactAdded', { contactId: string; name: string; email?: string; dmuRole: DmuRole }>;
export type AccountManagerAssigned = Event<'AccountManagerAssigned', { employeeId: string; salesRole: SalesRole }>;
export type MailSent = Event<'MailSent', { mailId: string; campaignId?: string; subject?: string }>;
export type MailOpened = Event<'MailOpened', { mailId: string }>;
export type MailClicked = Event<'MailClicked', { mailId: string; url: string }>;
export type WebsiteVisited = Event<'WebsiteVisited', { url: string; durationSeconds?: number }>;
export type MeetingHeld = Event<'MeetingHeld', { meetingId: string; kind: MeetingKind; contactIds?: string[] }>;
export type QuoteRequested = Event<'QuoteRequested', { quoteId: string; expectedWithinDays: number }>;
export type QuoteSent = Event<'QuoteSent', { quoteId: string; amount: number; currency: string }>;
export type PromiseMade = Event<'PromiseMade', { promiseId: string; subject: string; expectedBy: string }>;
export type PromiseDelivered = Event<'PromiseDelivered', { promiseId: string }>;
export type ExpectationAdjusted = Event<'ExpectationAdjusted', { subjectId: string; expectedBy: string }>;
export type PurchaseMade = Event<
  'PurchaseMade',
  { orderId: string; lines: readonly OrderLine[]; total: number; currency: string }
>;
export type ComplaintFiled = Event<
  'ComplaintFiled',
  { complaintId: string; category: string; severity?: ComplaintSeverity }
>;
export type ComplaintResolved = Event<'ComplaintResolved', { complaintId: string; resolution?: string }>;
export type NpsResponded = Event<
  'NpsResponded',
  { surveyId: string; contactId?: string; score: number; improvement?: string }
>;
export type OpportunityStageChanged = Event<
  'OpportunityStageChanged',
  { opportunityId: string; stage: OpportunityStage; value?: number }
>;
export type RelationshipEnded = Event<'RelationshipEnded', { initiatedBy: RelationshipInitiator; reason?: string }>;

export type CustomerEvent =
  | ProspectRegistered
  | ContactAdded
  | AccountManagerAssigned
  | MailSent
  | MailOpened
  | MailClicked
  | WebsiteVisited
  | MeetingHeld
  | QuoteRequested
  | QuoteSent
  | PromiseMade
  | PromiseDelivered
  | ExpectationAdjusted
  | PurchaseMade
  | ComplaintFiled
  | ComplaintResolved
  | NpsResponded
  | OpportunityStageChanged
  | RelationshipEnded;

export type CustomerEventType = CustomerEvent['type'];

/** Every catalogue type, in catalogue order. Adding a type to the union without listing it here fails to compile. */
export const CUSTOMER_EVENT_TYPES = [
  'ProspectRegistered',
  'ContactAdded',
  'AccountManagerAssigned',
  'MailSent',
  'MailOpened',
  'MailClicked',
  'WebsiteVisited',
  'MeetingHeld',
  'QuoteRequested',
  'QuoteSent',
  'PromiseMade',
  'PromiseDelivered',
  'ExpectationAdjusted',
  'PurchaseMade',
  'ComplaintFiled',
  'ComplaintResolved',
  'NpsResponded',
  'OpportunityStageChanged',
  'RelationshipEnded',
] as const satisfies readonly CustomerEventType[];

type Missing = Exclude<CustomerEventType, (typeof CUSTOMER_EVENT_TYPES)[number]>;
const _allTypesListed: Missing extends never ? true : Missing = true;
void _allTypesListed;

export function isCustomerEventType(value: unknown): value is CustomerEventType {
  return typeof value === 'string' && (CUSTOMER_EVENT_TYPES as readonly string[]).includes(value);
}

export type RecordedBy = Readonly<{ userId: string; department?: Department }>;

/** Customer ids double as stream names (`customer-<customerId>`). */
export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const customerStreamName = (customerId: string): string => `customer-${customerId}`;
export const customerIdFromStream = (stream: string): string => stream.slice('customer-'.length);

export const SCHEMA_VERSION = 1;

export type StoredEnvelope = Readonly<{
  eventId: string;
  customerId: string;
  occurredAt: string;
  recordedAt: string;
  recordedBy: RecordedBy;
  streamRevision: number;
  globalPosition: number;
  schemaVersion: number;
}>;

/** An event as stored and read back: the catalogue event plus its envelope. */
export type StoredCustomerEvent<E extends CustomerEvent = CustomerEvent> = E & StoredEnvelope;

/** Everything a customer stream holds: the touchpoints and the privacy service's erasures. */
export type StoredCustomerStreamEvent = StoredCustomerEvent | (PersonalDataErased & StoredEnvelope);
