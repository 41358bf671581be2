import type { CompanySize, CustomerEvent, CustomerEventType, Department, DmuRole, SalesRole } from '@klantcentraal/domain';
import {
  ACCOUNT_MANAGERS,
  CAMPAIGN_SUBJECTS,
  COMPLAINT_CATEGORIES,
  COMPLEMENTS,
  type Complement,
  type Country,
  DMU_ORDER,
  ENDING_REASONS,
  FIRST_NAMES,
  FOLLOW_UP_SUBJECTS,
  GENERAL_PAGES,
  IMPROVEMENTS,
  INDUSTRIES,
  INTERESTS,
  type Interest,
  LEAD_SOURCES,
  LEGAL_FORMS,
  OTHER_PROMISES,
  PRODUCT_BY_SKU,
  REGIONS,
  RESOLUTIONS,
  SALES_ROLE_BY_SIZE,
  STAFF,
  SUPPLIER_SITE,
  SURNAMES,
} from './demo-data.catalogue';
import { SeededRandom, hashString } from './demo-data.random';

/** One touchpoint in the contract's envelope, as a client would send it. */
export type DemoEvent = CustomerEvent &
  Readonly<{
    eventId: string;
    occurredAt: string;
    recordedBy: Readonly<{ userId: string; department: Department }>;
  }>;

/** One customer's history; `events` is in recording order (a stream's order), which is rule-valid. */
export type DemoCustomerHistory = Readonly<{ customerId: string; events: readonly DemoEvent[] }>;

export type DemoDataSet = Readonly<{ customers: readonly DemoCustomerHistory[] }>;

export type DemoDataOptions = Readonly<{
  /** Same seed (and options) → identical data, event ids included. Default 42. */
  seed?: number;
  /** Number of customers (default 300, about 45 000 events). */
  customers?: number;
  /** ISO start of the history (default: two years before `end`). */
  start?: string;
  /** ISO end of the history, exclusive (default 2026-11-01T00:00:00Z; never the clock, so runs are reproducible). */
  end?: string;
  /** Customer ids are `<prefix><5-digit number>` (default `c-`); the prefix also changes every event id. */
  customerIdPrefix?: string;
  /** Share of events recorded late, i.e. listed after events that occurred later (default about 0.02). */
  lateShare?: number;
}>;

export const DEMO_DATA_DEFAULTS = Object.freeze({
  seed: 42,
  customers: 300,
  end: '2026-11-01T00:00:00Z',
  years: 2,
  customerIdPrefix: 'c-',
  lateShare: 0.02,
});

type ResolvedOptions = Readonly<{
  seedLo: number;
  seedHi: number;
  customers: number;
  startMs: number;
  endMs: number;
  prefix: string;
  prefixHash: number;
  lateShare: number;
}>;

/** The whole data set in memory: a few hundred customers by default. For millions of events use `generateCustomerHistories`. */
export function generateDemoData(options: DemoDataOptions = {}): DemoDataSet {
  return { customers: Array.from(generateCustomerHistories(options)) };
}

/** Streams the same customers as `generateDemoData`, one at a time, so benchmarks can go far beyond memory. */
export function* generateCustomerHistories(options: DemoDataOptions = {}): Generator<DemoCustomerHistory, void, undefined> {
  const resolved = resolveOptions(options);
  for (let index = 0; index < resolved.customers; index++) yield buildCustomer(index, resolved);
}

/**
 * Customer number `index` (0-based) of the set these options describe, without generating the others: every
 * customer has its own generator seeded by (seed, index), so customers can also be generated in parallel.
 */
export function generateCustomerHistory(index: number, options: DemoDataOptions = {}): DemoCustomerHistory {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`customer index must be a non-negative integer, got ${index}`);
  return buildCustomer(index, resolveOptions(options));
}

function resolveOptions(options: DemoDataOptions): ResolvedOptions {
  const seed = options.seed ?? DEMO_DATA_DEFAULTS.seed;
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const whole = Math.trunc(seed);
  const customers = options.customers ?? DEMO_DATA_DEFAULTS.customers;
  if (!Number.isInteger(customers) || customers < 0) {
    throw new RangeError(`customers must be a non-negative integer, got ${customers}`);
  }
  const endMs = parseInstant(options.end ?? DEMO_DATA_DEFAULTS.end, 'end');
  let startMs: number;
  if (options.start !== undefined) {
    startMs = parseInstant(options.start, 'start');
  } else {
    const start = new Date(endMs);
    start.setUTCFullYear(start.getUTCFullYear() - DEMO_DATA_DEFAULTS.years);
    startMs = start.getTime();
  }
  if (endMs - startMs < DAY) {
    const span = `start ${new Date(startMs).toISOString()}, end ${new Date(endMs).toISOString()}`;
    throw new RangeError(`the history must span at least a day (${span})`);
  }
  const prefix = options.customerIdPrefix ?? DEMO_DATA_DEFAULTS.customerIdPrefix;
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,50}$/.test(prefix)) throw new RangeError(`customerIdPrefix "${prefix}" cannot start a customer id`);
  const lateShare = options.lateShare ?? DEMO_DATA_DEFAULTS.lateShare;
  if (!(lateShare >= 0 && lateShare <= 0.5)) throw new RangeError(`lateShare must be between 0 and 0.5, got ${lateShare}`);
  return {
    seedLo: whole >>> 0,
    seedHi: Math.floor(whole / 4294967296) >>> 0,
    customers,
    startMs,
    endMs,
    prefix,
    prefixHash: hashString(prefix),
    lateShare,
  };
}

function parseInstant(value: string, name: string): number {
  const ms = Date.parse(value);
  if (!/T.*(Z|[+-]\d\d:?\d\d)$/.test(value) || Number.isNaN(ms)) {
    throw new RangeError(`${name} must be an ISO-8601 instant with a zone, got "${value}"`);
  }
  return ms;
}

// ---------------------------------------------------------------------------------------------------------------
// Time helpers. Everything is epoch milliseconds until the very end; instants are whole seconds.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const dayOf = (t: number): number => t - (((t % DAY) + DAY) % DAY);
/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
const weekdayOf = (t: number): number => (((Math.floor(t / DAY) + 4) % 7) + 7) % 7;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const dates = new Map<number, string>();
/** `YYYY-MM-DDTHH:MM:SSZ` (whole seconds), with the date part cached: formatting is most of the generator's time. */
const iso = (t: number): string => {
  const day = Math.floor(t / DAY);
  let date = dates.get(day);
  if (date === undefined) {
    date = new Date(day * DAY).toISOString().slice(0, 10);
    dates.set(day, date);
  }
  const s = Math.floor((t - day * DAY) / SECOND);
  return `${date}T${TWO_DIGITS[Math.floor(s / 3600)]}:${TWO_DIGITS[Math.floor(s / 60) % 60]}:${TWO_DIGITS[s % 60]}Z`;
};

