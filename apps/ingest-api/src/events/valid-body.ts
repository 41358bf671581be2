/**
 * A fast YES for ingest bodies that are valid as they stand, so that the common case skips class-transformer and
 * class-validator (together about a third of a millisecond per event: most of the CPU of a 1 000-event bulk request
 * before this check existed).
 *
 * It is only ever a shortcut, never a second opinion: it answers true only when every field passes the very same
 * class-validator predicates the DTOs (append-events.dto.ts, bulk-append-events.dto.ts, event-data.dto.ts) declare,
 * and no field is unknown. Anything else — a bad value, an unknown field, a shape it does not know — answers false,
 * and the body then goes through the full ValidationPipe exactly as before: every 400 and its details come from
 * there, unchanged. `valid-body.spec.ts` keeps the field lists equal to the DTOs' and checks both paths agree.
 */
import {
  arrayMaxSize,
  arrayMinSize,
  isArray,
  isEmail,
  isIn,
  isInt,
  isNotEmpty,
  isNumber,
  isPositive,
  isString,
  isUUID,
  matches,
  max,
  maxLength,
  min,
} from 'class-validator';
import { isIsoDateTimeWithZone } from '@klantcentraal/http';
import {
  COMPANY_SIZES,
  COMPLAINT_SEVERITIES,
  CUSTOMER_EVENT_TYPES,
  CUSTOMER_ID_PATTERN,
  DEPARTMENTS,
  DMU_ROLES,
  MEETING_KINDS,
  OPPORTUNITY_STAGES,
  RELATIONSHIP_INITIATORS,
  SALES_ROLES,
  type CustomerEventType,
} from '@klantcentraal/domain';
import { LIMITS } from './event-data.dto';

type Check = (value: unknown) => boolean;
/** Field → its check; a field missing from the object is `undefined` to its check. */
export type Shape = Readonly<Record<string, Check>>;

const finite = { allowNaN: false, allowInfinity: false } as const;
const CURRENCY = /^[A-Z]{3}$/;

// The DTO decorators, as predicates (event-data.dto.ts `Text`, `OptionalText`, `Id`; @IsOptional lets null through).
const optional = (check: Check): Check => (v) => v === undefined || v === null || check(v);
const text = (limit: number): Check => (v) => isString(v) && isNotEmpty(v) && maxLength(v, limit);
const optionalText = (limit: number): Check => optional((v) => isString(v) && maxLength(v, limit));
const id = text(LIMITS.id);
const oneOf = (values: readonly string[]): Check => (v) => isIn(v, values as unknown as unknown[]);
const finiteNumber: Check = (v) => isNumber(v, finite);
const currency: Check = (v) => matches(v as string, CURRENCY);
const dateTime: Check = (v) => isIsoDateTimeWithZone(v);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every field of the shape passes and the object has no other field. */
export function fitsShape(value: unknown, shape: Shape): boolean {
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) if (!Object.prototype.hasOwnProperty.call(shape, key)) return false;
  for (const key in shape) if (!shape[key](value[key])) return false;
  return true;
}

export const ORDER_LINE_SHAPE: Shape = {
  sku: id,
  category: optionalText(LIMITS.id),
  quantity: (v) => finiteNumber(v) && isPositive(v),
  unitPrice: (v) => finiteNumber(v) && min(v, 0),
};

