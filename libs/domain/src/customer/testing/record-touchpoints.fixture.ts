/** Shared by record-touchpoints.decider.spec.ts and record-touchpoints-open-items.decider.spec.ts. */
import { RuleViolationError } from '../../errors';
import type { CustomerEvent } from '../../events';
import { DeciderSpecification } from '../../testing/decider-specification';
import {
  evolveStreamState,
  foldStreamState,
  initialStreamState,
  isQuoteOpen,
} from '../customer-stream.state';
import { CUSTOMER_STREAM_RULES, decideRecordTouchpoints, type RecordTouchpoints } from '../record-touchpoints.decider';

export const customerId = 'acme-1';
export const record = (...events: CustomerEvent[]): RecordTouchpoints => ({ customerId, events });

export const prospectRegistered: CustomerEvent = { type: 'ProspectRegistered', data: { name: 'Acme BV', size: 'medium' } };
export const contactAdded: CustomerEvent = {
  type: 'ContactAdded',
  data: { contactId: 'p-1', name: 'Anna', dmuRole: 'decision-maker' },
};
export const complaintFiled = (complaintId: string): CustomerEvent => ({
  type: 'ComplaintFiled',
  data: { complaintId, category: 'delivery', severity: 'high' },
});
export const complaintResolved = (complaintId: string): CustomerEvent => ({
  type: 'ComplaintResolved',
  data: { complaintId },
});
export const quoteRequested = (quoteId: string): CustomerEvent => ({
  type: 'QuoteRequested',
  data: { quoteId, expectedWithinDays: 2 },
});
export const quoteSent = (quoteId: string): CustomerEvent => ({
  type: 'QuoteSent',
  data: { quoteId, amount: 1200, currency: 'EUR' },
});
export const promiseMade = (promiseId: string): CustomerEvent => ({
  type: 'PromiseMade',
  data: { promiseId, subject: 'spare parts', expectedBy: '2026-03-10T00:00:00Z' },
});
export const promiseDelivered = (promiseId: string): CustomerEvent => ({ type: 'PromiseDelivered', data: { promiseId } });
export const expectationAdjusted = (subjectId: string): CustomerEvent => ({
  type: 'ExpectationAdjusted',
  data: { subjectId, expectedBy: '2026-03-12T00:00:00Z' },
});
export const purchaseMade = (orderId: string): CustomerEvent => ({
  type: 'PurchaseMade',
  data: { orderId, lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: 50 }], total: 100, currency: 'EUR' },
});
export const relationshipEnded: CustomerEvent = { type: 'RelationshipEnded', data: { initiatedBy: 'customer' } };

/** One of each catalogue type that has no rule of its own beyond the stream having started. */
export const ruleFreeTouchpoints: CustomerEvent[] = [
  contactAdded,
  { type: 'AccountManagerAssigned', data: { employeeId: 'e-1', salesRole: 'account-manager' } },
  { type: 'MailSent', data: { mailId: 'm-1', campaignId: 'spring' } },
  { type: 'MailOpened', data: { mailId: 'm-1' } },
  { type: 'MailClicked', data: { mailId: 'm-1', url: 'https://example.com/offer' } },
  { type: 'WebsiteVisited', data: { url: 'https://example.com/pricing', durationSeconds: 40 } },
  { type: 'MeetingHeld', data: { meetingId: 'mt-1', kind: 'visit', contactIds: ['p-1'] } },
  quoteRequested('Q-1'),
  promiseMade('P-1'),
  purchaseMade('O-1'),
  { type: 'NpsResponded', data: { surveyId: 's-1', score: 9 } },
  { type: 'OpportunityStageChanged', data: { opportunityId: 'op-1', stage: 'proposal', value: 5000 } },
  relationshipEnded,
];

// Instantiated: TypeScript cannot infer a command type from a generic decider.
export const spec = DeciderSpecification.for(decideRecordTouchpoints<CustomerEvent>, evolveStreamState, initialStreamState);
export const violates = (rule: string, index: number) =>
  [RuleViolationError, { code: 'rule-violation', rule, index }] as const;

export { RuleViolationError, foldStreamState, initialStreamState, isQuoteOpen, CUSTOMER_STREAM_RULES, decideRecordTouchpoints };