// ---------------------------------------------------------------------------------------------------------------

type Recorder = Readonly<{ userId: string; department: Department }>;

type RawEvent = {
  t: number;
  readonly seq: number;
  readonly type: CustomerEventType;
  readonly data: Record<string, unknown>;
  readonly by: Recorder;
  /** Instant fields are kept as numbers until the end, so a planned chain can still be moved in time. */
  expectedByMs?: number;
  /** A bad experience (complaint, late delivery): NPS answers after it lean towards detractor. */
  bad?: boolean;
};

type DataOf<T extends CustomerEventType> = Extract<CustomerEvent, { type: T }>['data'];

type Contact = Readonly<{ contactId: string; at: number; role: DmuRole }>;

type Order = Readonly<{
  lines: readonly Readonly<{ sku: string; category: string; quantity: number; unitPrice: number }>[];
  totalCents: number;
}>;

type Archetype = 'prospect' | 'new' | 'loyal' | 'ended' | 'lapsed' | 'returner-ended' | 'returner-inactive';

const ARCHETYPES: readonly (readonly [Archetype, number])[] = [
  ['prospect', 22],
  ['new', 13],
  ['loyal', 35],
  ['ended', 10],
  ['lapsed', 11],
  ['returner-ended', 5],
  ['returner-inactive', 4],
];

const SIZES: readonly (readonly [CompanySize, number])[] = [
  ['small', 40],
  ['medium', 32],
  ['large', 20],
  ['enterprise', 8],
];

/** The sales manager who assigns account managers. */
const SALES_MANAGER: Recorder = { userId: 'u-30', department: 'marketing-sales' };

const DISCOUNT_PERCENT: Readonly<Record<CompanySize, number>> = { small: 0, medium: 3, large: 7, enterprise: 12 };
const PURCHASE_GAP_DAYS: Readonly<Record<CompanySize, number>> = { small: 60, medium: 45, large: 32, enterprise: 21 };
const REVIEW_CHANCE: Readonly<Record<CompanySize, number>> = { small: 0.15, medium: 0.35, large: 0.6, enterprise: 0.85 };

/** Equipment whose consumable a customer keeps re-ordering once the equipment is in house. */
const CONSUMABLE_OF: Readonly<Record<string, string>> = {
  'PRN-MFP-A4': 'TON-MFP-A4-BK',
  'PRN-MFP-A3': 'TON-MFP-A3-BK',
  'PRN-LASER-MONO': 'TON-LASER-MONO',
  'PRN-LABEL': 'LBL-ROLL',
  'PRN-WIDE': 'PAP-PLOT-ROLL',
  'COF-MACHINE-BEAN': 'COF-BEANS-1KG',
};

function buildCustomer(index: number, o: ResolvedOptions): DemoCustomerHistory {
  const story = new CustomerStory(index, o);
  story.tell();
  return { customerId: story.customerId, events: story.finish() };
}

class CustomerStory {
  readonly customerId: string;
  private readonly num: string;
  private readonly rng: SeededRandom;
  private readonly start: number;
  private readonly end: number;
  private readonly events: RawEvent[] = [];
  private seq = 0;
  private readonly counters = { order: 0, quote: 0, promise: 0, complaint: 0, opportunity: 0, meeting: 0, mail: 0, contact: 0 };

  private registeredAt = 0;
  private size: CompanySize = 'small';
  private country: Country = 'NL';
  private companySlug = '';
  private interests: Interest[] = [];
  private readonly contacts: Contact[] = [];
  /** Account managers over time, ascending by `from`. */
  private readonly managers: { from: number; userId: string; role: SalesRole }[] = [];
  private readonly installed = new Set<string>();
  /** Spans in which the customer was a customer: [first purchase of a cycle, departure). */
  private readonly periods: [number, number][] = [];

  constructor(
    private readonly index: number,
    private readonly o: ResolvedOptions,
  ) {
    this.num = String(index + 1).padStart(5, '0');
    this.customerId = `${o.prefix}${this.num}`;
    this.rng = new SeededRandom(o.seedLo, o.seedHi, index, 0x5eed);
    this.start = o.startMs;
    this.end = o.endMs;
  }

  // ---- the plot ----------------------------------------------------------------------------------------------

  tell(): void {
    const { rng } = this;
    const span = this.end - this.start;
    const archetype = rng.weighted(ARCHETYPES);
    const early = (share: number) => this.start + rng.next() * rng.next() * share * span;

    const registeredAt =
      archetype === 'prospect'
        ? this.within(this.start, this.end - 10 * DAY)
        : archetype === 'new'
          ? this.within(this.start, this.end - 120 * DAY)
          : archetype === 'loyal'
            ? early(0.6)
            : archetype === 'ended'
              ? early(0.5)
              : archetype === 'lapsed'
                ? this.within(this.start, this.start + 0.12 * span)
                : archetype === 'returner-ended'
                  ? this.within(this.start, this.start + 0.25 * span)
                  : this.within(this.start, this.start + 0.06 * span);
    this.register(registeredAt);
    const r = this.registeredAt;

    switch (archetype) {
      case 'prospect': {
        this.prospectOpportunities();
        break;
      }
      case 'new': {
        const first = this.firstPurchase(this.within(Math.max(r + DAY, this.end - 330 * DAY), this.end - 70 * DAY));
        this.periods.push([first, this.end]);
        break;
      }
      case 'loyal': {
        const first = this.firstPurchase(r + rng.int(1, 30) * DAY);
        this.repeatPurchases(first, this.end);
        this.periods.push([first, this.end]);
        break;
      }
      case 'ended': {
        const first = this.firstPurchase(r + rng.int(1, 30) * DAY);
        const endedAt = this.businessMoment(Math.max(this.within(first + 60 * DAY, this.end - 10 * DAY), first + 30 * DAY));
        const last = this.repeatPurchases(first, endedAt - DAY);
        this.relationshipEnded(Math.max(endedAt, last + DAY));
        this.periods.push([first, Math.max(endedAt, last + DAY)]);
        break;
      }
      case 'lapsed': {
        const first = this.firstPurchase(r + rng.int(1, 20) * DAY);
        const last = this.repeatPurchases(first, this.end - (375 + rng.int(0, 100)) * DAY);
        this.periods.push([first, last + 365 * DAY]);
        break;
      }
      case 'returner-ended': {
        const first = this.firstPurchase(r + rng.int(1, 20) * DAY);
        const endedAt = this.businessMoment(first + rng.int(60, 300) * DAY);
        const last = this.repeatPurchases(first, endedAt - DAY);
        const ended = Math.max(endedAt, last + DAY);
        this.relationshipEnded(ended);
        this.periods.push([first, ended]);
        if (this.rng.chance(0.5)) this.assignManager(ended + rng.int(10, 60) * DAY);
        const back = this.firstPurchase(ended + rng.int(20, 150) * DAY, 0, true);
        this.repeatPurchases(back, this.end);
        this.periods.push([back, this.end]);
        break;
      }
      case 'returner-inactive': {
        const first = this.firstPurchase(r + rng.int(1, 15) * DAY);
        const last = this.repeatPurchases(first, first + rng.int(30, 150) * DAY);
        this.periods.push([first, last + 365 * DAY]);
        const back = this.firstPurchase(last + rng.int(300, 340) * DAY, last + rng.int(370, 420) * DAY, true);
        this.repeatPurchases(back, this.end);
        this.periods.push([back, this.end]);
        break;
      }
    }

    if (this.periods.length > 0) {
      this.accountReviews();
      this.upsellOpportunities();
      this.npsSurveys();
      if (rng.chance(0.35)) this.addContact(this.within(this.periods[0][0], this.end));
    }
    this.marketing();
  }

