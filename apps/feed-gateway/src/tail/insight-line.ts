/** One readable line per insight for the terminal tail: when, which customer, what, and the numbers that matter. */

type InsightEvent = Readonly<{
  id?: string;
  type?: string;
  subject?: string;
  time?: string;
  data?: Readonly<Record<string, unknown>>;
}>;

const ENVELOPE_FIELDS = new Set(['customerId', 'accountManager', 'globalPosition']);

const show = (value: unknown): string =>
  value === null || value === undefined ? '-' : Array.isArray(value) ? value.join('+') || '-' : String(value);

const dateOf = (iso: unknown): string => (typeof iso === 'string' ? iso.slice(0, 10) : '-');

/** The key facts per insight type; unknown types list their data fields. */
function facts(type: string, data: Readonly<Record<string, unknown>>): string {
  switch (type) {
    case 'lifecycle-phase-changed':
      return `${show(data.from)} → ${show(data.to)} (cycle ${show(data.cycle)}${data.cause ? `, ${show(data.cause)}` : ''})`;
    case 'customer-became-loyal':
      return `${show(data.purchaseCount)} purchases, cycle ${show(data.cycle)} (was ${show(data.previousStatus)})`;
    case 'customer-at-risk':
      return `reasons ${show(data.reasons)} (new: ${show(data.newReasons)})`;
    case 'detractor-responded':
      return `NPS ${show(data.score)} on survey ${show(data.surveyId)}${data.contactId ? ` by contact ${show(data.contactId)}` : ''}${
        data.hasImprovement ? ' — has an improvement text (see the profile)' : ''
      }`;
    case 'complaint-sla-breached':
      return `complaint ${show(data.complaintId)} filed ${show(data.filedAt)} open past ${show(data.targetHours)} h`;
    case 'expectation-missed':
      return `${show(data.kind)} ${show(data.subjectId)} expected ${show(data.expectedDate)}, ${
        data.deliveredAt ? `delivered ${dateOf(data.deliveredAt)}` : 'not delivered'
      }`;
    default:
      return Object.entries(data)
        .filter(([key]) => !ENVELOPE_FIELDS.has(key))
        .map(([key, value]) => `${key}=${show(value)}`)
        .join(' ');
  }
}

/** `2026-03-01 10:00:00Z  acme  detractor-responded  NPS 3 on survey S-1 …  [am u-17]` */
export function insightLine(event: InsightEvent): string {
  const type = (event.type ?? '').replace(/^insight\./, '');
  const data = event.data ?? {};
  const time = typeof event.time === 'string' ? event.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
  const customer = show(event.subject ?? data.customerId);
  const accountManager = data.accountManager ? `  [am ${show(data.accountManager)}]` : '';
  return `${time}  ${customer}  ${type}  ${facts(type, data)}${accountManager}`;
}
