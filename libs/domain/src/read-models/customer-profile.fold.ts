import type { CustomerEventType, StoredCustomerEvent, StoredCustomerStreamEvent } from '../events';
import type { CustomerDefinition } from './customer-definition';
import {
  emptyCustomerProfileState,
  type AdjustmentFact,
  type ComplaintRecord,
  type CustomerProfileState,
  type PromiseRecord,
  type QuoteRecord,
} from './customer-profile.state';
import { erasePersonalData } from './erase-personal-data';
import { compareFacts, normaliseIso, type OrderedFact } from './time';

/**
 * The customer-profile fold, linear in the number of events.
 *
 * Outside, the state is immutable: `foldCustomerProfile(state, events)` never changes `state` and returns it (the same
 * object) when every event was a redelivery. Inside one call the state is a draft that is mutated: each fact list the
 * batch touches is copied ONCE (on its first write) and then appended to or spliced in place, each quote, promise or
 * complaint record the batch updates is copied once, and the latest record per id is found through an index built
 * once per batch. Copying a list on every event, as a naively immutable fold does, makes a customer with n events
 * cost O(n²) — minutes for 100 000 events. A list the batch did not touch keeps its reference, which the writers use
 * to tell what changed (`before.purchases !== after.purchases`).
 */

type SubjectList = 'complaints' | 'quotes' | 'promises';
type FactList = 'registrations' | 'contacts' | 'accountManagers' | 'purchases' | 'relationshipEnds' | 'npsResponses';
type Writable<T> = { -readonly [K in keyof T]: T[K] };
type SubjectRecord = ComplaintRecord | QuoteRecord | PromiseRecord;

const idOf = (record: SubjectRecord): string =>
  'complaintId' in record ? record.complaintId : 'quoteId' in record ? record.quoteId : record.promiseId;

const earlier = (a: string | null, b: string): string => (a !== null && a <= b ? a : b);

/** Inserts `item` after every element that does not sort after it (stable); O(1) for items arriving in order. */
function insertSortedInPlace<T>(list: T[], item: T, compare: (a: T, b: T) => number): void {
  if (list.length === 0 || compare(list[list.length - 1], item) <= 0) {
    list.push(item);
    return;
  }
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(list[middle], item) <= 0) low = middle + 1;
    else high = middle;
  }
  list.splice(low, 0, item);
}

const compareIso = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One batch's working copy of a state; `result()` hands it out as the next immutable state. */
class ProfileDraft {
  private readonly draft: Writable<CustomerProfileState>;
  private readonly ownedLists = new Set<keyof CustomerProfileState>();
  private readonly ownedTypes = new Set<CustomerEventType>();
  private ownsTouchpoints = false;
  /** Records created or copied in this batch: only these may be mutated. */
  private readonly ownedRecords = new Set<object>();
  /** Per subject list: id → indices of the records with that id, ascending (built on first use). */
  private readonly indices = new Map<SubjectList, Map<string, number[]>>();

  constructor(readonly start: CustomerProfileState) {
    this.draft = { ...start };
  }

  get lastStreamRevision(): number {
    return this.draft.lastStreamRevision;
  }

  result(): CustomerProfileState {
    return this.draft;
  }

  private list<T>(key: FactList | SubjectList): T[] {
    if (!this.ownedLists.has(key)) {
      (this.draft as Record<string, unknown>)[key] = [...this.draft[key]];
      this.ownedLists.add(key);
    }
    return this.draft[key] as unknown as T[];
  }

  private touchpointsOf(type: CustomerEventType): string[] {
    if (!this.ownsTouchpoints) {
      this.draft.touchpoints = { ...this.draft.touchpoints };
      this.ownsTouchpoints = true;
    }
    const touchpoints = this.draft.touchpoints as Partial<Record<CustomerEventType, string[]>>;
    let list = touchpoints[type] ?? [];
    if (!this.ownedTypes.has(type)) {
      list = touchpoints[type] = [...list];
      this.ownedTypes.add(type);
    }
    return list;
  }

  private index(key: SubjectList): Map<string, number[]> {
    const known = this.indices.get(key);
    if (known !== undefined) return known;
    const index = new Map<string, number[]>();
    (this.draft[key] as readonly SubjectRecord[]).forEach((record, position) => {
      const id = idOf(record);
      const positions = index.get(id);
      if (positions) positions.push(position);
      else index.set(id, [position]);
    });
    this.indices.set(key, index);
    return index;
  }

  insertFact<T extends OrderedFact>(key: FactList, fact: T): void {
    insertSortedInPlace(this.list<T>(key), fact, compareFacts);
  }

  addSubject<T extends SubjectRecord>(key: SubjectList, record: T): void {
    const list = this.list<T>(key);
    const index = this.index(key);
    const id = idOf(record);
    const positions = index.get(id);
    if (positions) positions.push(list.length);
    else index.set(id, [list.length]);
    list.push(record);
    this.ownedRecords.add(record);
  }

