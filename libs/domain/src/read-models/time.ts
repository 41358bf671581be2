/**
 * Time arithmetic shared by the read-model folds. Durations compare instants in milliseconds; experience compares
 * UTC calendar dates (day numbers). Timestamps kept in read-model state are normalised with `toISOString()`, so
 * they compare correctly as strings and survive a JSON round trip unchanged.
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export function toMs(iso: string, what = 'timestamp'): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not a valid ISO-8601 timestamp: ${JSON.stringify(iso)}`);
  return ms;
}

/**
 * Already canonical and certainly a real instant: day 01–28 of month 01–12, hour 00–23. (`Date.parse` rolls
 * `02-30` and `T24:00` over into the next day, so those take the slow path and come back changed.)
 */
const CANONICAL_ISO = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/**
 * The canonical form (`2026-03-01T10:00:00.000Z`) of any ISO-8601 timestamp, whatever its zone. Folds call this for
 * every event; stored timestamps are nearly always canonical already, and for those the pattern test replaces a
 * parse and a format (a tenth of a rebuild's fold time).
 */
export const normaliseIso = (iso: string, what?: string): string =>
  CANONICAL_ISO.test(iso) ? iso : new Date(toMs(iso, what)).toISOString();

export const isoFromMs = (ms: number): string => new Date(ms).toISOString();

/** Days since 1970-01-01 of the UTC calendar date the instant falls on. */
export const utcDay = (ms: number): number => Math.floor(ms / DAY_MS);

/** A fact from a customer stream, ordered as if events were sorted by `occurredAt`, ties by `streamRevision`. */
export type OrderedFact = Readonly<{ occurredAt: string; streamRevision: number; globalPosition: number }>;

export const compareFacts = (a: OrderedFact, b: OrderedFact): number =>
  a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.streamRevision - b.streamRevision;

/** A new array with `item` at its sorted place; scans from the end because events mostly arrive in order. */
export function insertSorted<T>(list: readonly T[], item: T, compare: (a: T, b: T) => number): T[] {
  let index = list.length;
  while (index > 0 && compare(list[index - 1], item) > 0) index--;
  return [...list.slice(0, index), item, ...list.slice(index)];
}

/** How many of the ascending normalised timestamps are at or before `asOf` (normalised). */
export function countUpTo(sorted: readonly string[], asOf: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= asOf) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The facts that occurred at or before `asOf` (normalised), keeping their order. */
export const occurredBy = <T extends Readonly<{ occurredAt: string }>>(facts: readonly T[], asOf: string): T[] =>
  facts.filter((fact) => fact.occurredAt <= asOf);

export const latest = <T>(items: readonly T[]): T | undefined => items[items.length - 1];
