/** Shared by customer-profile.read-model.spec.ts and customer-profile-as-of.read-model.spec.ts. */
import { CUSTOMER_EVENT_TYPES, type StoredCustomerEvent } from '../../events';
import { DEFAULT_CUSTOMER_DEFINITION, type CustomerDefinition } from '../customer-definition';
import {
  CUSTOMER_PROFILE_EVENT_TYPES,
  evolveCustomerProfile,
  expectationOutcomes,
  lifecyclePhaseHistory,
  nextTimeDependentChangeAt,
  replayCustomerProfile,
  viewCustomerProfile,
  type CustomerProfileState,
  type CustomerProfileView,
} from '../customer-profile.read-model';
import { DAY, HOUR, deepFreeze, plus, recordedInOrder, storedEvents } from './stored-event.fixture';

export const definition = DEFAULT_CUSTOMER_DEFINITION;
export const T0 = '2025-01-06T10:00:00.000Z';
export const at = (days: number, ms = 0): string => plus(T0, days * DAY + ms);

/** A customer stream whose helpers read like the touchpoints they record. */
export function customer(customerId = 'C-1') {
  const stream = storedEvents(customerId);
  let orders = 0;
  return {
    event: stream.event,
    registered: (occurredAt = T0) => stream.event('ProspectRegistered', { name: 'Acme BV', size: 'medium', industry: 'food' }, occurredAt),
    purchased: (occurredAt: string, overrides?: { recordedAt?: string }) =>
      stream.event(
        'PurchaseMade',
        { orderId: `O-${++orders}`, lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: 50 }], total: 100, currency: 'EUR' },
        occurredAt,
        overrides,
      ),
    ended: (occurredAt: string) => stream.event('RelationshipEnded', { initiatedBy: 'customer' }, occurredAt),
    answeredNps: (occurredAt: string, score: number, improvement?: string) =>
      stream.event('NpsResponded', { surveyId: 'S-1', score, ...(improvement ? { improvement } : {}) }, occurredAt),
    complained: (occurredAt: string, complaintId = 'K-1') =>
      stream.event('ComplaintFiled', { complaintId, category: 'delivery' }, occurredAt),
    resolved: (occurredAt: string, complaintId = 'K-1') => stream.event('ComplaintResolved', { complaintId }, occurredAt),
    quoteRequested: (occurredAt: string, expectedWithinDays: number, quoteId = 'Q-1') =>
      stream.event('QuoteRequested', { quoteId, expectedWithinDays }, occurredAt),
    quoteSent: (occurredAt: string, quoteId = 'Q-1') =>
      stream.event('QuoteSent', { quoteId, amount: 1200, currency: 'EUR' }, occurredAt),
    promised: (occurredAt: string, expectedBy: string, promiseId = 'P-1') =>
      stream.event('PromiseMade', { promiseId, subject: 'installation', expectedBy }, occurredAt),
    delivered: (occurredAt: string, promiseId = 'P-1') => stream.event('PromiseDelivered', { promiseId }, occurredAt),
    adjusted: (occurredAt: string, subjectId: string, expectedBy: string) =>
      stream.event('ExpectationAdjusted', { subjectId, expectedBy }, occurredAt),
    mailed: (occurredAt: string) => stream.event('MailSent', { mailId: 'M-1' }, occurredAt),
  };
}

export const fold = (events: readonly StoredCustomerEvent[], def: CustomerDefinition = definition): CustomerProfileState => {
  const state = replayCustomerProfile(events, def);
  if (state === null) throw new Error('no events');
  return state;
};

/** given(events).asOf(moment) → the profile view (failing the spec when there is none). */
export const given = (events: readonly StoredCustomerEvent[], def: CustomerDefinition = definition) => ({
  asOf(moment: string): CustomerProfileView {
    const view = viewCustomerProfile(fold(events, def), moment, def);
    if (view === null) throw new Error(`no profile as of ${moment}`);
    return view;
  },
});

export type { CustomerProfileState };
export { CUSTOMER_EVENT_TYPES, CUSTOMER_PROFILE_EVENT_TYPES, evolveCustomerProfile, expectationOutcomes, lifecyclePhaseHistory, nextTimeDependentChangeAt, viewCustomerProfile, HOUR, deepFreeze, recordedInOrder };
