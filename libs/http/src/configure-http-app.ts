import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { HttpErrorFilter } from './http-error.filter';
import { createValidationPipe } from './validation';
import { DEFAULT_BODY_LIMIT, DEFAULT_ROUTE_BODY_LIMITS, requestBodyMiddlewares, type BodyLimit } from './request-body';
import { corsOptions, securityHeaderMiddlewares } from './security-headers';
import { unsafeInputMiddleware } from './unsafe-input';
import { applyServerTimeouts, DEFAULT_SERVER_TIMEOUTS, streamingExemption, type ServerTimeouts } from './server-timeouts';

export type HttpAppOptions = Readonly<{
  /** Title of the OpenAPI document. */
  title: string;
  description?: string;
  version?: string;
  /** Largest accepted JSON body, in bytes or as "2mb" (default 2 MiB); larger bodies get 413 payload-too-large. */
  bodyLimit?: BodyLimit;
  /** `"METHOD /path"` → a larger limit (default: bulk ingest `POST /v1/events` 16 MiB). */
  routeBodyLimits?: Readonly<Record<string, BodyLimit>>;
  /** `"METHOD /path"` of routes that also accept `application/x-ndjson` bodies. */
  ndjsonRoutes?: readonly string[];
  /** Browser origins allowed by CORS (CORS_ORIGINS); default none. */
  corsOrigins?: readonly string[];
  /** Paths of long-lived streams (SSE) exempt from the idle timeout (default `/v1/feed`). */
  streamingPaths?: readonly string[];
  serverTimeouts?: ServerTimeouts;
}>;

/**
 * The HTTP shell every service shares. Call it once per Nest application, after `NestFactory.create(…)` and before
 * `listen()`/`init()`. (`{ bodyParser: false }` is recommended but not required: Nest skips its own JSON parser when
 * one is installed already.) It installs: security headers (helmet, CSP) and CORS for the allowed origins only, HTTP
 * server timeouts, 415 for bodies that are not JSON, the JSON body parser with its size limits, the ValidationPipe,
 * the error filter, and OpenAPI at `/openapi.json` with the UI at `/docs` (both public: they are not Nest routes, so no guard
 * sees them).
 */
export function configureHttpApp<App extends INestApplication>(app: App, options: HttpAppOptions): App {
  const expressApp = app as unknown as NestExpressApplication;
  if (typeof expressApp.useBodyParser !== 'function') throw new Error('configureHttpApp needs the Express platform');
  expressApp.disable('x-powered-by');
  app.use(securityHeaderMiddlewares(options.corsOrigins ?? []));
  app.enableCors(corsOptions(options.corsOrigins ?? []));
  applyServerTimeouts(app.getHttpServer() as Server, options.serverTimeouts ?? DEFAULT_SERVER_TIMEOUTS);
  app.use(streamingExemption(options.streamingPaths ?? ['/v1/feed']));
  // Body errors (415, 413, bad JSON) happen before any Nest route; they are contract errors already, and the error
  // filter (which Nest also applies to errors raised by middleware) answers them like every other error.
  for (const middleware of requestBodyMiddlewares({
    limit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    routeLimits: options.routeBodyLimits ?? DEFAULT_ROUTE_BODY_LIMITS,
    ndjsonRoutes: options.ndjsonRoutes ?? [],
  })) {
    app.use(middleware);
  }
  app.use(unsafeInputMiddleware());

  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter(app.get(HttpAdapterHost)));

  const config = new DocumentBuilder()
    .setTitle(options.title)
    .setDescription(options.description ?? '')
    .setVersion(options.version ?? '1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      // Nest fills in `JWT` unless told otherwise; our keys are opaque strings (at least 24 characters).
      bearerFormat: 'API key',
      description: 'API key: `Authorization: Bearer <api key>` (the keys `npm start` prints, or those in API_KEYS)',
    })
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: options.title,
  });
  return app;
}
