import fc from 'fast-check';
import type { StoredCustomerEvent } from '../events';
import { DEFAULT_CUSTOMER_DEFINITION, type CustomerDefinition } from '../read-models/customer-definition';
import { evolveCustomerProfile, type CustomerProfileState } from '../read-models/customer-profile.read-model';
import { longStream } from '../read-models/testing/long-stream.fixture';
import { DAY, HOUR, plus, storedEvents } from '../read-models/testing/stored-event.fixture';
import { deriveInsights, insightEvaluationInstant, nextDueAt, type Insight } from './insights';
import { insightWatchState } from './insight-watch-state';
import { LiveInsights, nextInsightDueAt } from './live-insights';

/**
 * `LiveInsights` against the whole-view rules it replaces (`deriveInsights` per event with `evolveCustomerProfile`,
 * `insightEvaluationInstant`, `nextDueAt`), which stay the reference: over generated histories — in order and late,
 * subjects re-used under the same id, batches of any size, a timer checking ahead between batches — every event's
 * insights, every `checkedUntil` and every batch's next due time must be exactly the same.
 */

type Batch = Readonly<{ events: readonly StoredCustomerEvent[]; tickAfter: number | null }>;

/**
 * The projector of insights.spec.ts's fixture, batch by batch: the reference. It is quadratic, so for long streams
 * only the events `compared` says are derived (the others are folded), and only their batches' due times.
 */
function reference(batches: readonly Batch[], definition: CustomerDefinition, compared: (index: number) => boolean) {
  let state: CustomerProfileState | null = null;
  let checkedUntil: string | null = null;
  const perEvent: Insight[][] = [];
  const perBatch: { checkedUntil: string | null; nextDue: string | null }[] = [];
  for (const batch of batches) {
    let derived = false;
    for (const event of batch.events) {
      const after = evolveCustomerProfile(state, event, definition);
      if (after === state) {
        perEvent.push([]);
        continue;
      }
      derived ||= compared(perEvent.length);
      perEvent.push(compared(perEvent.length) ? deriveInsights(state, after, event, definition, { checkedUntil }) : []);
      checkedUntil = insightEvaluationInstant(state, event, { checkedUntil });
      state = after;
    }
    const nextDue = !derived || state === null || checkedUntil === null ? null : nextDueAt(state, checkedUntil, definition);
    perBatch.push({ checkedUntil, nextDue });
    if (batch.tickAfter !== null && checkedUntil !== null) checkedUntil = plus(checkedUntil, batch.tickAfter);
  }
  return { perEvent, perBatch, state };
}

function live(batches: readonly Batch[], definition: CustomerDefinition) {
  let state: CustomerProfileState | null = null;
  let checkedUntil: string | null = null;
  const perEvent: Insight[][] = [];
  const perBatch: { checkedUntil: string | null; nextDue: string | null }[] = [];
  for (const batch of batches) {
    const insights: LiveInsights = new LiveInsights(state, definition, checkedUntil);
    for (const event of batch.events) perEvent.push(insights.apply(event));
    checkedUntil = insights.checkedUntil;
    perBatch.push({ checkedUntil, nextDue: insights.nextDueAt() });
    // What the projector keeps between batches.
    state = insights.state === null ? null : insightWatchState(insights.state);
    if (state !== null && checkedUntil !== null) expect(nextInsightDueAt(state, checkedUntil, definition)).toBe(perBatch[perBatch.length - 1].nextDue);
    if (batch.tickAfter !== null && checkedUntil !== null) checkedUntil = plus(checkedUntil, batch.tickAfter);
  }
  return { perEvent, perBatch, state };
}

function expectSame(
  batches: readonly Batch[],
  definition: CustomerDefinition = DEFAULT_CUSTOMER_DEFINITION,
  compared: (index: number) => boolean = () => true,
): number {
  const expected = reference(batches, definition, compared);
  const actual = live(batches, definition);
  expect(actual.perEvent.length).toBe(expected.perEvent.length);
  actual.perEvent.forEach((insights, i) => {
    if (compared(i)) expect([i, insights]).toEqual([i, expected.perEvent[i]]);
  });
  let first = 0;
  batches.forEach((batch, b) => {
    const derived = batch.events.some((_, i) => compared(first + i));
    first += batch.events.length;
    expect([b, actual.perBatch[b].checkedUntil]).toEqual([b, expected.perBatch[b].checkedUntil]);
    if (derived) expect([b, actual.perBatch[b].nextDue]).toEqual([b, expected.perBatch[b].nextDue]);
  });
  expect(actual.state).toEqual(expected.state === null ? null : insightWatchState(expected.state));
  return expected.perEvent.reduce((sum, insights) => sum + insights.length, 0);
}

