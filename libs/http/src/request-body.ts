import { BadRequestException, HttpException, HttpStatus, PayloadTooLargeException } from '@nestjs/common';
import bodyParser from 'body-parser';
import type { NextFunction, Request, Response } from 'express';

export type BodyLimit = string | number;

/** Contract "Abuse resistance": 2 MiB per request, 16 MiB for bulk ingest. */
export const DEFAULT_BODY_LIMIT: BodyLimit = '2mb';
export const DEFAULT_ROUTE_BODY_LIMITS: Readonly<Record<string, BodyLimit>> = { 'POST /v1/events': '16mb' };

export type RequestBodyOptions = Readonly<{
  limit: BodyLimit;
  /** `"METHOD /path"` → limit, for the few routes that take more than `limit`. */
  routeLimits: Readonly<Record<string, BodyLimit>>;
  /** `"METHOD /path"` of routes that also take `application/x-ndjson` (they parse it themselves). */
  ndjsonRoutes: readonly string[];
}>;

const JSON_TYPES = ['application/json', 'application/*+json'];
const NDJSON = 'application/x-ndjson';
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The request-body middlewares: 415 `unsupported-media-type` for a body that is not JSON (naming what to send),
 * then the JSON parser with the route's size limit. Named `jsonParser` so that Nest does not add its own parser.
 */
export function requestBodyMiddlewares(options: RequestBodyOptions) {
  const defaultParser = bodyParser.json({ limit: options.limit, type: JSON_TYPES });
  const routeParsers = new Map(
    Object.entries(options.routeLimits).map(([route, limit]) => [route, bodyParser.json({ limit, type: JSON_TYPES })]),
  );
  const ndjsonRoutes = new Set(options.ndjsonRoutes);

  const requireJson = (req: Request, _res: Response, next: NextFunction) => {
    if (!WITH_BODY.has(req.method) || !hasBody(req)) return next();
    const route = `${req.method} ${req.path}`;
    const accepted = ndjsonRoutes.has(route) ? [...JSON_TYPES, NDJSON] : JSON_TYPES;
    if (req.is(accepted)) return next();
    const sent = req.headers['content-type'] ? `"${req.headers['content-type']}"` : 'no Content-Type';
    const wanted = ndjsonRoutes.has(route) ? '"Content-Type: application/json" or "Content-Type: application/x-ndjson"' : '"Content-Type: application/json"';
    next(
      new HttpException(
        { error: 'unsupported-media-type', message: `the request body must be JSON: send ${wanted} (got ${sent})` },
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      ),
    );
  };
  const jsonParser = (req: Request, res: Response, next: NextFunction) => {
    const route = `${req.method} ${req.path}`;
    const limit = options.routeLimits[route] ?? options.limit;
    (routeParsers.get(route) ?? defaultParser)(req, res, (err?: unknown) => next(err === undefined ? undefined : bodyParserError(err, limit)));
  };
  return [requireJson, jsonParser];
}

/** A body is there when it has a length above zero or arrives chunked. */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Body-parser errors as contract errors (they happen before any Nest route, and reach the one error filter). */
export function bodyParserError(err: unknown, limit: BodyLimit): unknown {
  const e = err as { type?: string; message?: string; status?: number } | null;
  switch (e?.type) {
    case 'entity.too.large':
      return new PayloadTooLargeException({
        error: 'payload-too-large',
        message: `the request body exceeds the limit of ${typeof limit === 'number' ? `${limit} bytes` : limit}`,
      });
    case 'entity.parse.failed':
      return new BadRequestException({
        error: 'validation',
        message: `the request body is not valid JSON: ${e.message ?? 'parse error'}`,
        details: [{ path: '', message: `not valid JSON: ${e.message ?? 'parse error'}` }],
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpException(
        { error: 'unsupported-media-type', message: `${e.message ?? 'unsupported encoding'}: send UTF-8 JSON` },
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      );
    case 'request.aborted':
    case 'request.size.invalid':
      return new BadRequestException({ error: 'validation', message: e.message ?? 'the request body is incomplete' });
    default:
      return err;
  }
}
