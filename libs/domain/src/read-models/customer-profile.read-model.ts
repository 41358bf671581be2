import { CUSTOMER_EVENT_TYPES, type CompanySize, type CustomerEventType, type DmuRole, type SalesRole } from '../events';
import type { CustomerDefinition } from './customer-definition';
import type { AtRiskReason, ComplaintRecord, CustomerProfileState, LifecyclePhase, LoyaltyStatus } from './customer-profile.state';
import { expectationOutcomes, walkLifecycle } from './customer-profile.timeline';
import { npsCategory, type NpsCategory } from './nps.read-model';
import { DAY_MS, HOUR_MS, countUpTo, isoFromMs, latest, normaliseIso, occurredBy, toMs } from './time';

/**
 * The customer profile read model (contract `GET /v1/customers/{customerId}`).
 *
 * `evolveCustomerProfile` folds a stream, in stream (recording) order, into `CustomerProfileState`: the facts the
 * profile needs, each with its `occurredAt`. Nothing derived is stored. `viewCustomerProfile` derives the profile
 * as of any moment by walking those facts in `occurredAt` order (ties by `streamRevision`) and ignoring what occurred
 * later, so
 * - late-recorded events give the same profile as in-order recording;
 * - the projector's row answers `?asOf=` in the past and the auditors' `basis=occurred` replay alike;
 * - time-dependent phases (departure by inactivity, purchase gap, overdue complaints) are evaluated at `asOf`;
 * - a new customer definition applies at the next view, without rebuilding state.
 * The state is plain JSON (arrays, ISO strings normalised to `toISOString()`), so it can be stored as JSONB.
 */

export * from './customer-profile.state';
export * from './customer-profile.fold';
export { expectationOutcomes, lifecyclePhaseHistory } from './customer-profile.timeline';
export type { ExpectationOutcome, PhaseTransition, PhaseTransitionCause } from './customer-profile.timeline';

// ---------------------------------------------------------------------------------------------------------------
// View
// ---------------------------------------------------------------------------------------------------------------

export type CustomerProfileView = {
  customerId: string;
  name: string | null;
  size: CompanySize;
  lifecyclePhase: LifecyclePhase;
  cycle: number;
  loyalty: {
    status: LoyaltyStatus;
    reasons: AtRiskReason[];
    /** Purchases in the current cycle (those of the departed cycle while departed). */
    purchaseCount: number;
    /** The latest purchase ever, whatever its cycle. */
    lastPurchaseAt: string | null;
  };
  nps: { lastScore: number | null; category: NpsCategory | null; lastImprovement: string | null };
  complaints: { open: number; resolved: number };
  experience: { positive: number; asExpected: number; negative: number };
  accountManager: { employeeId: string; salesRole: SalesRole } | null;
  contacts: { contactId: string; name: string | null; email: string | null; dmuRole: DmuRole }[];
  touchpoints: { total: number; byType: Partial<Record<CustomerEventType, number>> };
  lastTouchpointAt: string | null;
  asOf: string;
  definitionVersion: number;
};

/** Complaints filed by `asOf` and whether each was resolved by then. */
function complaintsAsOf(state: CustomerProfileState, asOf: string) {
  return state.complaints
    .filter((complaint): complaint is ComplaintRecord & { filedAt: string } => complaint.filedAt !== null && complaint.filedAt <= asOf)
    .map((complaint) => ({
      filedAt: complaint.filedAt,
      resolved: complaint.resolvedAt !== null && complaint.resolvedAt <= asOf,
    }));
}

/**
 * The contract profile as it was at `asOf`: only events that occurred at or before `asOf` count, and
 * time-dependent rules are evaluated at `asOf`. `null` when the customer was not registered yet at `asOf`
 * (its ProspectRegistered occurred later): there was no profile then, which the API answers with 404.
 *
 * - `loyalty.purchaseCount` counts the purchases of the current cycle, so it restarts at 1 when a departed customer
 *   buys again; while departed it still counts the purchases of the cycle that ended. `lastPurchaseAt` is the latest
 *   purchase of any cycle.
 * - `nps` is the latest answer by `occurredAt`; `lastImprovement` is that answer's improvement text (null if it
 *   gave none), not an older answer's.
 * - A contact added again under the same `contactId` updates it (latest by `occurredAt` wins); contacts are listed
 *   in the order they were first added. `email` is null when not given.
 * - `touchpoints.byType` lists only the types that occurred, in catalogue order.
 * - `experience` counts delivered quotes and promises only; an undelivered one has no experience yet.
 */