/** The `data` of each catalogue type (event-data.dto.ts, class by class). */
export const DATA_SHAPES: Readonly<Record<CustomerEventType, Shape>> = {
  ProspectRegistered: { name: text(LIMITS.name), size: oneOf(COMPANY_SIZES), industry: optionalText(LIMITS.id), source: optionalText(LIMITS.id) },
  ContactAdded: {
    contactId: id,
    name: text(LIMITS.name),
    email: optional((v) => isEmail(v, {}) && maxLength(v, LIMITS.email)),
    dmuRole: oneOf(DMU_ROLES),
  },
  AccountManagerAssigned: { employeeId: id, salesRole: oneOf(SALES_ROLES) },
  MailSent: { mailId: id, campaignId: optionalText(LIMITS.id), subject: optionalText(LIMITS.name) },
  MailOpened: { mailId: id },
  MailClicked: { mailId: id, url: text(LIMITS.url) },
  WebsiteVisited: { url: text(LIMITS.url), durationSeconds: optional((v) => finiteNumber(v) && min(v, 0)) },
  MeetingHeld: {
    meetingId: id,
    kind: oneOf(MEETING_KINDS),
    contactIds: optional((v) => isArray(v) && arrayMaxSize(v, LIMITS.contactIds) && v.every(id)),
  },
  QuoteRequested: { quoteId: id, expectedWithinDays: (v) => isInt(v) && min(v, 0) },
  QuoteSent: { quoteId: id, amount: finiteNumber, currency },
  PromiseMade: { promiseId: id, subject: text(LIMITS.name), expectedBy: dateTime },
  PromiseDelivered: { promiseId: id },
  ExpectationAdjusted: { subjectId: id, expectedBy: dateTime },
  PurchaseMade: {
    orderId: id,
    lines: (v) => isArray(v) && arrayMinSize(v, 1) && arrayMaxSize(v, LIMITS.orderLines) && v.every((line) => fitsShape(line, ORDER_LINE_SHAPE)),
    total: finiteNumber,
    currency,
  },
  ComplaintFiled: { complaintId: id, category: id, severity: optional(oneOf(COMPLAINT_SEVERITIES)) },
  ComplaintResolved: { complaintId: id, resolution: optionalText(LIMITS.freeText) },
  NpsResponded: { surveyId: id, contactId: optionalText(LIMITS.id), score: (v) => isInt(v) && min(v, 0) && max(v, 10), improvement: optionalText(LIMITS.freeText) },
  OpportunityStageChanged: { opportunityId: id, stage: oneOf(OPPORTUNITY_STAGES), value: optional(finiteNumber) },
  RelationshipEnded: { initiatedBy: oneOf(RELATIONSHIP_INITIATORS), reason: optionalText(LIMITS.freeText) },
};

/** RecordedByDto. */
export const RECORDED_BY_SHAPE: Shape = { userId: text(LIMITS.id), department: optional(oneOf(DEPARTMENTS)) };

const isEventType = oneOf(CUSTOMER_EVENT_TYPES);

/** EventEnvelopeDto; `data` is judged by the class of the sibling `type`, so it is checked in `fitsEnvelope`. */
export const ENVELOPE_SHAPE: Shape = {
  eventId: optional((v) => isUUID(v, 'all')),
  type: isEventType,
  occurredAt: optional(dateTime),
  data: () => true,
  recordedBy: optional((v) => fitsShape(v, RECORDED_BY_SHAPE)),
};

/** BulkEventDto: the envelope and its customer. */
export const BULK_EVENT_SHAPE: Shape = { ...ENVELOPE_SHAPE, customerId: (v) => isString(v) && matches(v, CUSTOMER_ID_PATTERN) };

function fitsEnvelope(event: unknown, shape: Shape): boolean {
  return fitsShape(event, shape) && fitsShape((event as { data: unknown }).data, DATA_SHAPES[(event as { type: CustomerEventType }).type]);
}

/** No two events share an eventId, compared as the DTO's HasUniqueEventIds does (lower case). */
function uniqueEventIds(events: readonly unknown[]): boolean {
  const seen = new Set<string>();
  for (const event of events) {
    const id = (event as { eventId?: unknown }).eventId;
    if (typeof id !== 'string') continue;
    const key = id.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

function fitsEvents(events: unknown, maxEvents: number, shape: Shape): boolean {
  return (
    isArray(events) &&
    arrayMinSize(events, 1) &&
    arrayMaxSize(events, maxEvents) &&
    events.every((event) => fitsEnvelope(event, shape)) &&
    uniqueEventIds(events)
  );
}

/** True when the bulk body (BulkAppendEventsDto) is valid as it stands; false: let the ValidationPipe judge it. */
export function isValidBulkBody(body: unknown, maxEvents: number): boolean {
  return fitsShape(body, { events: () => true }) && fitsEvents((body as { events: unknown }).events, maxEvents, BULK_EVENT_SHAPE);
}

/** `expectedRevision` as IsExpectedRevision (append-events.dto.ts) takes it. */
const expectedRevision: Check = (v) => v === 'any' || v === 'no-stream' || (Number.isSafeInteger(v) && (v as number) >= 0);

/** True when the single-customer body (AppendEventsDto) is valid as it stands; false: let the ValidationPipe judge it. */
export function isValidAppendBody(body: unknown, maxEvents: number): boolean {
  return (
    fitsShape(body, { expectedRevision: optional(expectedRevision), events: () => true }) &&
    fitsEvents((body as { events: unknown }).events, maxEvents, ENVELOPE_SHAPE)
  );
}
