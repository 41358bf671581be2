/**
 * Telling "the database is unreachable right now" apart from every other failure, so that the HTTP edge can answer
 * 503 `database-unavailable` with `Retry-After` (the client should retry later) instead of 500 (a bug).
 */

/** Node socket errors that mean the server cannot be reached (refused, reset, unreachable, unresolvable). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server going away or not accepting work yet: class 08 (connection exception), 57P01–57P03
 * (administrator/crash shutdown, cannot connect now: starting up or in recovery), 53300 (too many connections).
 */
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** Messages node-postgres uses (without a code) when a connection dies or cannot be made in time. */
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Connection terminated due to connection timeout',
];

/** Is `error` (or anything in its `cause`/`driverError`/AggregateError chain) a lost or refused database connection? */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; driverError?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || SQLSTATE.test(e.code))) return true;
  if (typeof e.message === 'string' && PG_MESSAGES.some((m) => (e.message as string).startsWith(m))) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.driverError, depth + 1);
}

/** Seconds a client should wait before retrying while the database is unavailable (`Retry-After`). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * How long a query waits for a connection before it fails. Short, so that during an outage every request answers
 * 503 within 5 s instead of queueing until the client gives up.
 */
export const CONNECT_TIMEOUT_MS = 3000;
