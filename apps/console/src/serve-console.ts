import * as path from 'node:path';
import express from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * The console's own paths (deep links load directly). Anything else — /v1, /health, /metrics, /docs,
 * /openapi.json, unknown paths — never reaches the console's index.html, so the API keeps its JSON answers.
 */
export const CONSOLE_ROUTE = /^\/(?:customers(?:\/[^/]+)?|feed|warehouse|audit(?:\/[^/]+)?|privacy)?\/?$/;

/**
 * The API's own paths: the static file handler never looks at them (it would stat a file on disk for every API
 * request before the route answers — about half a millisecond of a profile read here).
 */
export const API_PATH = /^\/(?:v1|health|metrics|docs|openapi\.json)(?:[/.?]|$)/;

type Req = { method: string; path: string };
type Res = { setHeader(name: string, value: string): void; sendFile(file: string, cb: (err?: Error) => void): void };

/**
 * Serve the built console (see ensureConsoleAssets) on the application's origin: hashed assets with a long cache
 * life, and index.html for each console route. Call after configureHttpApp (its security headers give these pages
 * the strict CSP the bundle is built for: no inline script or style) and before listen.
 */
export function serveConsole(app: NestExpressApplication, assetsDir: string): void {
  const assets = express.static(assetsDir, {
    index: false,
    redirect: false,
    setHeaders: (res, file) => {
      res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => (API_PATH.test(req.path) ? next() : assets(req, res, next)));
  const index = path.join(assetsDir, 'index.html');
  app.use((req: Req, res: Res, next: (err?: unknown) => void) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !CONSOLE_ROUTE.test(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, (err) => err && next(err));
  });
}
