/**
 * The reference rows WarehouseSchema1767657600000 seeded into `dim_touchpoint_type` and `dim_department`, frozen as
 * they were then: a migration keeps doing what it did when it was written. When the catalogue grows, a new migration
 * adds the new rows (warehouse-reference.seed.spec.ts fails until one does).
 */
export const TOUCHPOINT_TYPES_V1 = [
  { typeKey: 1, type: 'ProspectRegistered', channel: 'sales', process: 'market-to-sales', hasAmount: false },
  { typeKey: 2, type: 'ContactAdded', channel: 'sales', process: 'market-to-sales', hasAmount: false },
  { typeKey: 3, type: 'AccountManagerAssigned', channel: 'sales', process: 'market-to-sales', hasAmount: false },
  { typeKey: 4, type: 'MailSent', channel: 'mail', process: 'market-to-sales', hasAmount: false },
  { typeKey: 5, type: 'MailOpened', channel: 'mail', process: 'market-to-sales', hasAmount: false },
  { typeKey: 6, type: 'MailClicked', channel: 'mail', process: 'market-to-sales', hasAmount: false },
  { typeKey: 7, type: 'WebsiteVisited', channel: 'web', process: 'market-to-sales', hasAmount: false },
  { typeKey: 8, type: 'MeetingHeld', channel: 'meeting', process: 'sales-to-order', hasAmount: false },
  { typeKey: 9, type: 'QuoteRequested', channel: 'sales', process: 'sales-to-order', hasAmount: false },
  { typeKey: 10, type: 'QuoteSent', channel: 'sales', process: 'sales-to-order', hasAmount: true },
  { typeKey: 11, type: 'PromiseMade', channel: 'service', process: 'order-to-loyal-customer', hasAmount: false },
  { typeKey: 12, type: 'PromiseDelivered', channel: 'service', process: 'order-to-loyal-customer', hasAmount: false },
  { typeKey: 13, type: 'ExpectationAdjusted', channel: 'service', process: 'order-to-loyal-customer', hasAmount: false },
  { typeKey: 14, type: 'PurchaseMade', channel: 'sales', process: 'sales-to-order', hasAmount: true },
  { typeKey: 15, type: 'ComplaintFiled', channel: 'service', process: 'order-to-loyal-customer', hasAmount: false },
  { typeKey: 16, type: 'ComplaintResolved', channel: 'service', process: 'order-to-loyal-customer', hasAmount: false },
  { typeKey: 17, type: 'NpsResponded', channel: 'survey', process: 'order-to-loyal-customer', hasAmount: false },
  { typeKey: 18, type: 'OpportunityStageChanged', channel: 'sales', process: 'sales-to-order', hasAmount: true },
  { typeKey: 19, type: 'RelationshipEnded', channel: 'sales', process: 'order-to-loyal-customer', hasAmount: false },
] as const;

export const DEPARTMENT_ROWS_V1 = [
  { departmentKey: 0, department: 'unknown', activity: 'unknown' },
  { departmentKey: 1, department: 'marketing-sales', activity: 'primary' },
  { departmentKey: 2, department: 'service', activity: 'primary' },
  { departmentKey: 3, department: 'inbound-logistics', activity: 'primary' },
  { departmentKey: 4, department: 'operations', activity: 'primary' },
  { departmentKey: 5, department: 'outbound-logistics', activity: 'primary' },
  { departmentKey: 6, department: 'procurement', activity: 'support' },
  { departmentKey: 7, department: 'technology', activity: 'support' },
  { departmentKey: 8, department: 'hrm', activity: 'support' },
  { departmentKey: 9, department: 'infrastructure', activity: 'support' },
] as const;
