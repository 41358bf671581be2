import type { StoredCustomerEvent } from '../../events';
import { DAY, HOUR, plus, storedEvents } from './stored-event.fixture';

/**
 * A long, mixed stream: every kind of fact, subjects re-used under the same id, resolutions and deliveries long after
 * their subject, adjustments, and one event in seven recorded late (occurredAt back-dated) so lists are inserted into,
 * not only appended to. Deterministic (a linear congruential generator), so a failure is reproducible.
 */
export function longStream(count: number): StoredCustomerEvent[] {
  const stream = storedEvents('C-long');
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  const start = '2020-01-01T08:00:00.000Z';
  const events: StoredCustomerEvent[] = [stream.event('ProspectRegistered', { name: 'Acme', size: 'large' }, start)];
  const open = { complaints: [] as string[], quotes: [] as string[], promises: [] as string[] };
  const take = (list: string[]) => list.splice(next(list.length), 1)[0];
  for (let i = 1; i < count; i++) {
    const at = plus(start, i * HOUR - (i % 7 === 0 ? next(30) * DAY : 0));
    const id = `${i % 500}`; // ids come back: a subject filed again after it was closed is a new subject
    switch (next(12)) {
      case 0:
        events.push(stream.event('PurchaseMade', { orderId: `O-${i}`, lines: [{ sku: 'S', quantity: 1, unitPrice: 10 }], total: 10, currency: 'EUR' }, at));
        break;
      case 1:
        open.complaints.push(id);
        events.push(stream.event('ComplaintFiled', { complaintId: id, category: 'delivery' }, at));
        break;
      case 2:
        events.push(stream.event('ComplaintResolved', { complaintId: open.complaints.length > 0 ? take(open.complaints) : `x${id}` }, at));
        break;
      case 3:
        open.quotes.push(id);
        events.push(stream.event('QuoteRequested', { quoteId: id, expectedWithinDays: 1 + next(5) }, at));
        break;
      case 4:
        events.push(stream.event('QuoteSent', { quoteId: open.quotes.length > 0 ? take(open.quotes) : `x${id}`, amount: 5, currency: 'EUR' }, at));
        break;
      case 5:
        open.promises.push(id);
        events.push(stream.event('PromiseMade', { promiseId: id, subject: 'Call back', expectedBy: plus(at, next(4) * DAY) }, at));
        break;
      case 6:
        events.push(stream.event('PromiseDelivered', { promiseId: open.promises.length > 0 ? take(open.promises) : `x${id}` }, at));
        break;
      case 7: {
        const subjects = [...open.quotes, ...open.promises];
        const subjectId = subjects.length > 0 ? subjects[next(subjects.length)] : `x${id}`;
        events.push(stream.event('ExpectationAdjusted', { subjectId, expectedBy: plus(at, next(6) * DAY) }, at));
        break;
      }
      case 8:
        events.push(stream.event('NpsResponded', { surveyId: `S-${i}`, score: next(11), improvement: next(2) ? 'Faster' : undefined }, at));
        break;
      case 9:
        events.push(
          next(20) === 0
            ? stream.event('RelationshipEnded', { initiatedBy: 'customer' }, at)
            : stream.event('ContactAdded', { contactId: `P-${next(40)}`, name: 'Contact', dmuRole: 'user' }, at),
        );
        break;
      case 10:
        events.push(stream.event('AccountManagerAssigned', { employeeId: `E-${next(5)}`, salesRole: 'account-manager' }, at));
        break;
      default:
        events.push(stream.event('WebsiteVisited', { url: 'https://example.com/pricing' }, at));
    }
  }
  return events;
}
