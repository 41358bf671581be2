import { BadRequestException, HttpException, HttpStatus, INestApplication, PayloadTooLargeException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { HttpErrorFilter } from './http-error.filter';
import { createValidationPipe } from './validation';

export type HttpAppOptions = Readonly<{
  /** Title of the OpenAPI document. */
  title: string;
  description?: string;
  version?: string;
  /** Largest accepted JSON body, in bytes or as "10mb" (default "10mb"); larger bodies get 413 payload-too-large. */
  bodyLimit?: string | number;
}>;

/**
 * The HTTP shell every service shares. Call it once per Nest application, after `NestFactory.create(…)` and before
 * `listen()`/`init()`. (`{ bodyParser: false }` is recommended but not required: Nest skips its own JSON parser when
 * one is installed already.) It installs: the JSON body parser with a size limit, the ValidationPipe, the error
 * filter, and OpenAPI at `/openapi.json` with the UI at `/docs` (both public: they are not Nest routes, so no guard
 * sees them).
 */
export function configureHttpApp<App extends INestApplication>(app: App, options: HttpAppOptions): App {
  const limit = options.bodyLimit ?? '10mb';
  const expressApp = app as unknown as NestExpressApplication;
  if (typeof expressApp.useBodyParser !== 'function') throw new Error('configureHttpApp needs the Express platform');
  expressApp.disable('x-powered-by');
  expressApp.useBodyParser('json', { limit });
  // Body-parser errors happen before any Nest route: turn them into contract errors here, so that the error filter
  // (which Nest also applies to errors raised by middleware) answers them like every other error.
  app.use((err: unknown, _req: unknown, _res: unknown, next: (err?: unknown) => void) => next(bodyParserError(err, limit)));

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

function bodyParserError(err: unknown, limit: string | number): unknown {
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
        { error: 'unsupported-media-type', message: e.message ?? 'unsupported encoding' },
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      );
    case 'request.aborted':
    case 'request.size.invalid':
      return new BadRequestException({ error: 'validation', message: e.message ?? 'the request body is incomplete' });
    default:
      return err;
  }
}
