import { CUSTOMER_EVENT_TYPES } from '../events';
import type { CustomerDefinition } from './customer-definition';
import { viewCustomerProfile, type CustomerProfileView } from './customer-profile.read-model';
import type { AtRiskReason, CustomerProfileState, LifecyclePhase, LoyaltyStatus } from './customer-profile.state';
import { DAY_MS, HOUR_MS, normaliseIso, toMs } from './time';

/**
 * A ready-to-serve profile: the view as of the customer's latest `occurredAt`, stored by the projector, from which the
 * profile at any later moment follows cheaply — after the last event only time passing changes it, and time changes
 * only the phase (departure by inactivity) and the loyalty status and reasons (lapsed, purchase gap, overdue
 * complaint). Reading it costs O(1) whatever the length of the stream; viewing the fold state costs O(events).
 */
export type ReadyCustomerProfile = Readonly<{
  /** The view as of `view.lastTouchpointAt`, under definition `view.definitionVersion`. */
  view: CustomerProfileView;
  /** The filing moment of the oldest complaint still open after the last event (complaint-overdue). */
  oldestOpenComplaintFiledAt: string | null;
}>;

/** The ready profile of a fold state; null when the customer is not registered (there is no profile to serve). */
export function readyCustomerProfile(state: CustomerProfileState, definition: CustomerDefinition): ReadyCustomerProfile | null {
  const view = state.lastTouchpointAt === null ? null : viewCustomerProfile(state, state.lastTouchpointAt, definition);
  if (view === null) return null;
  let oldestOpenComplaintFiledAt: string | null = null;
  for (const complaint of state.complaints) {
    if (complaint.filedAt === null || complaint.resolvedAt !== null) continue;
    if (oldestOpenComplaintFiledAt === null || complaint.filedAt < oldestOpenComplaintFiledAt) oldestOpenComplaintFiledAt = complaint.filedAt;
  }
  return { view, oldestOpenComplaintFiledAt };
}

/**
 * The profile as of `asOf` from a ready profile — equal to `viewCustomerProfile(state, asOf, definition)` — or
 * `undefined` when the ready profile cannot tell: `asOf` lies before the last event, or the definition is another
 * version than the one it was computed with. Then view the fold state.
 */
export function viewReadyCustomerProfile(
  ready: ReadyCustomerProfile,
  asOf: string,
  definition: CustomerDefinition,
): CustomerProfileView | undefined {
  const { view } = ready;
  const moment = normaliseIso(asOf, 'asOf');
  if (view.definitionVersion !== definition.version || view.lastTouchpointAt === null || moment < view.lastTouchpointAt) return undefined;
  const asOfMs = toMs(moment);
  const lastPurchaseMs = view.loyalty.lastPurchaseAt === null ? null : toMs(view.loyalty.lastPurchaseAt);
  const active = view.lifecyclePhase === 'new-customer' || view.lifecyclePhase === 'loyal-customer';
  // The same rules as viewCustomerProfile, with nothing but time between the last event and asOf.
  const phase: LifecyclePhase =
    active && lastPurchaseMs !== null && asOfMs - lastPurchaseMs > definition.departAfterDays * DAY_MS ? 'departed' : view.lifecyclePhase;
  const reasons: AtRiskReason[] = [];
  let status: LoyaltyStatus;
  if (phase === 'departed') status = 'lapsed';
  else if (view.loyalty.purchaseCount === 0 || lastPurchaseMs === null) status = 'none';
  else {
    if (view.nps.lastScore !== null && view.nps.lastScore <= definition.detractorMaxScore) reasons.push('detractor');
    const oldestOpen = ready.oldestOpenComplaintFiledAt;
    if (oldestOpen !== null && asOfMs - toMs(oldestOpen) > definition.complaintTargetHours * HOUR_MS) reasons.push('complaint-overdue');
    if (asOfMs - lastPurchaseMs > definition.departAfterDays * definition.purchaseGapFraction * DAY_MS) reasons.push('purchase-gap');
    status = reasons.length > 0 ? 'at-risk' : phase === 'loyal-customer' ? 'loyal' : 'new';
  }
  // Built field by field: a document stored as JSONB comes back with its keys reordered, and clients see this order.
  const byType: CustomerProfileView['touchpoints']['byType'] = {};
  for (const type of CUSTOMER_EVENT_TYPES) if (view.touchpoints.byType[type] !== undefined) byType[type] = view.touchpoints.byType[type];
  return {
    customerId: view.customerId,
    name: view.name,
    size: view.size,
    lifecyclePhase: phase,
    cycle: view.cycle,
    loyalty: { status, reasons, purchaseCount: view.loyalty.purchaseCount, lastPurchaseAt: view.loyalty.lastPurchaseAt },
    nps: { lastScore: view.nps.lastScore, category: view.nps.category, lastImprovement: view.nps.lastImprovement },
    complaints: { open: view.complaints.open, resolved: view.complaints.resolved },
    experience: { positive: view.experience.positive, asExpected: view.experience.asExpected, negative: view.experience.negative },
    accountManager: view.accountManager && { employeeId: view.accountManager.employeeId, salesRole: view.accountManager.salesRole },
    contacts: view.contacts.map((contact) => ({ contactId: contact.contactId, name: contact.name, email: contact.email, dmuRole: contact.dmuRole })),
    touchpoints: { total: view.touchpoints.total, byType },
    lastTouchpointAt: view.lastTouchpointAt,
    asOf: moment,
    definitionVersion: view.definitionVersion,
  };
}