  // ---- registration, people -----------------------------------------------------------------------------------

  private register(at: number): void {
    const { rng } = this;
    let r = this.businessMoment(at);
    if (r >= this.end) r = Math.floor((this.start + this.end) / 2 / SECOND) * SECOND;
    this.registeredAt = r;
    this.size = rng.weighted(SIZES);
    this.country = rng.chance(0.68) ? 'NL' : 'BE';
    const [industry, , sectors] = rng.weighted(INDUSTRIES.map((entry) => [entry, entry[1]] as const));
    const name = this.companyName(rng.pick(sectors));
    const primary = rng.weighted(INTERESTS.map((interest, i) => [interest, [5, 3, 2, 1][i]] as const));
    this.interests = [primary, ...rng.sample(INTERESTS.filter((i) => i !== primary), rng.int(0, 2))];

    const data: DataOf<'ProspectRegistered'> = {
      name,
      size: this.size,
      ...(rng.chance(0.9) ? { industry } : {}),
      ...(rng.chance(0.85) ? { source: rng.weighted(LEAD_SOURCES) } : {}),
    };
    this.add(r, 'ProspectRegistered', data, this.marketer());

    this.assignManager(r + rng.int(10, 48 * 60) * MINUTE);
    if (rng.chance(0.12)) this.assignManager(this.within(r + 60 * DAY, this.end));
    const contactCount = { small: rng.int(1, 2), medium: rng.int(2, 3), large: rng.int(3, 5), enterprise: rng.int(4, 6) }[this.size];
    let t = r;
    for (let i = 0; i < contactCount; i++) {
      t = i === 0 ? t + rng.int(1, 30) * MINUTE : this.businessMoment(t + rng.int(10, 3 * 24 * 60) * MINUTE);
      this.addContact(t, DMU_ORDER[this.size][i % DMU_ORDER[this.size].length]);
    }
  }

  private companyName(sector: string): string {
    const { rng, country } = this;
    const surname = () => capitalise(rng.pick(SURNAMES[country]));
    const base = rng.weighted<() => string>([
      [() => `${surname()} ${sector}`, 4],
      [() => `${rng.pick(REGIONS[country])} ${sector}`, 3],
      [() => `${surname()} & ${surname()}`, 2],
      [() => `${sector} ${surname()}`, 2],
      [() => `${surname()} & Zonen`, country === 'NL' ? 1 : 0],
    ])();
    this.companySlug = slug(base);
    const form = rng.weighted(LEGAL_FORMS[country]);
    return form ? `${base} ${form}` : base;
  }

  private addContact(at: number, role?: DmuRole): void {
    const { rng } = this;
    const first = rng.pick(FIRST_NAMES[this.country]);
    const last = rng.pick(SURNAMES[this.country]);
    const contactId = `p-${this.num}-${++this.counters.contact}`;
    const dmuRole = role ?? rng.weighted<DmuRole>([['buyer', 3], ['user', 3], ['influencer', 2], ['decision-maker', 1], ['gatekeeper', 1], ['initiator', 1]]);
    const data: DataOf<'ContactAdded'> = {
      contactId,
      name: `${first} ${last}`,
      ...(rng.chance(0.9) ? { email: `${slug(first)}.${slug(last).replace(/-/g, '')}@${this.companySlug}.example` } : {}),
      dmuRole,
    };
    if (this.add(at, 'ContactAdded', data, this.salesRep(at))) this.contacts.push({ contactId, at, role: dmuRole });
  }

  private assignManager(at: number): void {
    const { rng } = this;
    const previous = this.managers[this.managers.length - 1];
    const role = rng.weighted(SALES_ROLE_BY_SIZE[this.size]);
    const pool = ACCOUNT_MANAGERS.filter(([id, r]) => r === role && id !== previous?.userId);
    const [userId] = rng.pick(pool);
    const t = this.businessMoment(at);
    // Assignments are made at registration or later; keep the list ordered for `salesRep(at)`.
    this.managers.push({ from: t, userId, role });
    this.managers.sort((a, b) => a.from - b.from);
    this.add(t, 'AccountManagerAssigned', { employeeId: userId, salesRole: role }, SALES_MANAGER);
  }

  // ---- the sales cycle ----------------------------------------------------------------------------------------