  /** The position of the latest record under `id` that `matches`, or -1. */
  findLatest<T extends SubjectRecord>(key: SubjectList, id: string, matches: (record: T) => boolean = () => true): number {
    const positions = this.index(key).get(id) ?? [];
    const list = this.draft[key] as readonly SubjectRecord[];
    for (let i = positions.length - 1; i >= 0; i--) if (matches(list[positions[i]] as T)) return positions[i];
    return -1;
  }

  /** A record at `position` that this batch may mutate (copied once, with its adjustments, if it is not yet). */
  ownRecord<T extends SubjectRecord>(key: SubjectList, position: number): Writable<T> {
    const list = this.list<T>(key);
    let record = list[position];
    if (!this.ownedRecords.has(record)) {
      record = 'adjustments' in record ? ({ ...record, adjustments: [...record.adjustments] } as T) : ({ ...record } as T);
      list[position] = record;
      this.ownedRecords.add(record);
    }
    return record as Writable<T>;
  }

  /** Applies one event that is not a redelivery. */
  apply(event: StoredCustomerEvent): void {
    const draft = this.draft;
    const occurredAt = normaliseIso(event.occurredAt, `${event.type} occurredAt`);
    const fact: OrderedFact = { occurredAt, streamRevision: event.streamRevision, globalPosition: event.globalPosition };
    insertSortedInPlace(this.touchpointsOf(event.type), occurredAt, compareIso);
    draft.touchpointTotal += 1;
    if (draft.lastTouchpointAt === null || draft.lastTouchpointAt <= occurredAt) draft.lastTouchpointAt = occurredAt;
    draft.lastStreamRevision = event.streamRevision;
    draft.lastPosition = Math.max(draft.lastPosition, event.globalPosition);

    switch (event.type) {
      case 'ProspectRegistered': {
        const { name, size, industry, source } = event.data;
        return this.insertFact('registrations', { ...fact, name, size, industry: industry ?? null, source: source ?? null });
      }
      case 'ContactAdded': {
        const { contactId, name, email, dmuRole } = event.data;
        return this.insertFact('contacts', { ...fact, contactId, name, email: email ?? null, dmuRole });
      }
      case 'AccountManagerAssigned': {
        const { employeeId, salesRole } = event.data;
        return this.insertFact('accountManagers', { ...fact, employeeId, salesRole });
      }
      case 'PurchaseMade': {
        const { orderId, total, currency } = event.data;
        return this.insertFact('purchases', { ...fact, orderId, total, currency });
      }
      case 'RelationshipEnded':
        return this.insertFact('relationshipEnds', { ...fact, initiatedBy: event.data.initiatedBy });
      case 'NpsResponded': {
        const { surveyId, score, improvement, contactId } = event.data;
        return this.insertFact('npsResponses', { ...fact, surveyId, score, improvement: improvement ?? null, contactId: contactId ?? null });
      }
      case 'ComplaintFiled':
        return this.addSubject<ComplaintRecord>('complaints', { complaintId: event.data.complaintId, filedAt: occurredAt, resolvedAt: null });
      case 'ComplaintResolved': {
        // An event refers to the latest subject under its id, as the stream rules do.
        const { complaintId } = event.data;
        const position = this.findLatest('complaints', complaintId);
        if (position < 0) return this.addSubject<ComplaintRecord>('complaints', { complaintId, filedAt: null, resolvedAt: occurredAt });
        const complaint = this.ownRecord<ComplaintRecord>('complaints', position);
        complaint.resolvedAt = earlier(complaint.resolvedAt, occurredAt);
        return;
      }
      case 'QuoteRequested': {
        const { quoteId, expectedWithinDays } = event.data;
        return this.addSubject<QuoteRecord>('quotes', { quoteId, requestedAt: occurredAt, expectedWithinDays, sentAt: null, adjustments: [] });
      }
      case 'QuoteSent': {
        const { quoteId } = event.data;
        const position = this.findLatest('quotes', quoteId);
        if (position < 0) {
          return this.addSubject<QuoteRecord>('quotes', { quoteId, requestedAt: null, expectedWithinDays: null, sentAt: occurredAt, adjustments: [] });
        }
        const quote = this.ownRecord<QuoteRecord>('quotes', position);
        quote.sentAt = earlier(quote.sentAt, occurredAt);
        return;
      }
      case 'PromiseMade': {
        const { promiseId, expectedBy } = event.data;
        const expected = normaliseIso(expectedBy, 'PromiseMade expectedBy');
        return this.addSubject<PromiseRecord>('promises', { promiseId, madeAt: occurredAt, expectedBy: expected, deliveredAt: null, adjustments: [] });
      }
      case 'PromiseDelivered': {
        const { promiseId } = event.data;
        const position = this.findLatest('promises', promiseId);
        if (position < 0) {
          return this.addSubject<PromiseRecord>('promises', { promiseId, madeAt: null, expectedBy: null, deliveredAt: occurredAt, adjustments: [] });
        }
        const promise = this.ownRecord<PromiseRecord>('promises', position);
        promise.deliveredAt = earlier(promise.deliveredAt, occurredAt);
        return;
      }
      case 'ExpectationAdjusted': {
        // The stream rules accept an adjustment of an open quote or promise; it belongs to the subject that was open
        // when it was recorded. Whether it changes the expected date depends on when it occurred (see the view).
        const { subjectId } = event.data;
        const adjustment: AdjustmentFact = { ...fact, expectedBy: normaliseIso(event.data.expectedBy, 'ExpectationAdjusted expectedBy') };
        const openQuote = this.findLatest<QuoteRecord>('quotes', subjectId, (quote) => quote.sentAt === null);
        if (openQuote >= 0) insertSortedInPlace(this.ownRecord<QuoteRecord>('quotes', openQuote).adjustments as AdjustmentFact[], adjustment, compareFacts);
        const openPromise = this.findLatest<PromiseRecord>('promises', subjectId, (promise) => promise.deliveredAt === null);
        if (openPromise >= 0) {
          insertSortedInPlace(this.ownRecord<PromiseRecord>('promises', openPromise).adjustments as AdjustmentFact[], adjustment, compareFacts);
        }
        return;
      }
      case 'MailSent':
      case 'MailOpened':
      case 'MailClicked':
      case 'WebsiteVisited':
      case 'MeetingHeld':
      case 'OpportunityStageChanged':
        return;
      default: {
        const unhandled: never = event;
        throw new Error(`evolveCustomerProfile: unhandled event type ${(unhandled as { type: string }).type}`);
      }
    }
  }
}

