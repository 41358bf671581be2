/**
 * A period `[from, to)` selecting by when things occurred (contract "HTTP": `from` included, `to` excluded). A
 * missing bound leaves that side open.
 */
export type Period = Readonly<{ from?: string | null; to?: string | null }>;

/** The bounds as query parameters (ISO text, or null for an open side). */
export const periodParameters = (period: Period): [string | null, string | null] => [
  period.from == null ? null : new Date(period.from).toISOString(),
  period.to == null ? null : new Date(period.to).toISOString(),
];

/** `column` within the period given as parameters `$n` (from) and `$n+1` (to). */
export const inPeriod = (column: string, n: number): string =>
  `($${n}::timestamptz IS NULL OR ${column} >= $${n}::timestamptz) AND ($${n + 1}::timestamptz IS NULL OR ${column} < $${n + 1}::timestamptz)`;