  /**
   * Opportunity → meetings → quote → won → first purchase of a cycle. Planned forward from `startAt`; if the purchase
   * would land before `notBefore` the whole plan moves later by whole weeks (keeping dates and weekdays). Returns
   * the purchase instant (which may lie past the end; everything past the end is dropped when finishing).
   */
  private firstPurchase(startAt: number, notBefore = 0, winBack = false): number {
    const { rng } = this;
    const mark = this.events.length;
    const opportunityId = `opp-${this.num}-${++this.counters.opportunity}`;
    const order = this.basket(winBack ? 'repeat' : 'first');
    const value = roundTo(order.totalCents / 100 * rng.real(1, 1.25), 100);
    let t = this.businessMoment(Math.max(startAt, this.registeredAt + 2 * HOUR));

    for (let i = rng.int(1, 4); i > 0; i--) this.websiteVisit(t - rng.int(1, 14 * 24 * 60) * MINUTE, true);
    if (!winBack) {
      this.stage(t, opportunityId, 'lead', value);
      t = this.meeting(this.businessMoment(t + rng.int(1, 4) * DAY), rng.chance(0.7) ? 'call' : 'video');
      t = this.businessMoment(t + rng.int(2, 8) * DAY);
    }
    this.stage(t, opportunityId, 'qualified', value);
    t = this.meeting(this.businessMoment(t + rng.int(0, 3) * DAY), rng.chance(0.6) ? 'visit' : 'video', t);
    t = this.after(t, this.businessMoment(t + rng.int(2, 8) * DAY));
    this.stage(t, opportunityId, 'proposal', value);
    const sent = this.quote(t + rng.int(10, 120) * MINUTE, order.totalCents);
    t = this.after(sent, this.businessMoment(sent + rng.int(1, 7) * DAY));
    this.stage(t, opportunityId, 'negotiation', value);
    if (rng.chance(0.6)) t = this.meeting(this.businessMoment(t + rng.int(0, 2) * DAY), 'visit', t);
    t = this.after(t, this.businessMoment(t + rng.int(2, 10) * DAY));
    this.stage(t, opportunityId, 'won', roundTo(order.totalCents / 100, 1));
    let purchaseAt = this.purchase(this.after(t, this.businessMoment(t + rng.int(0, 2) * DAY)), order);

    if (purchaseAt < notBefore) {
      const shift = Math.ceil((notBefore - purchaseAt) / WEEK) * WEEK;
      for (let i = mark; i < this.events.length; i++) {
        const event = this.events[i];
        event.t += shift;
        if (event.expectedByMs !== undefined) event.expectedByMs += shift;
      }
      purchaseAt += shift;
    }
    return purchaseAt;
  }

  /** Re-orders every few weeks or months (never a year apart: that would be a departure) until `until`. */
  private repeatPurchases(first: number, until: number): number {
    const { rng } = this;
    let last = first;
    for (;;) {
      const gapDays = rng.chance(0.1)
        ? rng.int(150, 320)
        : Math.max(5, Math.round(PURCHASE_GAP_DAYS[this.size] * rng.real(0.35, 1.65)));
      let at = this.businessMoment(last + gapDays * DAY);
      if (at >= until || at >= this.end) return last;
      const order = this.basket('repeat');
      const big = order.totalCents >= 250_000;
      if (rng.chance(big ? 0.5 : 0.15)) {
        const viaOpportunity = big && rng.chance(0.5);
        const opportunityId = `opp-${this.num}-${++this.counters.opportunity}`;
        const value = roundTo(order.totalCents / 100, 100);
        let requestAt = this.after(last, this.businessMoment(at - rng.int(12, 20) * DAY));
        if (viaOpportunity) {
          const qualifiedAt = this.businessMoment(last + rng.int(1, 4) * DAY);
          this.stage(qualifiedAt, opportunityId, 'qualified', value);
          requestAt = this.after(qualifiedAt, requestAt);
          this.stage(requestAt, opportunityId, 'proposal', value);
        }
        const sent = this.quote(this.after(requestAt, requestAt + rng.int(10, 120) * MINUTE), order.totalCents);
        if (sent >= at) at = this.businessMoment(sent + rng.int(1, 3) * DAY);
        const wonAt = this.after(sent, at - rng.int(1, 6) * HOUR);
        if (viaOpportunity) at = this.after(wonAt, at);
        if (at >= until) {
          if (viaOpportunity) this.stage(this.businessMoment(sent + rng.int(3, 20) * DAY), opportunityId, 'lost', value);
          return last;
        }
        if (viaOpportunity) this.stage(wonAt, opportunityId, 'won', roundTo(order.totalCents / 100, 1));
      }
      last = this.purchase(at, order);
    }
  }

  private purchase(at: number, order: Order): number {
    const { rng } = this;
    const orderId = `O-${this.num}-${String(++this.counters.order).padStart(3, '0')}`;
    const by = rng.chance(0.55) ? this.salesRep(at) : this.staff('operations');
    this.add(
      at,
      'PurchaseMade',
      { orderId, lines: order.lines, total: order.totalCents / 100, currency: 'EUR' },
      by,
    );
    for (const line of order.lines) if (PRODUCT_BY_SKU.get(line.sku)?.kind === 'equipment') this.installed.add(line.sku);
    if (rng.chance(0.8)) {
      const url = `${SUPPLIER_SITE}/mijn-account/orders/${orderId}`;
      this.mail(at + rng.int(2, 30) * MINUTE, `Orderbevestiging ${orderId}`, undefined, url, 0.7, this.staff('operations'));
    }

    let settled = at;
    let late = false;
    if (rng.chance(0.65)) {
      const promised = this.after(at, at + rng.int(5, 60) * MINUTE);
      const due = this.weekday(dayOf(at) + rng.int(1, 7) * DAY);
      const outcome = this.promise(promised, `Levering order ${orderId}`, due, by, this.staff('outbound-logistics'), 0.03);
      if (outcome) {
        settled = outcome.deliveredAt;
        late = outcome.late;
      }
    }
    if (rng.chance(late ? 0.35 : 0.1)) {
      const category = late ? 'delivery' : rng.weighted(COMPLAINT_CATEGORIES);
      this.complaint(this.after(settled, this.businessMoment(settled + rng.int(0, 20) * DAY)), category);
    }
    return at;
  }

