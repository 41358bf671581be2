import type { CustomerDefinition } from './customer-definition';
import { HOUR_MS, toMs } from './time';

/** One complaint: when it was filed and, if it was, resolved (ISO timestamps of the events' `occurredAt`). */
export type ComplaintTimes = Readonly<{ filedAt: string; resolvedAt: string | null }>;

export type ComplaintSummary = Readonly<{
  filed: number;
  resolved: number;
  open: number;
  resolvedWithinTarget: number;
  /** resolvedWithinTarget / filed, a fraction 0–1; `null` when nothing was filed (0/0 is no evidence either way). */
  share: number | null;
  targetHours: number;
  targetShare: number;
  /** share ≥ targetShare; `null` when nothing was filed, like `share`. */
  meetsTarget: boolean | null;
  /** Ordinary median of the resolved complaints' hours to resolve; `null` when none is resolved. */
  medianHoursToResolve: number | null;
}>;

/**
 * The `/v1/insights/complaints` figures for the complaints filed in a period (the caller selects them by `filedAt`),
 * resolved or open as of `asOf`:
 * - a complaint filed after `asOf` had not been filed yet and is left out; one resolved after `asOf` is open;
 * - resolved within target = resolved no more than `complaintTargetHours` after filing (exactly 24 h counts);
 * - a resolution recorded with an `occurredAt` before the filing counts as resolved at once (0 hours).
 */
export function summariseComplaints(
  complaints: readonly ComplaintTimes[],
  asOf: string,
  definition: Pick<CustomerDefinition, 'complaintTargetHours' | 'complaintTargetShare'>,
): ComplaintSummary {
  const asOfMs = toMs(asOf, 'asOf');
  const targetMs = definition.complaintTargetHours * HOUR_MS;
  let filed = 0;
  let withinTarget = 0;
  const hoursToResolve: number[] = [];

  for (const complaint of complaints) {
    const filedMs = toMs(complaint.filedAt, 'filedAt');
    if (filedMs > asOfMs) continue;
    filed++;
    if (complaint.resolvedAt === null) continue;
    const resolvedMs = toMs(complaint.resolvedAt, 'resolvedAt');
    if (resolvedMs > asOfMs) continue;
    const elapsedMs = Math.max(0, resolvedMs - filedMs);
    if (elapsedMs <= targetMs) withinTarget++;
    hoursToResolve.push(elapsedMs / HOUR_MS);
  }

  const share = filed === 0 ? null : withinTarget / filed;
  return {
    filed,
    resolved: hoursToResolve.length,
    open: filed - hoursToResolve.length,
    resolvedWithinTarget: withinTarget,
    share,
    targetHours: definition.complaintTargetHours,
    targetShare: definition.complaintTargetShare,
    meetsTarget: share === null ? null : share >= definition.complaintTargetShare,
    medianHoursToResolve: median(hoursToResolve),
  };
}

/** The ordinary median: the middle value, or the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