/** Every event of the first 300, then 60 in each further thousand: long histories at a bearable reference cost. */
const sampled = (index: number): boolean => index < 300 || index % 1_000 >= 940;

function inBatches(events: readonly StoredCustomerEvent[], sizes: readonly number[], ticks: readonly (number | null)[]): Batch[] {
  const batches: Batch[] = [];
  for (let from = 0, i = 0; from < events.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]);
    batches.push({ events: events.slice(from, from + size), tickAfter: ticks[i % ticks.length] ?? null });
    from += size;
  }
  return batches;
}

// ---------------------------------------------------------------------------------------------------------------
// Generated histories
// ---------------------------------------------------------------------------------------------------------------

const KINDS = [
  'ProspectRegistered',
  'PurchaseMade',
  'RelationshipEnded',
  'NpsResponded',
  'ComplaintFiled',
  'ComplaintResolved',
  'QuoteRequested',
  'QuoteSent',
  'PromiseMade',
  'PromiseDelivered',
  'ExpectationAdjusted',
  'AccountManagerAssigned',
  'MailSent',
  'ContactAdded',
] as const;

/** One generated step: a kind, a time step forward (ms, up to ~400 days) or back (late), an id and a number. */
const stepArbitrary = fc.record({
  kind: fc.constantFrom(...KINDS),
  forward: fc.oneof(
    fc.integer({ min: 0, max: 3 * HOUR }),
    fc.integer({ min: 0, max: 40 * DAY }),
    fc.integer({ min: 0, max: 400 * DAY }),
    // Whole targets and gaps, and a millisecond either side: the rules' boundaries.
    fc.tuple(fc.constantFrom(1, HOUR, 1.5 * HOUR, 24 * HOUR, DAY, 10 * DAY, 15 * DAY, 30 * DAY, 182.5 * DAY, 365 * DAY), fc.constantFrom(-1, 0, 1)).map(([ms, d]) => ms + d),
  ),
  late: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 30 * DAY }) }),
  id: fc.integer({ min: 1, max: 3 }),
  n: fc.integer({ min: 0, max: 10 }),
});

type GeneratedStep = typeof stepArbitrary extends fc.Arbitrary<infer T> ? T : never;

function history(steps: readonly GeneratedStep[]): StoredCustomerEvent[] {
  const stream = storedEvents('C-gen');
  let now = '2025-01-06T10:00:00.000Z';
  const events: StoredCustomerEvent[] = [];
  for (const step of steps) {
    now = plus(now, step.forward);
    const at = plus(now, -step.late);
    const id = `${step.id}`;
    switch (step.kind) {
      case 'ProspectRegistered':
        events.push(stream.event('ProspectRegistered', { name: 'Acme', size: 'small' }, at));
        break;
      case 'PurchaseMade':
        events.push(stream.event('PurchaseMade', { orderId: `O-${events.length}`, lines: [{ sku: 'S', quantity: 1, unitPrice: 1 }], total: 1, currency: 'EUR' }, at));
        break;
      case 'RelationshipEnded':
        events.push(stream.event('RelationshipEnded', { initiatedBy: 'customer' }, at));
        break;
      case 'NpsResponded':
        events.push(stream.event('NpsResponded', { surveyId: `S-${events.length}`, score: step.n, ...(step.n % 2 ? { improvement: 'x' } : {}) }, at));
        break;
      case 'ComplaintFiled':
        events.push(stream.event('ComplaintFiled', { complaintId: id, category: 'delivery' }, at));
        break;
      case 'ComplaintResolved':
        events.push(stream.event('ComplaintResolved', { complaintId: id }, at));
        break;
      case 'QuoteRequested':
        events.push(stream.event('QuoteRequested', { quoteId: id, expectedWithinDays: step.n % 4 }, at));
        break;
      case 'QuoteSent':
        events.push(stream.event('QuoteSent', { quoteId: id, amount: 1, currency: 'EUR' }, at));
        break;
      case 'PromiseMade':
        events.push(stream.event('PromiseMade', { promiseId: id, subject: 'x', expectedBy: plus(at, (step.n - 2) * DAY) }, at));
        break;
      case 'PromiseDelivered':
        events.push(stream.event('PromiseDelivered', { promiseId: id }, at));
        break;
      case 'ExpectationAdjusted':
        events.push(stream.event('ExpectationAdjusted', { subjectId: id, expectedBy: plus(at, (step.n - 3) * DAY) }, at));
        break;
      case 'AccountManagerAssigned':
        events.push(stream.event('AccountManagerAssigned', { employeeId: `E-${step.id}`, salesRole: 'account-manager' }, at));
        break;
      case 'MailSent':
        events.push(stream.event('MailSent', { mailId: `M-${events.length}`, subject: 'x' }, at));
        break;
      case 'ContactAdded':
        events.push(stream.event('ContactAdded', { contactId: id, name: 'x', dmuRole: 'user' }, at));
        break;
    }
  }
  return events;
}

