import type { CompanySize, CustomerEventType, DmuRole, RelationshipInitiator, SalesRole } from '../events';
import { CUSTOMER_EVENT_TYPES } from '../events';
import type { OrderedFact } from './time';

/** The customer profile's fold state and the names it uses (see customer-profile.read-model.ts). */

export const LIFECYCLE_PHASES = ['prospect', 'new-customer', 'loyal-customer', 'departed'] as const;
export type LifecyclePhase = (typeof LIFECYCLE_PHASES)[number];

export const LOYALTY_STATUSES = ['none', 'new', 'loyal', 'at-risk', 'lapsed'] as const;
export type LoyaltyStatus = (typeof LOYALTY_STATUSES)[number];

/** In the contract's order, which is the order of `loyalty.reasons`. */
export const AT_RISK_REASONS = ['detractor', 'complaint-overdue', 'purchase-gap'] as const;
export type AtRiskReason = (typeof AT_RISK_REASONS)[number];

export const EXPERIENCES = ['positive', 'as-expected', 'negative'] as const;
export type Experience = (typeof EXPERIENCES)[number];

/** Every catalogue event is a touchpoint, so the profile handles them all. */
export const CUSTOMER_PROFILE_EVENT_TYPES: readonly CustomerEventType[] = CUSTOMER_EVENT_TYPES;

// ---------------------------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------------------------

export type RegistrationFact = OrderedFact &
  Readonly<{ name: string | null; size: CompanySize; industry: string | null; source: string | null }>;
export type ContactFact = OrderedFact &
  Readonly<{ contactId: string; name: string | null; email: string | null; dmuRole: DmuRole }>;
export type AccountManagerFact = OrderedFact & Readonly<{ employeeId: string; salesRole: SalesRole }>;
export type PurchaseFact = OrderedFact & Readonly<{ orderId: string; total: number; currency: string }>;
export type RelationshipEndFact = OrderedFact & Readonly<{ initiatedBy: RelationshipInitiator }>;
/** `contactId` (when the answer named one) tells whose erasure nulls the improvement text. */
export type NpsFact = OrderedFact &
  Readonly<{ surveyId: string; score: number; improvement: string | null; contactId?: string | null }>;
export type AdjustmentFact = OrderedFact & Readonly<{ expectedBy: string }>;

/**
 * One complaint. An id filed again after it was resolved is a new complaint (as the stream rules allow), so
 * complaints are a list, not a map by id. `filedAt` is null only if a resolution arrived without its filing.
 */
export type ComplaintRecord = Readonly<{ complaintId: string; filedAt: string | null; resolvedAt: string | null }>;

/** One quote request with what was expected and when the quote went out; adjustments in `occurredAt` order. */
export type QuoteRecord = Readonly<{
  quoteId: string;
  requestedAt: string | null;
  expectedWithinDays: number | null;
  sentAt: string | null;
  adjustments: readonly AdjustmentFact[];
}>;

/** One promise with its expected moment and delivery; adjustments in `occurredAt` order. */
export type PromiseRecord = Readonly<{
  promiseId: string;
  madeAt: string | null;
  expectedBy: string | null;
  deliveredAt: string | null;
  adjustments: readonly AdjustmentFact[];
}>;

export type CustomerProfileState = Readonly<{
  customerId: string;
  /** Fact lists are kept sorted by `occurredAt`, then `streamRevision`. */
  registrations: readonly RegistrationFact[];
  contacts: readonly ContactFact[];
  accountManagers: readonly AccountManagerFact[];
  purchases: readonly PurchaseFact[];
  relationshipEnds: readonly RelationshipEndFact[];
  npsResponses: readonly NpsFact[];
  /** Subjects in recording order; an event refers to the latest subject under its id, as the stream rules do. */
  complaints: readonly ComplaintRecord[];
  quotes: readonly QuoteRecord[];
  promises: readonly PromiseRecord[];
  /** Ascending `occurredAt` of every event, per type. */
  touchpoints: Readonly<Partial<Record<CustomerEventType, readonly string[]>>>;
  touchpointTotal: number;
  /** Latest `occurredAt` of any event applied (a view as of an earlier moment recomputes it). */
  lastTouchpointAt: string | null;
  /** Highest `streamRevision` applied; events at or below it are redeliveries and are ignored. */
  lastStreamRevision: number;
  /** Highest `globalPosition` applied (for `X-Min-Position`). */
  lastPosition: number;
}>;

export const emptyCustomerProfileState = (customerId: string): CustomerProfileState => ({
  customerId,
  registrations: [],
  contacts: [],
  accountManagers: [],
  purchases: [],
  relationshipEnds: [],
  npsResponses: [],
  complaints: [],
  quotes: [],
  promises: [],
  touchpoints: {},
  touchpointTotal: 0,
  lastTouchpointAt: null,
  lastStreamRevision: -1,
  lastPosition: -1,
});