  /**
   * A promise with a due date, sometimes adjusted in time (before the due date), delivered early, on the day or late
   * — or, with `openShare`, not delivered at all. Returns when it was delivered.
   */
  private promise(
    at: number,
    subject: string,
    dueDay: number,
    by: Recorder,
    deliverer: Recorder,
    openShare: number,
  ): { deliveredAt: number; late: boolean } | undefined {
    const { rng } = this;
    const promiseId = `P-${this.num}-${String(++this.counters.promise).padStart(3, '0')}`;
    let due = Math.max(dueDay, dayOf(at));
    this.add(at, 'PromiseMade', { promiseId, subject, expectedBy: '' }, by, due + 16 * HOUR);
    let last = at;
    if (due > dayOf(at) && rng.chance(0.15)) {
      // Expectation management: tell the customer before the due date.
      last = this.after(at, this.workTime(dayOf(at) + rng.int(0, (due - dayOf(at)) / DAY - 1) * DAY));
      due = this.weekday(due + rng.int(1, 5) * DAY);
      this.add(last, 'ExpectationAdjusted', { subjectId: promiseId, expectedBy: '' }, by, due + 16 * HOUR);
    }
    if (rng.chance(openShare)) return undefined;
    const outcome = rng.weighted<'early' | 'on-time' | 'late'>([['early', 25], ['on-time', 55], ['late', 20]]);
    const deliveredAt = this.after(last, this.workTime(this.deliveryDay(outcome, dayOf(last), due)));
    this.add(deliveredAt, 'PromiseDelivered', { promiseId }, deliverer, undefined, deliveredAt >= due + DAY);
    return { deliveredAt, late: deliveredAt >= due + DAY };
  }

  /** A quote request with the customer's expectation, perhaps adjusted, answered early, on the day or late. */
  private quote(at: number, amountCents: number): number {
    const { rng } = this;
    const quoteId = `Q-${this.num}-${String(++this.counters.quote).padStart(3, '0')}`;
    const expectedWithinDays = rng.weighted([[0, 1], [1, 3], [2, 6], [3, 4], [5, 4], [7, 2], [10, 1]] as const);
    const requestedBy = rng.chance(0.4) ? this.staff('operations') : this.salesRep(at);
    this.add(at, 'QuoteRequested', { quoteId, expectedWithinDays }, requestedBy);
    let due = dayOf(at) + expectedWithinDays * DAY;
    let last = at;
    if (expectedWithinDays >= 1 && rng.chance(0.15)) {
      last = this.after(at, this.workTime(dayOf(at) + rng.int(0, expectedWithinDays - 1) * DAY));
      due = this.weekday(due + rng.int(1, 5) * DAY);
      this.add(last, 'ExpectationAdjusted', { subjectId: quoteId, expectedBy: '' }, this.salesRep(last), due + 16 * HOUR);
    }
    const outcome = rng.weighted<'early' | 'on-time' | 'late'>([['early', 30], ['on-time', 40], ['late', 30]]);
    const sentAt = this.after(last, this.workTime(this.deliveryDay(outcome, dayOf(last), due)));
    const amount = Math.round(amountCents * rng.real(1, 1.08)) / 100;
    this.add(sentAt, 'QuoteSent', { quoteId, amount, currency: 'EUR' }, this.salesRep(sentAt));
    return sentAt;
  }

  /** The day something is delivered, given the outcome, the earliest possible day and the due day. */
  private deliveryDay(outcome: 'early' | 'on-time' | 'late', earliest: number, due: number): number {
    if (outcome === 'late') return due + this.rng.int(1, 4) * DAY;
    if (outcome === 'early' && due > earliest) return due - this.rng.int(1, Math.min(3, (due - earliest) / DAY)) * DAY;
    return due;
  }

  private complaint(at: number, category: string): void {
    const { rng } = this;
    const complaintId = `K-${this.num}-${String(++this.counters.complaint).padStart(2, '0')}`;
    const severity = rng.weighted([['low', 4], ['medium', 4], ['high', 2]] as const);
    this.add(at, 'ComplaintFiled', { complaintId, category, severity }, this.staff('service'), undefined, true);
    const speed = rng.weighted<'fast' | 'slow' | 'open'>([
      ['fast', severity === 'high' ? 65 : 55],
      ['slow', 35],
      ['open', 8],
    ]);
    if (speed === 'open') return;
    const resolvedAt =
      speed === 'fast'
        ? at + rng.int(15 * 60, 23 * 3600) * SECOND
        : Math.max(this.businessMoment(at + rng.int(1, 18) * DAY), at + DAY + rng.int(5, 600) * MINUTE);
    const resolver =
      category === 'invoice' && rng.chance(0.7)
        ? this.staff('infrastructure')
        : category === 'delivery' && rng.chance(0.5)
          ? this.staff('outbound-logistics')
          : category === 'product-quality' && rng.chance(0.5)
            ? this.staff(rng.chance(0.6) ? 'inbound-logistics' : 'technology')
            : category === 'installation'
              ? this.staff('technology')
              : this.staff('service');
    const resolution = RESOLUTIONS[category] ?? RESOLUTIONS.service;
    this.add(resolvedAt, 'ComplaintResolved', { complaintId, ...(rng.chance(0.85) ? { resolution: rng.pick(resolution) } : {}) }, resolver);
    if (rng.chance(0.2)) {
      // A short service survey after the complaint is closed.
      const answeredAt = resolvedAt + rng.int(2, 72) * HOUR;
      const score =
        speed === 'fast'
          ? rng.weighted([[10, 3], [9, 4], [8, 3], [7, 2], [6, 1]] as const)
          : rng.weighted([[8, 1], [7, 2], [6, 3], [5, 3], [4, 2], [3, 1], [2, 1]] as const);
      this.nps(answeredAt, `nps-service-${complaintId}`, score, this.staff('service'));
    }
  }

  private relationshipEnded(at: number): void {
    const { rng } = this;
    const initiatedBy = rng.chance(0.6) ? 'customer' : 'supplier';
    const [reason, department] = rng.pick(ENDING_REASONS[initiatedBy]);
    const by = department === 'marketing-sales' ? this.salesRep(at) : this.staff(department);
    this.add(at, 'RelationshipEnded', { initiatedBy, ...(rng.chance(0.85) ? { reason } : {}) }, by);
  }

  private stage(at: number, opportunityId: string, stage: DataOf<'OpportunityStageChanged'>['stage'], value?: number): void {
    this.add(at, 'OpportunityStageChanged', { opportunityId, stage, ...(value !== undefined ? { value } : {}) }, this.salesRep(at));
  }

  /** Returns the meeting's instant (strictly after `after` when given). */
  private meeting(at: number, kind: DataOf<'MeetingHeld'>['kind'], after?: number): number {
    const t = after === undefined ? at : this.after(after, at);
    const present = this.contacts.filter((c) => c.at < t);
    const contactIds = this.rng.sample(present, this.rng.int(1, Math.min(3, present.length))).map((c) => c.contactId);
    this.add(
      t,
      'MeetingHeld',
      { meetingId: `mt-${this.num}-${++this.counters.meeting}`, kind, ...(contactIds.length > 0 ? { contactIds } : {}) },
      this.salesRep(t),
    );
    return t;
  }

