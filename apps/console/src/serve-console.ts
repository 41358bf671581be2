import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * The console's own paths (deep links load directly). Anything else — /v1, /health, /metrics, /docs,
 * /openapi.json, unknown paths — never reaches the console's index.html, so the API keeps its JSON answers.
 */
export const CONSOLE_ROUTE = /^\/(?:customers(?:\/[^/]+)?|feed|warehouse|audit(?:\/[^/]+)?|privacy)?\/?$/;

type Req = { method: string; path: string };
type Res = { setHeader(name: string, value: string): void; sendFile(file: string, cb: (err?: Error) => void): void };

/**
 * Serve the built console (see ensureConsoleAssets) on the application's origin: hashed assets with a long cache
 * life, and index.html for each console route. Call after configureHttpApp (its security headers give these pages
 * the strict CSP the bundle is built for: no inline script or style) and before listen.
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
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, (err) => err && next(err));
  });
}
