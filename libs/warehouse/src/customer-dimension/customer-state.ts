import type { CustomerProfileState } from '@klantcentraal/domain';

/**
 * The part of the customer-profile fold state the customer dimension needs, as the warehouse keeps it in
 * `customer_state`: registrations, account managers, purchases, relationship ends, NPS answers and complaints (each
 * with its occurredAt), plus the fold's bookkeeping (last revision: redeliveries are ignored). Left out: contacts
 * (personal data), the improvement text of NPS answers (free text, personal data), quotes, promises and per-type
 * touchpoint timestamps — the warehouse keeps touchpoints as facts instead.
 *
 * The fold (`evolveCustomerProfile`) keeps an untouched fact list by reference, so `slimState` keeps those references
 * too and the writer can tell with `!==` which lists a batch changed.
 */
export function slimState(after: CustomerProfileState, before: CustomerProfileState | null): CustomerProfileState {
  const npsResponses =
    before !== null && after.npsResponses === before.npsResponses
      ? before.npsResponses
      : after.npsResponses.map((response) => (response.improvement === null ? response : { ...response, improvement: null }));
  return { ...after, contacts: [], quotes: [], promises: [], touchpoints: {}, npsResponses };
}

/** The fact lists the customer dimension derives from. */
export const DIMENSION_FACT_LISTS = [
  'registrations',
  'accountManagers',
  'purchases',
  'relationshipEnds',
  'npsResponses',
  'complaints',
] as const satisfies readonly (keyof CustomerProfileState)[];

export const dimensionFactsChanged = (before: CustomerProfileState | null, after: CustomerProfileState): boolean =>
  before === null || DIMENSION_FACT_LISTS.some((list) => before[list] !== after[list]);