export function viewCustomerProfile(
  state: CustomerProfileState,
  asOf: string,
  definition: CustomerDefinition,
): CustomerProfileView | null {
  const moment = normaliseIso(asOf, 'asOf');
  const registration = latest(occurredBy(state.registrations, moment));
  if (registration === undefined) return null;
  const asOfMs = toMs(moment);

  const lifecycle = walkLifecycle(state, moment, definition);
  const phase: LifecyclePhase = lifecycle.phase ?? 'prospect';

  const lastNps = latest(occurredBy(state.npsResponses, moment));
  const complaints = complaintsAsOf(state, moment);
  const openComplaints = complaints.filter((complaint) => !complaint.resolved);

  const reasons: AtRiskReason[] = [];
  let status: LoyaltyStatus;
  if (phase === 'departed') status = 'lapsed';
  else if (lifecycle.cyclePurchases.length === 0) status = 'none';
  else {
    const lastPurchaseMs = toMs(lifecycle.cyclePurchases[lifecycle.cyclePurchases.length - 1].occurredAt);
    if (lastNps !== undefined && lastNps.score <= definition.detractorMaxScore) reasons.push('detractor');
    const targetMs = definition.complaintTargetHours * HOUR_MS;
    if (openComplaints.some((complaint) => asOfMs - toMs(complaint.filedAt) > targetMs)) reasons.push('complaint-overdue');
    if (asOfMs - lastPurchaseMs > definition.departAfterDays * definition.purchaseGapFraction * DAY_MS) reasons.push('purchase-gap');
    status = reasons.length > 0 ? 'at-risk' : phase === 'loyal-customer' ? 'loyal' : 'new';
  }

  const experience = { positive: 0, asExpected: 0, negative: 0 };
  for (const { experience: result } of expectationOutcomes(state, moment)) {
    if (result === 'positive') experience.positive++;
    else if (result === 'as-expected') experience.asExpected++;
    else if (result === 'negative') experience.negative++;
  }

  const accountManager = latest(occurredBy(state.accountManagers, moment));

  const contacts = new Map<string, CustomerProfileView['contacts'][number]>();
  for (const contact of occurredBy(state.contacts, moment)) {
    contacts.set(contact.contactId, {
      contactId: contact.contactId,
      name: contact.name,
      email: contact.email,
      dmuRole: contact.dmuRole,
    });
  }

  const byType: Partial<Record<CustomerEventType, number>> = {};
  let total = 0;
  let lastTouchpointAt: string | null = null;
  for (const type of CUSTOMER_EVENT_TYPES) {
    const occurred = state.touchpoints[type] ?? [];
    const count = countUpTo(occurred, moment);
    if (count === 0) continue;
    byType[type] = count;
    total += count;
    const latestOfType = occurred[count - 1];
    if (lastTouchpointAt === null || latestOfType > lastTouchpointAt) lastTouchpointAt = latestOfType;
  }

  return {
    customerId: state.customerId,
    name: registration.name,
    size: registration.size,
    lifecyclePhase: phase,
    cycle: Math.max(lifecycle.cycle, 1),
    loyalty: {
      status,
      reasons,
      purchaseCount: lifecycle.cyclePurchases.length,
      lastPurchaseAt: lifecycle.lastPurchaseAt,
    },
    nps: {
      lastScore: lastNps?.score ?? null,
      category: lastNps === undefined ? null : npsCategory(lastNps.score, definition),
      lastImprovement: lastNps?.improvement ?? null,
    },
    complaints: { open: openComplaints.length, resolved: complaints.length - openComplaints.length },
    experience,
    accountManager: accountManager ? { employeeId: accountManager.employeeId, salesRole: accountManager.salesRole } : null,
    contacts: [...contacts.values()],
    touchpoints: { total, byType },
    lastTouchpointAt,
    asOf: moment,
    definitionVersion: definition.version,
  };
}

/**
 * The first instant after `asOf` at which the profile changes with no event: the purchase gap opening, departure by
 * inactivity, an open complaint becoming overdue, an undelivered quote or promise becoming overdue. The view changes
 * for moments strictly after the returned instant. `null` when nothing is pending. Lets a projector or feed
 * re-evaluate "now" segments and raise time-dependent insights without polling every customer.
 */
export function nextTimeDependentChangeAt(
  state: CustomerProfileState,
  asOf: string,
  definition: CustomerDefinition,
): string | null {
  const moment = normaliseIso(asOf, 'asOf');
  const asOfMs = toMs(moment);
  const candidates: number[] = [];
  const lifecycle = walkLifecycle(state, moment, definition);
  const lastPurchase = latest(lifecycle.cyclePurchases);
  if (lastPurchase && (lifecycle.phase === 'new-customer' || lifecycle.phase === 'loyal-customer')) {
    const lastPurchaseMs = toMs(lastPurchase.occurredAt);
    candidates.push(lastPurchaseMs + definition.departAfterDays * definition.purchaseGapFraction * DAY_MS);
    candidates.push(lastPurchaseMs + definition.departAfterDays * DAY_MS);
  }
  for (const complaint of complaintsAsOf(state, moment)) {
    if (!complaint.resolved) candidates.push(toMs(complaint.filedAt) + definition.complaintTargetHours * HOUR_MS);
  }
  for (const expectation of expectationOutcomes(state, moment)) {
    // Overdue from the start of the day after the expected date; the view changes after its last millisecond.
    if (expectation.deliveredAt === null) candidates.push(toMs(expectation.expectedDate) + DAY_MS - 1);
  }
  const upcoming = candidates.filter((ms) => ms >= asOfMs);
  return upcoming.length === 0 ? null : isoFromMs(Math.min(...upcoming));
}
