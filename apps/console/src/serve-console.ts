import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * The console's own paths (deep links load directly). Anything else — /v1, /health, /metrics, /docs,
 * /openapi.json, unknown paths — never reaches the console's index.html, so the API keeps its JSON answers.
 */
export const CONSOLE_ROUTE = /^\/(?:customers(?:\/[^/]+)?|feed|warehouse|audit(?:\/[^/]+)?|privacy)?\/?$/;

/** The console's pages allow only our own origin: no inline script or style, no framing. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
].join('; ');

type Req = { method: string; path: string };
type Res = { setHeader(name: string, value: string): void; sendFile(file: string, cb: (err?: Error) => void): void };

/**
 * Serve the built console (see ensureConsoleAssets) on the application's origin: hashed assets with a long cache
 * life, and index.html for each console route. Call after configureHttpApp and before listen.
 */
export function serveConsole(app: NestExpressApplication, assetsDir: string): void {
  app.useStaticAssets(assetsDir, {
    index: false,
    redirect: false,
    setHeaders: (res, file) => {
      res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const index = path.join(assetsDir, 'index.html');
  app.use((req: Req, res: Res, next: (err?: unknown) => void) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !CONSOLE_ROUTE.test(req.path)) return next();
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(index, (err) => err && next(err));
  });
}
