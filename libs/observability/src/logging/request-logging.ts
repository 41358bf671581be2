import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type pino from 'pino';
import { principalOf } from '@klantcentraal/auth';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** A client's request id is kept when it is a plain token (no spaces or control characters, at most 128). */
const VALID_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

type IdentifiedRequest = IncomingMessage & { originalUrl?: string };

/**
 * Gives every request an id before anything else runs (so every response, also a 413 from the body parser, carries
 * `X-Request-Id`): the client's when valid, else a fresh UUID. pino-http reuses it as the log's `requestId`.
 */
export function requestIdMiddleware() {
  return (req: IdentifiedRequest, res: ServerResponse, next: () => void): void => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && VALID_REQUEST_ID.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  };
}

/** The path only: a query string may carry values nobody asked to keep. */
function pathOf(req: IdentifiedRequest): string {
  const url = req.originalUrl ?? req.url ?? '';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/**
 * One log line per request with exactly the contract's fields (`requestId`, `keyName`, `method`, `path`, `status`,
 * `ms`) and nothing else: no headers (the API key), no body, no query string (personal values).
 */
function accessFields(req: IdentifiedRequest, res: ServerResponse, ms: number) {
  return { keyName: principalOf(req)?.name ?? null, method: req.method, path: pathOf(req), status: res.statusCode, ms };
}

/** nestjs-pino over the root logger: request logging, and `requestId` on every log line written during a request. */
export function requestLoggingModule(root: pino.Logger): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      logger: root,
      quietReqLogger: true,
      quietResLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
      genReqId: (req) => req.id ?? randomUUID(),
      // Health probes and scrapes arrive every few seconds: they would drown the log.
      autoLogging: { ignore: (req) => /^\/(health\/|metrics$)/.test(pathOf(req)) },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      customSuccessMessage: () => 'request completed',
      customErrorMessage: () => 'request failed',
      customSuccessObject: (req, res, val: { responseTime: number }) => accessFields(req, res, val.responseTime),
      customErrorObject: (req, res, err, val: { responseTime: number }) => ({
        ...accessFields(req, res, val.responseTime),
        errorType: err?.name ?? 'Error',
      }),
    },
  });
}
