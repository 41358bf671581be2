import { CUSTOMER_EVENT_TYPES, DEPARTMENTS, type CustomerEventType, type Department } from '@klantcentraal/domain';

/** How a touchpoint reached (or came from) the customer. */
export const CHANNELS = ['mail', 'web', 'meeting', 'sales', 'service', 'survey'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The sales process group a touchpoint belongs to (domain "Processes and their goals"). */
export const PROCESSES = ['market-to-sales', 'sales-to-order', 'order-to-loyal-customer'] as const;
export type Process = (typeof PROCESSES)[number];

export type TouchpointTypeRow = Readonly<{
  typeKey: number;
  type: CustomerEventType;
  channel: Channel;
  process: Process;
  /** The fact carries an amount: QuoteSent.amount, PurchaseMade.total, OpportunityStageChanged.value. */
  hasAmount: boolean;
}>;

const TYPE_ATTRIBUTES: Readonly<Record<CustomerEventType, Readonly<{ channel: Channel; process: Process; hasAmount?: true }>>> = {
  ProspectRegistered: { channel: 'sales', process: 'market-to-sales' },
  ContactAdded: { channel: 'sales', process: 'market-to-sales' },
  AccountManagerAssigned: { channel: 'sales', process: 'market-to-sales' },
  MailSent: { channel: 'mail', process: 'market-to-sales' },
  MailOpened: { channel: 'mail', process: 'market-to-sales' },
  MailClicked: { channel: 'mail', process: 'market-to-sales' },
  WebsiteVisited: { channel: 'web', process: 'market-to-sales' },
  MeetingHeld: { channel: 'meeting', process: 'sales-to-order' },
  QuoteRequested: { channel: 'sales', process: 'sales-to-order' },
  QuoteSent: { channel: 'sales', process: 'sales-to-order', hasAmount: true },
  PromiseMade: { channel: 'service', process: 'order-to-loyal-customer' },
  PromiseDelivered: { channel: 'service', process: 'order-to-loyal-customer' },
  ExpectationAdjusted: { channel: 'service', process: 'order-to-loyal-customer' },
  PurchaseMade: { channel: 'sales', process: 'sales-to-order', hasAmount: true },
  ComplaintFiled: { channel: 'service', process: 'order-to-loyal-customer' },
  ComplaintResolved: { channel: 'service', process: 'order-to-loyal-customer' },
  NpsResponded: { channel: 'survey', process: 'order-to-loyal-customer' },
  OpportunityStageChanged: { channel: 'sales', process: 'sales-to-order', hasAmount: true },
  RelationshipEnded: { channel: 'sales', process: 'order-to-loyal-customer' },
};

/** `dim_touchpoint_type`: key = 1-based position in the event catalogue (stable: the catalogue only grows). */
export const TOUCHPOINT_TYPES: readonly TouchpointTypeRow[] = CUSTOMER_EVENT_TYPES.map((type, index) => ({
  typeKey: index + 1,
  type,
  channel: TYPE_ATTRIBUTES[type].channel,
  process: TYPE_ATTRIBUTES[type].process,
  hasAmount: TYPE_ATTRIBUTES[type].hasAmount === true,
}));

export const TYPE_KEYS: ReadonlyMap<string, number> = new Map(TOUCHPOINT_TYPES.map((row) => [row.type, row.typeKey]));

export function typeKeyOf(type: string): number {
  const key = TYPE_KEYS.get(type);
  if (key === undefined) throw new Error(`not a catalogue event type: ${type}`);
  return key;
}

export type DepartmentRow = Readonly<{ departmentKey: number; department: Department | 'unknown'; activity: 'primary' | 'support' | 'unknown' }>;

const PRIMARY: readonly Department[] = ['inbound-logistics', 'operations', 'outbound-logistics', 'marketing-sales', 'service'];

/** `dim_department`: Porter's value chain; key 0 = no department recorded. */
export const DEPARTMENT_ROWS: readonly DepartmentRow[] = [
  { departmentKey: 0, department: 'unknown', activity: 'unknown' },
  ...DEPARTMENTS.map((department, index) => ({
    departmentKey: index + 1,
    department,
    activity: PRIMARY.includes(department) ? ('primary' as const) : ('support' as const),
  })),
];

const DEPARTMENT_KEYS: ReadonlyMap<string, number> = new Map(DEPARTMENT_ROWS.map((row) => [row.department, row.departmentKey]));

export const departmentKeyOf = (department: string | undefined): number => (department ? (DEPARTMENT_KEYS.get(department) ?? 0) : 0);
