/** A statement that outlives the pool's statement timeout answers 503 query-timeout (contract "Abuse resistance"). */
import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Pool } from 'pg';
import request from 'supertest';
import { Public } from '@klantcentraal/auth';
import { createPool } from '@klantcentraal/postgres';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { configureHttpApp } from './configure-http-app';

describe('statement timeout', () => {
  let db: TestDatabase;
  let pool: Pool;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('kc_query_timeout');
    pool = createPool(db.url, { max: 2, statementTimeoutMs: 200 });

    @Public()
    @Controller('probe')
    class SlowController {
      @Get('slow')
      async slow(): Promise<unknown> {
        return (await pool.query('SELECT pg_sleep(2) AS slept')).rows;
      }

      @Get('quick')
      async quick(): Promise<unknown> {
        return (await pool.query('SELECT 1 AS one')).rows;
      }
    }
    @Module({ controllers: [SlowController] })
    class Root {}
    const moduleRef = await Test.createTestingModule({ imports: [Root] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    configureHttpApp(app, { title: 'timeout probe' });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await pool?.end();
    await db?.drop();
  });

  it('cancels the statement and answers 503 query-timeout; the pool keeps serving', async () => {
    const res = await request(app.getHttpServer()).get('/probe/slow').expect(503);
    expect(res.body).toEqual({ error: 'query-timeout', message: expect.stringContaining('QUERY_TIMEOUT_MS') });
    await request(app.getHttpServer()).get('/probe/quick').expect(200, [{ one: 1 }]);
    const { rows } = await pool.query("SELECT current_setting('statement_timeout') AS timeout");
    expect(rows[0].timeout).toBe('200ms');
  });
});