/**
 * Folds a batch of one customer's stored events, in stream order (`streamRevision` ascending, as read back; gaps —
 * e.g. a replay of only some events — are fine), into the profile state. An event at or below the last applied
 * revision is taken for a redelivery and ignored, which makes at-least-once projection idempotent; when every event
 * is one, `state` itself is returned. Pure as seen from outside: `state` is not modified. The state keeps facts only,
 * so the definition does not change it (it applies at view time); it is a parameter so callers fold with the
 * definition at hand and need not change if a future rule must be applied while folding.
 */
export function foldCustomerProfile(
  state: CustomerProfileState | null,
  events: Iterable<StoredCustomerStreamEvent>,
  _definition: CustomerDefinition,
): CustomerProfileState | null {
  const folding = new CustomerProfileFolding(state);
  for (const event of events) folding.apply(event);
  return folding.state;
}

/**
 * `foldCustomerProfile` one event at a time, for a caller that looks at the state between events (the insights
 * projection compares what each event changed). `state` is the batch's draft: read it between two `apply` calls, do
 * not keep it — the next `apply` mutates it. Once the caller stops applying, `state` is the immutable result, as
 * `foldCustomerProfile` gives it (the state passed in when every event was a redelivery).
 */
export class CustomerProfileFolding {
  private current: CustomerProfileState | null;
  private draft: ProfileDraft | null = null;

  constructor(state: CustomerProfileState | null) {
    this.current = state;
  }

  get state(): CustomerProfileState | null {
    return this.draft === null ? this.current : this.draft.result();
  }

  /** Applies one event; false when it is a redelivery (at or below the last applied revision), which is ignored. */
  apply(event: StoredCustomerStreamEvent): boolean {
    const lastRevision = this.draft?.lastStreamRevision ?? this.current?.lastStreamRevision ?? null;
    if (lastRevision !== null && event.streamRevision <= lastRevision) return false;
    if (event.type === 'PersonalDataErased') {
      // Not a touchpoint: it nulls every personal value of the erased subject held so far (rare: no draft needed).
      this.current = erasePersonalData(this.state, event);
      this.draft = null;
      return true;
    }
    this.draft ??= new ProfileDraft(this.current ?? emptyCustomerProfileState(event.customerId));
    this.draft.apply(event);
    return true;
  }
}

/** Folds one stored event (see `foldCustomerProfile`); fold a batch with that instead — this copies per call. */
export function evolveCustomerProfile(
  state: CustomerProfileState | null,
  event: StoredCustomerStreamEvent,
  definition: CustomerDefinition,
): CustomerProfileState {
  // Not null: a fold of one event from null applies it.
  return foldCustomerProfile(state, [event], definition) as CustomerProfileState;
}

/** Folds a whole stream (in stream order); `null` for an empty one. */
export function replayCustomerProfile(
  events: Iterable<StoredCustomerStreamEvent>,
  definition: CustomerDefinition,
): CustomerProfileState | null {
  return foldCustomerProfile(null, events, definition);
}
