import type { CustomerProfileState } from '../read-models/customer-profile.state';

/**
 * The part of a profile fold state the insight rules read, for a projector to keep between batches: the insight
 * rules view a stored state only at instants at or after everything in it (the evaluation instant, the timer's
 * window), so of the registrations only the first counts (it starts the walk; later ones change nothing), of the
 * NPS answers only the latest (the detractor reason), and contacts and the per-type touchpoint moments not at all.
 * A late-recorded registration or answer is inserted into what is kept exactly as into the whole list, so the
 * first and the latest stay what they would have been. Purchases, relationship ends, account managers, complaints,
 * quotes and promises are kept whole: a late event can change the walk, and a breach or miss found late is dated
 * and attributed in the past.
 *
 * For a long customer most events are visits, mails and contacts, so this is a fraction of the whole state.
 * live-insights.equivalence.spec.ts derives from states cut down like this between batches.
 */
export function insightWatchState(state: CustomerProfileState): CustomerProfileState {
  return {
    ...state,
    registrations: state.registrations.slice(0, 1),
    contacts: [],
    npsResponses: state.npsResponses.slice(-1),
    touchpoints: {},
  };
}
