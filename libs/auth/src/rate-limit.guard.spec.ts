import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { Public, Roles } from './auth.decorators';
import { AuthModule } from './auth.module';

const KEY_A = 'rate-limit-key-a-0123456789';
const KEY_B = 'rate-limit-key-b-0123456789';

@Controller()
class ProbeController {
  @Get('reports')
  @Roles('analyst')
  reports(): { ok: true } {
    return { ok: true };
  }

  @Get('open')
  @Public()
  open(): { ok: true } {
    return { ok: true };
  }
}

describe('rate limits (AuthModule.forRoot rateLimit)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    @Module({
      imports: [
        AuthModule.forRoot({
          keys: [
            { key: KEY_A, name: 'a', roles: ['analyst'] },
            { key: KEY_B, name: 'b', roles: ['analyst'] },
          ],
          keysHint: 'the dev keys are in /somewhere/dev-api-keys.json (DATA_DIR/dev-api-keys.json)',
          rateLimit: { perMinute: 5, failedAuthPerMinute: 3 },
        }),
      ],
      controllers: [ProbeController],
    })
    class Root {}
    const moduleRef = await Test.createTestingModule({ imports: [Root] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  const get = (key: string | null, path = '/reports') => {
    const req = request(app.getHttpServer()).get(path);
    return key ? req.set('Authorization', `Bearer ${key}`) : req;
  };

  it("answers 429 rate-limited with Retry-After past a key's limit, and leaves other keys alone", async () => {
    for (let i = 0; i < 5; i++) await get(KEY_A).expect(200);
    const limited = await get(KEY_A).expect(429);
    expect(limited.body).toEqual({ error: 'rate-limited', message: expect.stringContaining('5 requests per minute') });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    await get(KEY_B).expect(200);
    // Public routes are not charged.
    await get(KEY_A, '/open').expect(200);
  });

  it('limits failed authentications per client address, naming where the keys are', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await get(i % 2 ? null : 'not-a-key-not-a-key-not-a-key').expect(401);
      expect(res.body.message).toContain('DATA_DIR/dev-api-keys.json');
    }
    const limited = await get('another-wrong-key-0123456789').expect(429);
    expect(limited.body.error).toBe('rate-limited');
    expect(limited.headers['retry-after']).toBeDefined();
    // A valid key is counted on its own counter, not the address's failures.
    await get(KEY_B).expect(200);
  });
});
