import type { NextFunction, Request, Response } from 'express';
import { validationException, type ErrorDetail } from './validation';

// NUL cannot be stored in PostgreSQL text or jsonb; a lone UTF-16 surrogate is not text at all.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Keys that reach object prototypes in careless code: never meaningful in this API's bodies. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 32;

/**
 * Problems no DTO can express, found anywhere in a parsed JSON body: NUL characters and lone surrogates in strings
 * (PostgreSQL refuses them), prototype keys, nesting deeper than any event needs. Each names its full path.
 */
export function unsafeJsonDetails(value: unknown, path = '', depth = 0, out: ErrorDetail[] = []): ErrorDetail[] {
  if (out.length >= 20) return out;
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) out.push({ path, message: 'must not contain NUL characters or unpaired surrogates' });
  } else if (value !== null && typeof value === 'object') {
    if (depth >= MAX_DEPTH) {
      out.push({ path, message: `is nested deeper than ${MAX_DEPTH} levels` });
      return out;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => unsafeJsonDetails(item, `${path}[${i}]`, depth + 1, out));
    } else {
      for (const key of Object.keys(value)) {
        const child = path === '' ? key : `${path}.${key}`;
        if (FORBIDDEN_KEYS.has(key) || UNSTORABLE.test(key)) out.push({ path: child, message: 'this property name is not allowed' });
        else unsafeJsonDetails((value as Record<string, unknown>)[key], child, depth + 1, out);
      }
    }
  }
  return out;
}

/** 400 `validation` for query parameters, path segments and JSON bodies that carry unstorable text. */
export function unsafeInputMiddleware() {
  return (req: Request, _res: Response, next: NextFunction) => {
    const details: ErrorDetail[] = [];
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      return next(validationException([{ path: '(path)', message: 'is not valid percent-encoded UTF-8' }]));
    }
    if (UNSTORABLE.test(path)) details.push({ path: '(path)', message: 'must not contain NUL characters or unpaired surrogates' });
    for (const [name, value] of Object.entries(req.query ?? {})) {
      for (const text of [value].flat(2)) {
        if (typeof text === 'string' && (UNSTORABLE.test(text) || UNSTORABLE.test(name))) {
          details.push({ path: name, message: 'must not contain NUL characters or unpaired surrogates' });
          break;
        }
      }
    }
    if (req.body !== undefined) details.push(...unsafeJsonDetails(req.body));
    next(details.length ? validationException(details) : undefined);
  };
}
