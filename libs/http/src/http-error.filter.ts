import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RuleViolationError } from '@klantcentraal/domain';
import { IdempotencyConflictError, RevisionConflictError } from '@klantcentraal/event-store';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '@klantcentraal/postgres';

/** `{ error: <code>, message, details?, …extra top-level fields }` (contract "HTTP"). */
export type ErrorBody = Readonly<{ error: string; message: string; details?: readonly unknown[] } & Record<string, unknown>>;
/** `headers`: extra response headers, e.g. `Retry-After` on 503 `database-unavailable`. */
export type ErrorResponse = Readonly<{ status: number; body: ErrorBody; headers?: Readonly<Record<string, string>> }>;

const CODE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const CODES_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'validation', // every 400 of this API is a request that does not validate
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  408: 'request-timeout',
  409: 'conflict',
  410: 'gone',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'too-many-requests',
  501: 'not-implemented',
  503: 'unavailable',
};

export function errorCodeForStatus(status: number): string {
  return CODES_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'bad-request');
}

/**
 * The one mapping from anything thrown to the contract's error bodies. Domain and store errors get their contract
 * codes; HttpExceptions keep their status (and their code when they carry one); anything else is a 500 `internal`
 * whose details stay in the log.
 */
export function toErrorResponse(exception: unknown): ErrorResponse | null {
  if (exception instanceof RuleViolationError) {
    return {
      status: HttpStatus.UNPROCESSABLE_ENTITY,
      body: {
        error: 'rule-violation',
        message: exception.message,
        details: [{ path: `events[${exception.index}]`, rule: exception.rule, message: exception.message }],
      },
    };
  }
  if (exception instanceof RevisionConflictError) {
    return {
      status: HttpStatus.CONFLICT,
      body: {
        error: 'revision-conflict',
        message: exception.message,
        expectedRevision: exception.expectedRevision,
        actualRevision: exception.actualRevision ?? 'no-stream',
      },
    };
  }
  if (exception instanceof IdempotencyConflictError) {
    return {
      status: HttpStatus.CONFLICT,
      body: { error: 'idempotency-conflict', message: exception.message, eventIds: exception.eventIds },
    };
  }
  if (exception instanceof HttpException) return fromHttpException(exception);
  if (isStatementTimeout(exception)) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: {
        error: 'query-timeout',
        message: 'the query ran longer than the statement timeout (QUERY_TIMEOUT_MS) and was cancelled; narrow the request or retry later',
      },
    };
  }
  if (isDatabaseUnavailable(exception)) return DATABASE_UNAVAILABLE;
  const exposed = exposedHttpError(exception);
  if (exposed) return exposed;
  return null;
}

function fromHttpException(exception: HttpException): ErrorResponse {
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (response && typeof response === 'object') {
    const { statusCode: _statusCode, error, message, ...rest } = response as Record<string, unknown>;
    const text = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
    // An exception thrown with a contract body (`{ error: 'projection-lag', … }`) keeps it; Nest's own
    // (`{ statusCode, message, error: 'Not Found' }`) gets the code for its status.
    if (typeof error === 'string' && CODE.test(error)) return { status, body: { ...rest, error, message: text } };
    return { status, body: { error: errorCodeForStatus(status), message: text } };
  }
  return { status, body: { error: errorCodeForStatus(status), message: typeof response === 'string' ? response : exception.message } };
}

/** PostgreSQL's `query_canceled` (57014) raised by `statement_timeout`, directly from pg or wrapped by TypeORM. */
function isStatementTimeout(exception: unknown): boolean {
  const e = exception as { code?: unknown; message?: unknown; driverError?: { code?: unknown; message?: unknown } } | null;
  const pgError = e?.driverError ?? e;
  return pgError?.code === '57014' && /statement timeout/.test(String(pgError.message));
}

/** Errors of the `http-errors` kind (Express middleware) that are meant for the client (`expose`). */
function exposedHttpError(exception: unknown): ErrorResponse | null {
  const e = exception as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown } | null;
  const status = typeof e?.status === 'number' ? e.status : e?.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499 || e?.expose !== true) return null;
  return { status, body: { error: errorCodeForStatus(status), message: String(e.message ?? 'bad request') } };
}

/** The database is down or restarting: the request may be retried as it is (nothing was stored by it). */
const DATABASE_UNAVAILABLE: ErrorResponse = {
  status: HttpStatus.SERVICE_UNAVAILABLE,
  body: { error: 'database-unavailable', message: `the database is unavailable; retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds` },
  headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
};

const INTERNAL: ErrorResponse = {
  status: HttpStatus.INTERNAL_SERVER_ERROR,
  body: { error: 'internal', message: 'internal server error' },
};

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    let response = toErrorResponse(exception);
    if (!response) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
      response = INTERNAL;
    } else if (response.status >= 500) {
      this.logger.error(`${response.status} ${response.body.error}: ${response.body.message}`);
    }
    const { httpAdapter } = this.adapterHost;
    const res = host.switchToHttp().getResponse<{ headersSent?: boolean; end?(): void; setHeader?(name: string, value: string): void }>();
    if (res.headersSent) {
      // A streamed response (SSE, NDJSON) has already started: the status cannot change any more.
      res.end?.();
      return;
    }
    for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader?.(name, value);
    httpAdapter.reply(res, response.body, response.status);
  }
}
