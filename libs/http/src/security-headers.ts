import helmet from 'helmet';
import type { NextFunction, Request, Response } from 'express';

/**
 * The policy of every page the platform serves: the console is a same-origin single-page app (scripts, styles,
 * fonts and data from this origin; canvas charts may export to `data:`/`blob:` images; SSE and fetch to this origin),
 * never framed.
 */
const APP_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
} as const;

/** Swagger UI (`/docs`) ships an inline `<style>` and inline SVG styles; its scripts are still files of this origin. */
const DOCS_POLICY = { ...APP_POLICY, 'style-src': ["'self'", "'unsafe-inline'"] };

/**
 * helmet's headers on every response (`X-Content-Type-Options: nosniff`, no `X-Powered-By`, a CSP that only matters
 * for HTML), and CORS only for the configured origins.
 */
export function securityHeaderMiddlewares(corsOrigins: readonly string[]) {
  const common = {
    // The API is served over plain HTTP on localhost by default; HSTS belongs to the TLS-terminating proxy.
    strictTransportSecurity: false,
    crossOriginResourcePolicy: { policy: corsOrigins.length ? 'cross-origin' : 'same-origin' },
  } as const;
  const app = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: APP_POLICY } });
  const docs = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: DOCS_POLICY } });
  return (req: Request, res: Response, next: NextFunction) => (req.path.startsWith('/docs') ? docs : app)(req, res, next);
}

/** CORS options for Nest's `enableCors`: only the listed origins, and the headers the API reads. */
export function corsOptions(corsOrigins: readonly string[]) {
  const allowed = new Set(corsOrigins);
  return {
    origin: (origin: string | undefined, callback: (err: Error | null, allow?: boolean) => void) =>
      callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Last-Event-ID', 'X-Min-Position', 'X-Request-Id'],
    exposedHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600,
  };
}
