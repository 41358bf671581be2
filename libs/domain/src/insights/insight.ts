import { sha256Hex } from './sha-256';

/** What an insight is (contract "Real-time insight feed"); the rules that find them are in insights.ts. */

export const INSIGHT_TYPES = [
  'lifecycle-phase-changed',
  'customer-became-loyal',
  'customer-at-risk',
  'detractor-responded',
  'complaint-sla-breached',
  'expectation-missed',
] as const;
export type InsightType = (typeof INSIGHT_TYPES)[number];

export const isInsightType = (value: unknown): value is InsightType =>
  typeof value === 'string' && (INSIGHT_TYPES as readonly string[]).includes(value);

/** The CloudEvent `type` of an insight. */
export const insightCloudEventType = (type: InsightType): `insight.${InsightType}` => `insight.${type}`;

export type InsightValue = string | number | boolean | null | readonly string[];

export type Insight = Readonly<{
  /** Deterministic: see `insightId`. */
  id: string;
  type: InsightType;
  customerId: string;
  /** When the insight became true: the event's `occurredAt`, or the instant time made it true. */
  time: string;
  /** The event being applied when it was found; for `dueInsights`, the customer's last applied position. */
  globalPosition: number;
  /** The account manager's employeeId (as of the evaluation instant, or as of `time` for time-caused facts). */
  accountManager: string | null;
  data: Readonly<Record<string, InsightValue>>;
}>;

/**
 * A UUID-shaped id (RFC 9562 version 8, name-based on SHA-256 like its appendix example: 122 bits of the hash) of
 * `customerId|type|causeKey`.
 */
export function insightId(customerId: string, type: InsightType, causeKey: string): string {
  const hex = sha256Hex(`${customerId}|${type}|${causeKey}`);
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Without duplicates (the first of an id wins), in `time` order, then type order, then id. */
export function orderedInsights(found: readonly (Insight | null)[]): Insight[] {
  const byId = new Map<string, Insight>();
  for (const insight of found) if (insight !== null && !byId.has(insight.id)) byId.set(insight.id, insight);
  return [...byId.values()].sort(
    (a, b) =>
      (a.time < b.time ? -1 : a.time > b.time ? 1 : 0) ||
      INSIGHT_TYPES.indexOf(a.type) - INSIGHT_TYPES.indexOf(b.type) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
