import {
  lifecyclePhaseHistory,
  nextTimeDependentChangeAt,
  viewCustomerProfile,
  type CompanySize,
  type CustomerDefinition,
  type CustomerProfileState,
  type LifecyclePhase,
  type LoyaltyStatus,
} from '@klantcentraal/domain';

/**
 * The type-2 slowly changing customer dimension, derived (purely) from the customer-profile fold state.
 *
 * A version holds the customer's attributes over `[validFrom, validTo)`. The versions are what `viewCustomerProfile`
 * says at every moment: it is evaluated at each instant where the answer can change — every fact's `occurredAt`
 * (registrations, account managers, purchases, relationship ends, NPS answers, complaints filed and resolved), the
 * phase transitions of `lifecyclePhaseHistory`, and the instants time alone changes the customer
 * (`nextTimeDependentChangeAt`: departure by inactivity, purchase gap, overdue complaint). A time-caused change holds
 * for moments strictly after its instant, so its version starts one millisecond later (the resolution of occurredAt).
 *
 * Because the state keeps facts with their `occurredAt`, the versions do not depend on the order events were recorded
 * in (late recording): the writer recomputes a customer's versions whenever one of those facts arrives.
 *
 * The versions run to the end of time: a departure by inactivity that lies in the future is a version already (the
 * last, open-ended one). The first version starts at -infinity, so a fact dated before the registration (back-dated
 * entry) still finds its customer — as the prospect it was at registration.
 */
export type CustomerAttributes = Readonly<{
  /** null once the customer's personal data is erased. */
  name: string | null;
  size: CompanySize;
  lifecyclePhase: LifecyclePhase;
  cycle: number;
  loyaltyStatus: LoyaltyStatus;
  /** employeeId of the account manager, null while none is assigned. */
  accountManager: string | null;
}>;

export type CustomerVersion = CustomerAttributes &
  Readonly<{
    /** 1-based, in time order. */
    versionNo: number;
    /** Epoch ms; -Infinity for the first version. */
    validFromMs: number;
    /** Epoch ms, exclusive; Infinity for the last version. */
    validToMs: number;
  }>;

const sameAttributes = (a: CustomerAttributes, b: CustomerAttributes): boolean =>
  a.name === b.name &&
  a.size === b.size &&
  a.lifecyclePhase === b.lifecyclePhase &&
  a.cycle === b.cycle &&
  a.loyaltyStatus === b.loyaltyStatus &&
  a.accountManager === b.accountManager;

/** Instants (epoch ms) at which some fact the dimension depends on occurred. */
function factMoments(state: CustomerProfileState): number[] {
  const moments: string[] = [];
  for (const list of [state.registrations, state.accountManagers, state.purchases, state.relationshipEnds, state.npsResponses]) {
    for (const fact of list) moments.push(fact.occurredAt);
  }
  for (const complaint of state.complaints) {
    if (complaint.filedAt !== null) moments.push(complaint.filedAt);
    if (complaint.resolvedAt !== null) moments.push(complaint.resolvedAt);
  }
  return moments.map((iso) => Date.parse(iso));
}

export function customerVersions(state: CustomerProfileState, definition: CustomerDefinition): CustomerVersion[] {
  if (state.registrations.length === 0) return [];
  const registeredMs = Date.parse(state.registrations[0].occurredAt);
  const moments = new Set(factMoments(state));
  for (const transition of lifecyclePhaseHistory(state, END_OF_TIME, definition)) {
    moments.add(Date.parse(transition.at) + (transition.cause === 'inactivity' ? 1 : 0));
  }
  const eventMoments = [...moments].filter((ms) => ms >= registeredMs).sort((a, b) => a - b);

  const versions: { attributes: CustomerAttributes; fromMs: number }[] = [];
  let next = 0;
  let moment: number | null = eventMoments[0] ?? null;
  while (moment !== null) {
    const at = new Date(moment).toISOString();
    const view = viewCustomerProfile(state, at, definition);
    if (view !== null) {
      const attributes: CustomerAttributes = {
        name: view.name,
        size: view.size,
        lifecyclePhase: view.lifecyclePhase,
        cycle: view.cycle,
        loyaltyStatus: view.loyalty.status,
        accountManager: view.accountManager?.employeeId ?? null,
      };
      const last = versions[versions.length - 1];
      if (last === undefined || !sameAttributes(last.attributes, attributes)) versions.push({ attributes, fromMs: moment });
    }
    while (next < eventMoments.length && eventMoments[next] <= moment) next++;
    const timeChange = nextTimeDependentChangeAt(state, at, definition);
    // The view differs for moments strictly after the returned instant.
    const timeMs = timeChange === null ? Infinity : Math.max(Date.parse(timeChange) + 1, moment + 1);
    const following = Math.min(timeMs, eventMoments[next] ?? Infinity);
    moment = Number.isFinite(following) ? following : null;
  }

  return versions.map((version, index) => ({
    ...version.attributes,
    versionNo: index + 1,
    validFromMs: index === 0 ? -Infinity : version.fromMs,
    validToMs: versions[index + 1]?.fromMs ?? Infinity,
  }));
}

/** The version valid at `ms` (versions sorted, contiguous), or null when there is none. */
export function versionAt<V extends Pick<CustomerVersion, 'validFromMs' | 'validToMs'>>(versions: readonly V[], ms: number): V | null {
  let low = 0;
  let high = versions.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const version = versions[middle];
    if (ms < version.validFromMs) high = middle - 1;
    else if (ms >= version.validToMs) low = middle + 1;
    else return version;
  }
  return null;
}

const END_OF_TIME = '9999-12-31T23:59:59.999Z';
