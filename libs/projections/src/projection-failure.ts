/**
 * Which failures are the event's fault (poison: park it, go on) and which are the environment's or the code's as a
 * whole (retry the batch with backoff, never park). Parking on a systemic failure would quietly skip every event
 * while, say, a migration is missing or the database restarts.
 */

/** SQLSTATE classes that do not depend on the event being applied. */
const SYSTEMIC_SQLSTATE_CLASSES = new Set([
  '08', // connection exception
  '25', // invalid transaction state (e.g. a statement after an error was swallowed)
  '3D', // invalid catalog (database) name
  '3F', // invalid schema name
  '40', // transaction rollback: serialization failure, deadlock
  '42', // syntax error or access rule violation: undefined table/column, permission denied — code or migrations
  '53', // insufficient resources
  '54', // program limit exceeded
  '55', // object not in prerequisite state (lock not available …)
  '57', // operator intervention: shutdown, query canceled
  '58', // system error
  'XX', // internal error
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

export function isSystemicError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^[0-9A-Z]{5}$/.test(code)) return SYSTEMIC_SQLSTATE_CLASSES.has(code.slice(0, 2));
  if (NETWORK_CODES.has(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|not queryable|connection error|Client was closed|timeout exceeded when trying to connect/i.test(message);
}

/** One line for logs and `parked_events.error`: the message, with the SQLSTATE when there is one. */
export function describeError(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' && e.code ? `${message} [${e.code}]` : message;
}