  // ---- prospects that do not buy, and upsell that fails ----------------------------------------------------------

  private prospectOpportunities(): void {
    const { rng } = this;
    if (!rng.chance(0.75)) {
      if (rng.chance(0.5)) this.meeting(this.businessMoment(this.registeredAt + rng.int(3, 60) * DAY), 'call');
      return;
    }
    let t = this.registeredAt + rng.int(3, 60) * DAY;
    const count = rng.chance(0.25) ? 2 : 1;
    for (let i = 0; i < count && t < this.end; i++) {
      t = this.lostOpportunity(this.businessMoment(t), 'lead') + rng.int(60, 240) * DAY;
    }
  }

  private upsellOpportunities(): void {
    const { rng } = this;
    for (const [from, to] of this.periods) {
      let t = from + rng.int(60, 365) * DAY;
      while (t < Math.min(to, this.end)) {
        if (rng.chance(0.35)) this.lostOpportunity(this.businessMoment(t), 'qualified');
        t += rng.int(120, 365) * DAY;
      }
    }
  }

  /** An opportunity that moves through some stages and is lost (or stalls). Returns its last instant. */
  private lostOpportunity(at: number, firstStage: 'lead' | 'qualified'): number {
    const { rng } = this;
    const opportunityId = `opp-${this.num}-${++this.counters.opportunity}`;
    const order = this.basket('first');
    const value = roundTo(order.totalCents / 100 * rng.real(0.9, 1.3), 100);
    let t = at;
    this.stage(t, opportunityId, firstStage, value);
    const reach = rng.weighted([['lead', firstStage === 'lead' ? 3 : 0], ['qualified', 3], ['proposal', 3], ['negotiation', 2]] as const);
    if (reach !== 'lead') {
      if (firstStage === 'lead') {
        t = this.meeting(this.businessMoment(t + rng.int(1, 6) * DAY), 'call', t);
        t = this.after(t, this.businessMoment(t + rng.int(2, 10) * DAY));
        this.stage(t, opportunityId, 'qualified', value);
      }
      if (reach === 'proposal' || reach === 'negotiation') {
        t = this.meeting(this.businessMoment(t + rng.int(1, 6) * DAY), rng.chance(0.5) ? 'visit' : 'video', t);
        t = this.after(t, this.businessMoment(t + rng.int(1, 7) * DAY));
        this.stage(t, opportunityId, 'proposal', value);
        t = this.quote(t + rng.int(10, 120) * MINUTE, order.totalCents);
        if (reach === 'negotiation') {
          t = this.after(t, this.businessMoment(t + rng.int(2, 10) * DAY));
          this.stage(t, opportunityId, 'negotiation', value);
        }
      }
    }
    if (rng.chance(0.85)) {
      t = this.after(t, this.businessMoment(t + rng.int(5, 40) * DAY));
      this.stage(t, opportunityId, 'lost', value);
    }
    return t;
  }

  // ---- account management -----------------------------------------------------------------------------------

  private accountReviews(): void {
    const { rng } = this;
    for (const [from, to] of this.periods) {
      for (let t = from + rng.int(45, 100) * DAY; t < Math.min(to, this.end); t += rng.int(75, 110) * DAY) {
        if (!rng.chance(REVIEW_CHANCE[this.size])) continue;
        const held = this.meeting(this.businessMoment(t), rng.weighted([['visit', 4], ['video', 4], ['call', 2]] as const));
        if (rng.chance(0.3)) {
          const [subject, department] = rng.pick(OTHER_PROMISES);
          const deliverer = department === 'marketing-sales' ? this.salesRep(held) : this.staff(department);
          const promisedAt = this.after(held, held + rng.int(10, 120) * MINUTE);
          const due = this.weekday(dayOf(held) + rng.int(2, 14) * DAY);
          this.promise(promisedAt, subject, due, this.salesRep(held), deliverer, 0.12);
        }
      }
    }
  }

  /** Relationship NPS twice a year (March and September) among customers; detractors follow bad experiences. */
  private npsSurveys(): void {
    const { rng } = this;
    const firstYear = new Date(this.start).getUTCFullYear();
    const lastYear = new Date(this.end).getUTCFullYear();
    for (let year = firstYear; year <= lastYear; year++) {
      for (const month of [2, 8]) {
        const surveyAt = Date.UTC(year, month, 10, 8, 0, 0);
        if (surveyAt < this.start || surveyAt >= this.end) continue;
        const eligible = this.periods.some(([from, to]) => from < surveyAt && surveyAt < to + 120 * DAY);
        if (!eligible) continue;
        const respondents = this.size === 'enterprise' || this.size === 'large' ? rng.int(0, 2) : rng.chance(0.5) ? 1 : 0;
        for (let i = 0; i < respondents; i++) {
          const answeredAt = surveyAt + rng.int(1, 14 * 24 * 60) * MINUTE;
          const surveyId = `nps-${year}-${String(month + 1).padStart(2, '0')}`;
          const badness = this.events.filter((e) => e.bad && e.t < answeredAt && e.t >= answeredAt - 180 * DAY).length;
          const category = rng.weighted<'promoter' | 'passive' | 'detractor'>(
            badness === 0
              ? [['promoter', 45], ['passive', 40], ['detractor', 15]]
              : badness === 1
                ? [['promoter', 20], ['passive', 40], ['detractor', 40]]
                : [['promoter', 8], ['passive', 32], ['detractor', 60]],
          );
          const score =
            category === 'promoter'
              ? rng.int(9, 10)
              : category === 'passive'
                ? rng.int(7, 8)
                : rng.weighted([[0, 1], [1, 1], [2, 2], [3, 3], [4, 4], [5, 6], [6, 7]] as const);
          this.nps(answeredAt, surveyId, score, this.marketer());
        }
      }
    }
  }

  private nps(at: number, surveyId: string, score: number, by: Recorder): void {
    const { rng } = this;
    const known = this.contacts.filter((c) => c.at < at);
    const contact = known.length > 0 && rng.chance(0.85) ? rng.pick(known) : undefined;
    const wantsToSay = score <= 6 ? rng.chance(0.75) : score <= 8 ? rng.chance(0.4) : false;
    this.add(
      at,
      'NpsResponded',
      {
        surveyId,
        ...(contact ? { contactId: contact.contactId } : {}),
        score,
        ...(wantsToSay ? { improvement: rng.pick(IMPROVEMENTS) } : {}),
      },
      by,
    );
  }

