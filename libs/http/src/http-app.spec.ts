/** configureHttpApp + HealthModule in a small app of their own, over HTTP. */
import { Body, Controller, Get, INestApplication, Module, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max } from 'class-validator';
import request from 'supertest';
import { Public } from '@klantcentraal/auth';
import { RuleViolationError } from '@klantcentraal/domain';
import { configureHttpApp } from './configure-http-app';
import { HealthModule } from './health/health.module';
import { Readiness } from './health/readiness';
import { IsIsoDateTime } from './validators';

class ProbeDto {
  @ApiProperty() @IsInt() @Max(10) score: number;
  @ApiProperty() @IsIsoDateTime() at: string;
}

@Public()
@Controller('probe')
class ProbeController {
  @Post()
  echo(@Body() body: ProbeDto): ProbeDto {
    return body;
  }

  @Post('bulk')
  bulk(@Body() body: ProbeDto): ProbeDto {
    return body;
  }

  @Get('boom')
  boom(): never {
    throw new Error('connect ECONNREFUSED 10.0.0.7:5432 (user secret)');
  }

  @Get('rule')
  rule(): never {
    throw new RuleViolationError('complaint-not-open', 1, 'events[1] (ComplaintResolved): complaint "C" was never filed');
  }
}

describe('configureHttpApp and HealthModule', () => {
  let app: INestApplication;
  let databaseUp = true;
  let slow = false;

  beforeAll(async () => {
    @Module({
      imports: [
        HealthModule.register({
          timeoutMs: 100,
          checks: {
            database: () => {
              if (!databaseUp) throw new Error('connection refused');
            },
            cache: () => (slow ? new Promise((resolve) => setTimeout(resolve, 1000).unref()) : true),
          },
        }),
      ],
      controllers: [ProbeController],
    })
    class Root {}
    const moduleRef = await Test.createTestingModule({ imports: [Root] }).compile();
    // Nest's default body parser left on: configureHttpApp's parser (with the limit) must win anyway.
    app = moduleRef.createNestApplication({ logger: false });
    configureHttpApp(app, {
      title: 'probe',
      bodyLimit: '1kb',
      routeBodyLimits: { 'POST /probe/bulk': '4kb' },
      corsOrigins: ['https://crm.example.com'],
    });
    await app.init();
  });
  afterAll(() => app.close());

  const http = () => request(app.getHttpServer());

  it('validates bodies with full paths (400 validation)', async () => {
    const res = await http().post('/probe').send({ score: 11, at: '2026-03-01', extra: 1 }).expect(400);
    expect(res.body).toEqual({
      error: 'validation',
      message: '3 invalid fields: extra, score, at',
      details: [
        { path: 'extra', message: 'unknown field: not allowed here' },
        { path: 'score', message: 'must not be greater than 10' },
        { path: 'at', message: 'must be an ISO-8601 date-time with a zone, e.g. 2026-03-01T10:00:00Z' },
      ],
    });
    await http().post('/probe').send({ score: 10, at: '2026-03-01T10:00:00+01:00' }).expect(201);
  });

  it('answers a malformed JSON body with 400 validation', async () => {
    const res = await http().post('/probe').set('Content-Type', 'application/json').send('{"score": ').expect(400);
    expect(res.body).toMatchObject({ error: 'validation', message: expect.stringContaining('not valid JSON') });
  });

  it('answers a body over the limit with 413 payload-too-large', async () => {
    const res = await http().post('/probe').send({ score: 1, at: 'x'.repeat(2000) }).expect(413);
    expect(res.body).toEqual({ error: 'payload-too-large', message: 'the request body exceeds the limit of 1kb' });
  });

  it('takes a larger body on a route with its own limit, and no more than that', async () => {
    await http().post('/probe/bulk').send({ score: 1, at: '2026-03-01T10:00:00Z', pad: 'x'.repeat(2000) }).expect(400);
    const res = await http().post('/probe/bulk').send({ score: 1, at: 'x'.repeat(5000) }).expect(413);
    expect(res.body.message).toBe('the request body exceeds the limit of 4kb');
  });

  it('answers a body that is not JSON with 415 unsupported-media-type naming application/json', async () => {
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', 'score=1'],
      ['text/plain', '{"score":1}'],
    ]) {
      const res = await http().post('/probe').set('Content-Type', type).send(body).expect(415);
      expect(res.body).toEqual({
        error: 'unsupported-media-type',
        message: expect.stringContaining('send "Content-Type: application/json"'),
      });
    }
    // No Content-Type at all, with a body.
    const raw = await http().post('/probe').set('Content-Type', '').send(Buffer.from('{"score":1}')).expect(415);
    expect(raw.body.message).toContain('application/json');
    // JSON with a charset and the +json family are JSON.
    await http().post('/probe').set('Content-Type', 'application/json; charset=utf-8').send('{"score":1,"at":"2026-03-01T10:00:00Z"}').expect(201);
  });

  it('sends security headers on every response and a CSP that forbids framing and foreign sources', async () => {
    for (const path of ['/health/live', '/nowhere']) {
      const res = await http().get(path);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    }
    const docs = await http().get('/docs/').expect(200);
    expect(docs.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(docs.headers['content-security-policy']).toContain("script-src 'self';");
  });

  it('allows CORS only for the configured origins', async () => {
    const allowed = await http().options('/probe').set('Origin', 'https://crm.example.com').set('Access-Control-Request-Method', 'POST');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://crm.example.com');
    const other = await http().get('/health/live').set('Origin', 'https://evil.example.net').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('limits how long the server waits for headers and bodies', () => {
    const server = app.getHttpServer();
    expect(server.headersTimeout).toBeGreaterThan(0);
    expect(server.requestTimeout).toBeGreaterThan(0);
    expect(server.headersTimeout).toBeLessThanOrEqual(server.requestTimeout);
  });

  it('maps domain errors through the one filter', async () => {
    const res = await http().get('/probe/rule').expect(422);
    expect(res.body).toMatchObject({ error: 'rule-violation', details: [{ path: 'events[1]', rule: 'complaint-not-open' }] });
  });

  it('answers unknown errors with 500 internal without leaking them', async () => {
    const res = await http().get('/probe/boom').expect(500);
    expect(res.body).toEqual({ error: 'internal', message: 'internal server error' });
  });

  it('answers unknown routes with 404 not-found', async () => {
    const res = await http().get('/nowhere').expect(404);
    expect(res.body).toEqual({ error: 'not-found', message: 'Cannot GET /nowhere' });
  });

  it('publishes OpenAPI at /openapi.json with the bearer scheme, and the UI at /docs', async () => {
    const doc = (await http().get('/openapi.json').expect(200)).body;
    expect(doc.info.title).toBe('probe');
    expect(doc.paths['/probe'].post).toBeDefined();
    expect(doc.paths['/health/ready'].get).toBeDefined();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    // Plain API keys, not JWTs: a client generator must not be told to expect a token format.
    expect(doc.components.securitySchemes.bearer.bearerFormat).not.toBe('JWT');
    expect(doc.components.securitySchemes.bearer.description).toMatch(/API key/);
    await http().get('/docs').redirects(1).expect(200).expect('Content-Type', /html/);
  });

  describe('health', () => {
    it('is live from the start', async () => {
      await http().get('/health/live').expect(200, { status: 'live' });
    });

    it('is not ready until start-up is marked finished, then ready', async () => {
      const before = await http().get('/health/ready').expect(503);
      expect(before.body).toEqual({
        status: 'not-ready',
        error: 'not-ready',
        message: 'start-up is not finished',
        checks: { database: 'up', cache: 'up' },
      });
      app.get(Readiness).markReady();
      await http().get('/health/ready').expect(200, { status: 'ready', checks: { database: 'up', cache: 'up' } });
    });

    it('is not ready while a check fails or times out, without saying why in public', async () => {
      app.get(Readiness).markReady();
      databaseUp = false;
      slow = true;
      try {
        const res = await http().get('/health/ready').expect(503);
        expect(res.body).toEqual({
          status: 'not-ready',
          error: 'not-ready',
          message: 'failing checks: database, cache',
          checks: { database: 'down', cache: 'down' },
        });
      } finally {
        databaseUp = true;
        slow = false;
      }
      await http().get('/health/ready').expect(200);
    });
  });
});
