import type { CustomerEvent } from '../events';

/**
 * The little a customer stream must remember to check the semantic rules of the contract — not a profile.
 * An id that is reused after its subject was closed (a complaint filed again after it was resolved, a quote
 * requested again after it was sent, a promise made again after it was delivered) starts that subject afresh:
 * `resolved`/`sent`/`delivered` describe the latest subject under the id.
 */
export type CustomerStreamState = Readonly<{
  /** A `ProspectRegistered` has been recorded. */
  exists: boolean;
  openComplaintIds: ReadonlySet<string>;
  resolvedComplaintIds: ReadonlySet<string>;
  requestedQuoteIds: ReadonlySet<string>;
  sentQuoteIds: ReadonlySet<string>;
  madePromiseIds: ReadonlySet<string>;
  deliveredPromiseIds: ReadonlySet<string>;
}>;

const none: ReadonlySet<string> = new Set<string>();

export const initialStreamState: CustomerStreamState = Object.freeze({
  exists: false,
  openComplaintIds: none,
  resolvedComplaintIds: none,
  requestedQuoteIds: none,
  sentQuoteIds: none,
  madePromiseIds: none,
  deliveredPromiseIds: none,
});

/** A quote is open from its request until it is sent; only open quotes can have their expectation adjusted. */
export const isQuoteOpen = (state: CustomerStreamState, quoteId: string): boolean =>
  state.requestedQuoteIds.has(quoteId) && !state.sentQuoteIds.has(quoteId);

/** A promise is open from when it is made until it is delivered. */
export const isPromiseOpen = (state: CustomerStreamState, promiseId: string): boolean =>
  state.madePromiseIds.has(promiseId) && !state.deliveredPromiseIds.has(promiseId);

// Copy-on-write so that earlier states stay valid; unchanged sets are shared.
const add = (set: ReadonlySet<string>, id: string): ReadonlySet<string> =>
  set.has(id) ? set : new Set(set).add(id);
const remove = (set: ReadonlySet<string>, id: string): ReadonlySet<string> => {
  if (!set.has(id)) return set;
  const copy = new Set(set);
  copy.delete(id);
  return copy;
};

/** Pure: folds one event into the state. It records what happened; checking the rules is the decider's job. */
export function evolveStreamState(state: CustomerStreamState, event: CustomerEvent): CustomerStreamState {
  switch (event.type) {
    case 'ProspectRegistered':
      return state.exists ? state : { ...state, exists: true };
    case 'ComplaintFiled':
      return {
        ...state,
        openComplaintIds: add(state.openComplaintIds, event.data.complaintId),
        resolvedComplaintIds: remove(state.resolvedComplaintIds, event.data.complaintId),
      };
    case 'ComplaintResolved':
      return {
        ...state,
        openComplaintIds: remove(state.openComplaintIds, event.data.complaintId),
        resolvedComplaintIds: add(state.resolvedComplaintIds, event.data.complaintId),
      };
    case 'QuoteRequested':
      return {
        ...state,
        requestedQuoteIds: add(state.requestedQuoteIds, event.data.quoteId),
        sentQuoteIds: remove(state.sentQuoteIds, event.data.quoteId),
      };
    case 'QuoteSent':
      return { ...state, sentQuoteIds: add(state.sentQuoteIds, event.data.quoteId) };
    case 'PromiseMade':
      return {
        ...state,
        madePromiseIds: add(state.madePromiseIds, event.data.promiseId),
        deliveredPromiseIds: remove(state.deliveredPromiseIds, event.data.promiseId),
      };
    case 'PromiseDelivered':
      return { ...state, deliveredPromiseIds: add(state.deliveredPromiseIds, event.data.promiseId) };
    case 'ContactAdded':
    case 'AccountManagerAssigned':
    case 'MailSent':
    case 'MailOpened':
    case 'MailClicked':
    case 'WebsiteVisited':
    case 'MeetingHeld':
    case 'ExpectationAdjusted':
    case 'PurchaseMade':
    case 'NpsResponded':
    case 'OpportunityStageChanged':
    case 'RelationshipEnded':
      return state;
    default: {
      const unhandled: never = event;
      throw new Error(`evolveStreamState: unhandled event type ${(unhandled as { type: string }).type}`);
    }
  }
}

/** The state after a whole stream (or any sequence of its events), from the initial state. */
export const foldStreamState = (
  events: Iterable<CustomerEvent>,
  state: CustomerStreamState = initialStreamState,
): CustomerStreamState => {
  let current = state;
  for (const event of events) current = evolveStreamState(current, event);
  return current;
};
