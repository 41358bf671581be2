import { insightLine } from './insight-line';

const event = (type: string, data: Record<string, unknown>) => ({
  id: 'x',
  type: `insight.${type}`,
  subject: 'acme',
  time: '2026-03-01T10:00:00.000Z',
  data: { ...data, customerId: 'acme', accountManager: 'u-17', globalPosition: 12 },
});

describe('one readable line per insight', () => {
  it.each([
    ['detractor-responded', { surveyId: 'S-1', contactId: 'p-1', score: 3, hasImprovement: true }, 'NPS 3 on survey S-1 by contact p-1 — has an improvement text (see the profile)'],
    ['customer-became-loyal', { purchaseCount: 2, cycle: 1, previousStatus: 'new' }, '2 purchases, cycle 1 (was new)'],
    ['customer-at-risk', { reasons: ['detractor', 'purchase-gap'], newReasons: ['detractor'] }, 'reasons detractor+purchase-gap (new: detractor)'],
    ['lifecycle-phase-changed', { from: null, to: 'prospect', cycle: 1, cause: 'registered' }, '- → prospect (cycle 1, registered)'],
    ['complaint-sla-breached', { complaintId: 'CP-1', filedAt: '2026-02-28T09:00:00.000Z', targetHours: 24 }, 'complaint CP-1 filed 2026-02-28T09:00:00.000Z open past 24 h'],
    ['expectation-missed', { kind: 'quote', subjectId: 'Q-1', expectedDate: '2026-02-27', deliveredAt: null }, 'quote Q-1 expected 2026-02-27, not delivered'],
    ['something-new', { a: 1, b: 'two' }, 'a=1 b=two'],
  ])('%s', (type, data, facts) => {
    expect(insightLine(event(type, data))).toBe(`2026-03-01 10:00:00Z  acme  ${type}  ${facts}  [am u-17]`);
  });
});