  // ---- marketing: mails and website --------------------------------------------------------------------------

  private marketing(): void {
    const { rng } = this;
    const registered = new Date(this.registeredAt);
    for (let m = registered.getUTCFullYear() * 12 + registered.getUTCMonth(); ; m++) {
      const year = Math.floor(m / 12);
      const month = m % 12;
      const monthStart = Date.UTC(year, month, 1);
      if (monthStart >= this.end) break;
      const phase = this.phaseAt(monthStart + 15 * DAY);
      // The monthly campaign goes out to everyone on the list on the same morning.
      const [campaign, subject] = CAMPAIGN_SUBJECTS[month];
      const campaignId = `cmp-${year}-${String(month + 1).padStart(2, '0')}-${campaign}`;
      const blastAt = Date.UTC(year, month, 3 + (month % 5), 7, 30) + rng.int(0, 50 * 60) * SECOND;
      const receives = phase === 'prospect' ? 0.8 : phase === 'customer' ? 0.7 : 0.5;
      if (blastAt > this.registeredAt && rng.chance(receives)) {
        this.mail(blastAt, subject, campaignId, `${SUPPLIER_SITE}/acties/${campaign}-${year}?utm_campaign=${campaignId}`, phase === 'customer' ? 0.5 : 0.4);
      }
      if (phase !== 'departed' && rng.chance(0.6)) {
        const newsletterAt = Date.UTC(year, month, 17 + (month % 4), 6, 45) + rng.int(0, 30 * 60) * SECOND;
        const newsletterId = `nb-${year}-${String(month + 1).padStart(2, '0')}`;
        if (newsletterAt > this.registeredAt) {
          const url = `${SUPPLIER_SITE}/nieuws/${year}-${String(month + 1).padStart(2, '0')}?utm_campaign=${newsletterId}`;
          this.mail(newsletterAt, `Nieuwsbrief ${MONTH_NAMES[month]} ${year}`, newsletterId, url, 0.35);
        }
      }
      if (phase !== 'departed' && rng.chance(0.3)) {
        const at = this.businessMoment(monthStart + rng.int(0, 27) * DAY);
        if (at > this.registeredAt) this.mail(at, rng.pick(FOLLOW_UP_SUBJECTS), undefined, `${SUPPLIER_SITE}${rng.pick(this.interests[0].pages)}`, 0.6);
      }
      const visits = phase === 'prospect' ? rng.int(0, 3) : phase === 'customer' ? rng.int(1, 4) : rng.int(0, 1);
      for (let i = 0; i < visits; i++) {
        const at = monthStart + rng.int(0, 30 * 24 * 3600) * SECOND;
        if (at > this.registeredAt) this.websiteVisit(at, false);
      }
    }
  }

  private mail(at: number, subject: string, campaignId: string | undefined, url: string, openChance: number, from?: Recorder): void {
    const { rng } = this;
    const mailId = `m-${this.num}-${String(++this.counters.mail).padStart(4, '0')}`;
    const sender = from ?? (campaignId ? this.marketer() : this.salesRep(at));
    this.add(at, 'MailSent', { mailId, ...(campaignId ? { campaignId } : {}), subject }, sender);
    if (!rng.chance(openChance)) return;
    const openedAt = at + rng.int(3 * 60, 3 * 24 * 3600) * SECOND;
    const tracker = this.marketer();
    this.add(openedAt, 'MailOpened', { mailId }, tracker);
    if (rng.chance(0.35)) this.add(openedAt + rng.int(5, 600) * SECOND, 'MailClicked', { mailId, url }, tracker);
  }

  private websiteVisit(at: number, buying: boolean): void {
    const { rng } = this;
    if (at <= this.registeredAt) return;
    const interest = rng.chance(0.7) ? this.interests[0] : rng.pick(this.interests);
    const page = buying || rng.chance(0.6) ? rng.pick(interest.pages) : rng.pick(GENERAL_PAGES);
    const t = dayOf(at) + rng.int(6 * 3600, 22 * 3600) * SECOND;
    if (t <= this.registeredAt) return;
    this.add(
      t,
      'WebsiteVisited',
      { url: `${SUPPLIER_SITE}${page}`, ...(rng.chance(0.9) ? { durationSeconds: rng.int(buying ? 60 : 8, buying ? 1200 : 600) } : {}) },
      this.marketer(),
    );
  }

  // ---- baskets ------------------------------------------------------------------------------------------------

  /** An order of 1–5 lines: an anchor product and what usually comes with it (so basket analysis finds rules). */
  private basket(mode: 'first' | 'repeat'): Order {
    const { rng } = this;
    const interest = rng.chance(0.75) ? this.interests[0] : rng.pick(this.interests);
    let anchor: string;
    const reorderable = [...this.installed].filter((sku) => CONSUMABLE_OF[sku]).map((sku) => CONSUMABLE_OF[sku]);
    if (mode === 'repeat' && reorderable.length > 0 && rng.chance(0.6)) anchor = rng.pick(reorderable);
    else if (mode === 'repeat' && rng.chance(0.75)) anchor = rng.weighted(interest.reorders);
    else anchor = rng.weighted(interest.equipment);

    const anchorQty = this.quantity(anchor);
    const lines = new Map<string, number>([[anchor, anchorQty]]);
    for (const complement of COMPLEMENTS[anchor] ?? []) {
      if (lines.size >= 5) break;
      if (!lines.has(complement.sku) && rng.chance(complement.p)) lines.set(complement.sku, this.complementQty(complement, anchorQty));
    }
    if (lines.size < 5 && rng.chance(0.15)) {
      const other = rng.weighted(rng.pick(INTERESTS).reorders);
      if (!lines.has(other)) lines.set(other, this.quantity(other));
    }
    let totalCents = 0;
    const out: Order['lines'][number][] = [];
    for (const [sku, quantity] of lines) {
      const product = PRODUCT_BY_SKU.get(sku);
      if (!product) throw new Error(`demo catalogue has no product ${sku}`);
      const unitCents = Math.round((product.priceCents * (100 - DISCOUNT_PERCENT[this.size])) / 100);
      totalCents += unitCents * quantity;
      out.push({ sku, category: product.category, quantity, unitPrice: unitCents / 100 });
    }
    return { lines: out, totalCents };
  }

