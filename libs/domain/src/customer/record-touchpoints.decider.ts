import { RuleViolationError } from '../errors';
import type { CustomerEvent } from '../events';
import { evolveStreamState, isPromiseOpen, isQuoteOpen, type CustomerStreamState } from './customer-stream.state';

export { foldStreamState } from './customer-stream.state';

/** Append a batch of touchpoints, in order, to one customer's stream. */
export type RecordTouchpoints<E extends CustomerEvent = CustomerEvent> = Readonly<{
  customerId: string;
  events: readonly E[];
}>;

/** The stable codes a `RuleViolationError` from this decider carries in `rule`. */
export const CUSTOMER_STREAM_RULES = [
  'stream-must-start-with-prospect-registered',
  'prospect-already-registered',
  'complaint-already-open',
  'complaint-not-open',
  'quote-not-requested',
  'promise-not-made',
  'promise-already-delivered',
  'expectation-subject-not-open',
] as const;
export type CustomerStreamRule = (typeof CUSTOMER_STREAM_RULES)[number];

type Violation = Readonly<{ rule: CustomerStreamRule; reason: string }>;

/**
 * Checks the contract's semantic rules over the batch in order, folding each accepted event into the state so that
 * later events see earlier ones. Throws `RuleViolationError` at the first violation (the whole batch is rejected);
 * otherwise returns the events unchanged. Generic so a caller passing events with their envelope gets them back typed.
 */
export function decideRecordTouchpoints<E extends CustomerEvent>(
  command: RecordTouchpoints<E>,
  state: CustomerStreamState,
): readonly E[] {
  let current = state;
  command.events.forEach((event, index) => {
    const violation = check(current, event, command.customerId);
    if (violation) {
      throw new RuleViolationError(
        violation.rule,
        index,
        `events[${index}] (${event.type}): ${violation.reason} [${violation.rule}]`,
      );
    }
    current = evolveStreamState(current, event);
  });
  return command.events;
}

function check(state: CustomerStreamState, event: CustomerEvent, customerId: string): Violation | undefined {
  if (event.type === 'ProspectRegistered') {
    return state.exists
      ? {
          rule: 'prospect-already-registered',
          reason: `customer "${customerId}" is already registered; ProspectRegistered may only start the stream`,
        }
      : undefined;
  }
  if (!state.exists) {
    return {
      rule: 'stream-must-start-with-prospect-registered',
      reason: `customer "${customerId}" has no ProspectRegistered yet; a stream starts with ProspectRegistered`,
    };
  }
  switch (event.type) {
    case 'ComplaintFiled': {
      const { complaintId } = event.data;
      return state.openComplaintIds.has(complaintId)
        ? { rule: 'complaint-already-open', reason: `complaint "${complaintId}" is already filed and still open` }
        : undefined;
    }
    case 'ComplaintResolved': {
      const { complaintId } = event.data;
      if (state.openComplaintIds.has(complaintId)) return undefined;
      return {
        rule: 'complaint-not-open',
        reason: state.resolvedComplaintIds.has(complaintId)
          ? `complaint "${complaintId}" is already resolved`
          : `complaint "${complaintId}" was never filed`,
      };
    }
    case 'QuoteSent': {
      const { quoteId } = event.data;
      return state.requestedQuoteIds.has(quoteId)
        ? undefined
        : { rule: 'quote-not-requested', reason: `quote "${quoteId}" was never requested` };
    }
    case 'PromiseDelivered': {
      const { promiseId } = event.data;
      if (!state.madePromiseIds.has(promiseId)) {
        return { rule: 'promise-not-made', reason: `promise "${promiseId}" was never made` };
      }
      return state.deliveredPromiseIds.has(promiseId)
        ? { rule: 'promise-already-delivered', reason: `promise "${promiseId}" is already delivered` }
        : undefined;
    }
    case 'ExpectationAdjusted': {
      const { subjectId } = event.data;
      return isQuoteOpen(state, subjectId) || isPromiseOpen(state, subjectId)
        ? undefined
        : {
            rule: 'expectation-subject-not-open',
            reason:
              `"${subjectId}" is neither an open quote (requested, not sent)` +
              ' nor an open promise (made, not delivered)',
          };
    }
    // No rule beyond the stream having started.
    case 'ContactAdded':
    case 'AccountManagerAssigned':
    case 'MailSent':
    case 'MailOpened':
    case 'MailClicked':
    case 'WebsiteVisited':
    case 'MeetingHeld':
    case 'QuoteRequested':
    case 'PromiseMade':
    case 'PurchaseMade':
    case 'NpsResponded':
    case 'OpportunityStageChanged':
    case 'RelationshipEnded':
      return undefined;
    default: {
      const unhandled: never = event;
      throw new Error(`decideRecordTouchpoints: unhandled event type ${(unhandled as { type: string }).type}`);
    }
  }
}
