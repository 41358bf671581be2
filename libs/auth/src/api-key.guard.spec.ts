import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule } from './auth.module';
import { Principal, Public, Roles } from './auth.decorators';

@Controller()
class ProbeController {
  @Get('open')
  @Public()
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('reports')
  @Roles('analyst', 'sales')
  reports(@Principal() principal: Principal): Principal {
    return principal;
  }

  @Get('undeclared')
  undeclared(): { ok: true } {
    return { ok: true };
  }
}

@Roles('auditor')
@Controller('audit')
class AuditController {
  @Get()
  audit(): { ok: true } {
    return { ok: true };
  }
}

describe('ApiKeyGuard (global, via AuthModule.forRoot)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    @Module({
      imports: [
        AuthModule.forRoot({
          keys: [
            { key: 'analyst-key-1-0123456789abcdef', name: 'bi-team', roles: ['analyst'] },
            { key: 'ingest-key-01-0123456789abcdef', name: 'crm-sync', roles: ['ingest'] },
            { key: 'admin-key-001-0123456789abcdef', name: 'ops', roles: ['admin'] },
          ],
        }),
      ],
      controllers: [ProbeController, AuditController],
    })
    class Root {}
    const moduleRef = await Test.createTestingModule({ imports: [Root] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  const get = (path: string, key?: string) => {
    const req = request(app.getHttpServer()).get(path);
    return key ? req.set('Authorization', `Bearer ${key}`) : req;
  };

  it('lets anyone call a @Public handler', async () => {
    await get('/open').expect(200, { ok: true });
  });

  it('401 unauthorized without a key, with an unknown key, or with another scheme', async () => {
    const none = await get('/reports').expect(401);
    expect(none.body).toEqual({ error: 'unauthorized', message: expect.stringContaining('Authorization: Bearer') });
    expect(none.headers['www-authenticate']).toBe('Bearer');
    await get('/reports', 'no-such-key').expect(401, { error: 'unauthorized', message: 'unknown API key' });
    await request(app.getHttpServer()).get('/reports').set('Authorization', 'Basic analyst-key-1-0123456789abcdef').expect(401);
  });

  it('accepts the bearer scheme case-insensitively and hands the principal to the handler', async () => {
    await request(app.getHttpServer())
      .get('/reports')
      .set('Authorization', 'bearer analyst-key-1-0123456789abcdef')
      .expect(200, { name: 'bi-team', roles: ['analyst'] });
  });

  it('403 forbidden for a key without a required role, naming the roles needed', async () => {
    const res = await get('/reports', 'ingest-key-01-0123456789abcdef').expect(403);
    expect(res.body).toEqual({
      error: 'forbidden',
      message: expect.stringContaining('analyst, sales, admin'),
      requiredRoles: ['analyst', 'sales', 'admin'],
    });
  });

  it('takes @Roles from the controller too', async () => {
    await get('/audit', 'analyst-key-1-0123456789abcdef').expect(403);
    await get('/audit', 'admin-key-001-0123456789abcdef').expect(200);
  });

  it('lets admin call everything', async () => {
    await get('/reports', 'admin-key-001-0123456789abcdef').expect(200, { name: 'ops', roles: ['admin'] });
  });

  it('makes a handler without @Roles or @Public admin-only', async () => {
    await get('/undeclared', 'analyst-key-1-0123456789abcdef').expect(403);
    await get('/undeclared', 'admin-key-001-0123456789abcdef').expect(200);
  });
});