  private quantity(sku: string): number {
    const { rng } = this;
    const product = PRODUCT_BY_SKU.get(sku);
    const big = product?.priceCents !== undefined && product.priceCents >= 200_000;
    if (product?.kind === 'equipment') {
      const units = { small: rng.int(1, 2), medium: rng.int(1, 4), large: rng.int(2, 10), enterprise: rng.int(5, 30) }[this.size];
      return big ? Math.max(1, Math.ceil(units / 4)) : units;
    }
    return { small: rng.int(1, 10), medium: rng.int(4, 25), large: rng.int(10, 60), enterprise: rng.int(20, 150) }[this.size];
  }

  private complementQty(complement: Complement, anchorQty: number): number {
    switch (complement.qty) {
      case 'per-unit':
        return anchorQty;
      case 'refill':
        return anchorQty * this.rng.int(1, 3);
      case 'one':
        return 1;
      case 'bulk':
        return this.quantity(complement.sku);
    }
  }

  // ---- who records, and when -----------------------------------------------------------------------------------

  private phaseAt(t: number): 'prospect' | 'customer' | 'departed' {
    if (this.periods.some(([from, to]) => from <= t && t < to)) return 'customer';
    return this.periods.some(([, to]) => to <= t) ? 'departed' : 'prospect';
  }

  private salesRep(at: number): Recorder {
    let current = this.managers[0];
    for (const m of this.managers) if (m.from <= at) current = m;
    return { userId: current?.userId ?? 'u-1', department: 'marketing-sales' };
  }

  private staff(department: keyof typeof STAFF): Recorder {
    return { userId: this.rng.pick(STAFF[department]), department };
  }

  private marketer(): Recorder {
    return this.staff('marketing-sales');
  }

  /** Uniform instant in [from, to) in whole seconds (from when the range is empty). */
  private within(from: number, to: number): number {
    return Math.floor((from + this.rng.next() * Math.max(0, to - from)) / SECOND) * SECOND;
  }

  /**
   * A random working moment (Monday to Friday, 07:00–17:00 UTC) at or after `t`: later the same day when `t` is
   * within working hours, else on the next weekday. Never before `t`, so chains built with it stay ordered.
   */
  private businessMoment(t: number): number {
    const day = dayOf(t);
    const timeOfDay = Math.ceil((t - day) / SECOND) * SECOND;
    if (weekdayOf(day) !== 0 && weekdayOf(day) !== 6 && timeOfDay < 17 * HOUR - SECOND) {
      return day + this.rng.int(Math.max(7 * HOUR, timeOfDay) / SECOND, 17 * 3600 - 1) * SECOND;
    }
    return this.workTime(this.weekday(day + (weekdayOf(day) === 0 || weekdayOf(day) === 6 ? 0 : DAY)));
  }

  private weekday(day: number): number {
    const weekday = weekdayOf(day);
    return weekday === 6 ? day + 2 * DAY : weekday === 0 ? day + DAY : day;
  }

  private workTime(day: number): number {
    return day + this.rng.int(7 * 3600, 17 * 3600 - 1) * SECOND;
  }

  /** `t`, or a little after `previous` when `t` is not later (so a chain stays strictly ordered). */
  private after(previous: number, t: number): number {
    return t > previous ? t : previous + this.rng.int(5, 90) * MINUTE;
  }

  private add<T extends CustomerEventType>(
    at: number,
    type: T,
    data: DataOf<T>,
    by: Recorder,
    expectedByMs?: number,
    bad?: boolean,
  ): boolean {
    const t = Math.floor(at / SECOND) * SECOND;
    if (t < this.registeredAt) {
      throw new Error(`demo-data: ${type} for ${this.customerId} at ${iso(t)} precedes the registration (a generator bug)`);
    }
    this.events.push({ t, seq: this.seq++, type, data: data as Record<string, unknown>, by, expectedByMs, bad });
    return t < this.end;
  }

  // ---- the stream, as recorded ---------------------------------------------------------------------------------

  /**
   * Orders by occurrence, drops what lies past the end (dependants always occur after what they depend on, so this
   * never orphans a resolution or a delivery), records a small share late, and stamps event ids.
   */
  finish(): DemoEvent[] {
    const { rng } = this;
    const kept = this.events.filter((e) => e.t < this.end).sort((a, b) => a.t - b.t || a.seq - b.seq);
    if (kept[0]?.type !== 'ProspectRegistered') throw new Error(`demo-data: ${this.customerId} does not start with ProspectRegistered`);

    // Late recording: only touchpoints nothing else depends on (never a registration, a filing, a request, a promise
    // or an adjustment) are entered late, so the recording order stays rule-valid. A late entry is recorded after
    // at least the next touchpoint, so it really is listed after something that occurred later.
    const keys = kept.map((e) => e.t);
    const candidates: number[] = [];
    for (let i = 0; i + 1 < kept.length; i++) {
      if (LATE_RECORDABLE.has(kept[i].type) && kept[i + 1].t > kept[i].t) candidates.push(i);
    }
    const lateCount = Math.min(candidates.length, Math.floor(this.o.lateShare * kept.length + rng.next()));
    for (const i of rng.sample(candidates, lateCount)) {
      const delay = rng.chance(0.6) ? rng.int(1, 3) * DAY : rng.int(3, 14) * DAY;
      keys[i] = Math.max(kept[i].t + delay, kept[i + 1].t + rng.int(1, 24 * 60) * MINUTE);
    }
    const order = kept.map((_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);

    const ids = new SeededRandom(this.o.seedLo, this.o.seedHi, this.index, this.o.prefixHash ^ 0x1d5);
    return order.map((i) => {
      const e = kept[i];
      const data = e.expectedByMs === undefined ? e.data : { ...e.data, expectedBy: iso(e.expectedByMs) };
      return { eventId: ids.uuid(), type: e.type, data, occurredAt: iso(e.t), recordedBy: e.by } as DemoEvent;
    });
  }
}

const LATE_RECORDABLE: ReadonlySet<CustomerEventType> = new Set<CustomerEventType>([
  'MailOpened',
  'MailClicked',
  'WebsiteVisited',
  'MeetingHeld',
  'NpsResponded',
  'PurchaseMade',
  'QuoteSent',
  'PromiseDelivered',
  'ComplaintResolved',
]);

const MONTH_NAMES = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const slug = (text: string): string =>
  text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/&/g, 'en')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const roundTo = (value: number, step: number): number => Math.max(step, Math.round(value / step) * step);
