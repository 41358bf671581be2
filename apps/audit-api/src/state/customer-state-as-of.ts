/**
 * The bitemporal as-of fold, pure: the same `evolveCustomerProfile` / `viewCustomerProfile` the projection and the
 * query API use, so the audit answer and theirs cannot disagree.
 *
 * - `recorded` — what was KNOWN at `asOf`: only the events recorded by then (`recordedAt <= asOf`) are folded, in
 *   stream order, and the profile is viewed at `asOf`. It is what `GET /v1/customers/{id}` answered at that moment.
 * - `occurred` — what was TRUE at `asOf`, as far as we know now: every event recorded so far is folded (exactly the
 *   projection's state) and the view at `asOf` counts only what occurred by then (`occurredAt <= asOf`), including
 *   events recorded later. It equals `GET /v1/customers/{id}?asOf=`. (Folding all events rather than only those that
 *   occurred by `asOf` keeps the recording-order rules of the fold — e.g. which open quote a late adjustment belongs
 *   to — exactly as the projection applied them.)
 *
 * `eventsConsidered` counts the events the answer rests on (recorded by `asOf`, or occurred by `asOf`), and
 * `lastPosition` is the highest global position among them.
 */
import {
  foldCustomerProfile,
  viewCustomerProfile,
  type CustomerDefinition,
  type CustomerProfileState,
  type CustomerProfileView,
  type StoredCustomerEvent,
} from '@klantcentraal/domain';

export const AS_OF_BASES = ['recorded', 'occurred'] as const;
export type AsOfBasis = (typeof AS_OF_BASES)[number];

export type CustomerStateAsOf = Readonly<{
  /** null: not registered as of then (no profile existed / was known). */
  profile: CustomerProfileView | null;
  basis: AsOfBasis;
  asOf: string;
  eventsConsidered: number;
  lastPosition: number | null;
}>;

/**
 * Events folded at once: the fold copies each touched list and record and re-indexes a subject list once per call, so
 * one call per event would be quadratic; with 1 000 a 100 000-event stream still made 100 such calls over ever longer
 * lists (about 5 % of the as-of's CPU time more than with 10 000). Memory: the state plus one chunk of events.
 */
const FOLD_CHUNK = 10_000;

/** Feed a stream's events in stream order with `add`, one at a time (memory: the fold's state plus one chunk). */
export class CustomerStateAsOfFold {
  readonly asOf: string;
  private readonly asOfMs: number;
  private state: CustomerProfileState | null = null;
  private considered = 0;
  private lastPosition: number | null = null;
  private pending: StoredCustomerEvent[] = [];

  constructor(
    asOf: string,
    readonly basis: AsOfBasis,
    private readonly definition: CustomerDefinition,
  ) {
    this.asOfMs = Date.parse(asOf);
    if (Number.isNaN(this.asOfMs)) throw new RangeError(`asOf is not an ISO-8601 timestamp: ${JSON.stringify(asOf)}`);
    this.asOf = new Date(this.asOfMs).toISOString();
  }

  add(event: StoredCustomerEvent): void {
    // Only `recorded` asks when an event was recorded (a Date.parse per event saved on the other basis).
    if (this.basis === 'recorded' && !(Date.parse(event.recordedAt) <= this.asOfMs)) return;
    this.pending.push(event);
    if (this.pending.length >= FOLD_CHUNK) this.flush();
    if (this.basis === 'recorded' || Date.parse(event.occurredAt) <= this.asOfMs) {
      this.considered += 1;
      this.lastPosition = Math.max(this.lastPosition ?? 0, event.globalPosition);
    }
  }

  private flush(): void {
    this.state = foldCustomerProfile(this.state, this.pending, this.definition);
    this.pending = [];
  }

  result(): CustomerStateAsOf {
    this.flush();
    const profile = this.state && this.considered > 0 ? viewCustomerProfile(this.state, this.asOf, this.definition) : null;
    return { profile, basis: this.basis, asOf: this.asOf, eventsConsidered: this.considered, lastPosition: this.lastPosition };
  }
}

export function customerStateAsOf(
  events: Iterable<StoredCustomerEvent>,
  asOf: string,
  basis: AsOfBasis,
  definition: CustomerDefinition,
): CustomerStateAsOf {
  const fold = new CustomerStateAsOfFold(asOf, basis, definition);
  for (const event of events) fold.add(event);
  return fold.result();
}