describe('LiveInsights gives exactly the insights of the whole-view rules', () => {
  it('over generated histories (late events, re-used ids, any batch sizes, a timer between batches)', () => {
    let insights = 0;
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(stepArbitrary, { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.option(fc.oneof(fc.integer({ min: 1, max: 60 * DAY }), fc.constantFrom(1, HOUR, DAY)), { nil: null }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom<CustomerDefinition>(DEFAULT_CUSTOMER_DEFINITION, { ...DEFAULT_CUSTOMER_DEFINITION, version: 2, complaintTargetHours: 1.5, departAfterDays: 30, loyalWithinDays: 10 }),
        (registeredFirst, steps, sizes, ticks, definition) => {
          const events = history(registeredFirst ? [{ kind: 'ProspectRegistered', forward: 0, late: 0, id: 1, n: 0 }, ...steps] : steps);
          insights += expectSame(inBatches(events, sizes, ticks), definition);
        },
      ),
      { numRuns: 1_000 },
    );
    expect(insights).toBeGreaterThan(1_000);
  });

  it('when events fall exactly on, just before or just after a deadline (gap, lapse, complaint target, expected date)', () => {
    const stream = storedEvents('C-edge');
    const t0 = '2025-01-06T10:00:00.000Z';
    const history = [
      stream.event('ProspectRegistered', { name: 'Acme', size: 'small' }, t0),
      stream.event('PurchaseMade', { orderId: 'O-1', lines: [{ sku: 'S', quantity: 1, unitPrice: 1 }], total: 1, currency: 'EUR' }, plus(t0, HOUR)),
      stream.event('ComplaintFiled', { complaintId: 'K-1', category: 'delivery' }, plus(t0, 2 * HOUR)),
      stream.event('QuoteRequested', { quoteId: 'Q-1', expectedWithinDays: 1 }, plus(t0, 3 * HOUR)),
      stream.event('PromiseMade', { promiseId: 'P-1', subject: 'x', expectedBy: plus(t0, 2 * DAY) }, plus(t0, 3 * HOUR)),
    ];
    const deadlines = [plus(t0, HOUR + 182.5 * DAY), plus(t0, HOUR + 365 * DAY), plus(t0, 26 * HOUR), '2025-01-08T00:00:00.000Z', '2025-01-09T00:00:00.000Z'];
    const moments = deadlines.flatMap((deadline) => [-1, 0, 1, 2].map((ms) => plus(deadline, ms))).sort();
    let insights = 0;
    moments.forEach((first, i) =>
      moments.slice(i + 1).forEach((second) => {
        const mail = (at: string, n: number) => ({ ...stream.event('MailSent', { mailId: `M-${n}`, subject: 'x' }, at), streamRevision: history.length + n });
        const events = [...history, mail(first, 0), mail(second, 1)];
        insights += expectSame(inBatches(events, [1], [null]));
        expectSame(inBatches(events, [events.length], [null]));
      }),
    );
    expect(insights).toBeGreaterThan(1_000);
  });

  it('over a long mixed stream of 5 000 events (one in seven late), in batches of 1 to 97', () => {
    expect(expectSame(inBatches(longStream(5_000), [1, 97, 13, 2, 40], [null, DAY, null]), DEFAULT_CUSTOMER_DEFINITION, sampled)).toBeGreaterThan(100);
  });

  it('over a long stream of 5 000 events recorded in order (the fast path only), mostly event by event', () => {
    const events = longStream(6_000).filter((_, i) => i % 7 !== 0);
    expect(expectSame(inBatches(events, [1, 1, 400, 1, 250], [null]), DEFAULT_CUSTOMER_DEFINITION, sampled)).toBeGreaterThan(100);
  });
});
