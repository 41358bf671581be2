/** Test databases and runners for projection-runner.int-spec.ts and projection-rebuild.int-spec.ts. */
import { randomBytes } from 'node:crypto';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { runMigrations } from '@klantcentraal/postgres';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import type { Projection } from '../projection';
import { ProjectionLagError } from '../projection-lag.error';
import { ProjectionRunner, type ProjectionRunnerOptions, type ProjectorLogger } from '../projection-runner';
import { PROJECTION_RUNNER_MIGRATIONS } from '../projection-runner.migrations';
import { waitForCheckpoints } from '../wait-for-position';
import {
  appendTestEvents,
  counterProjection,
  emitterProjection,
  eventLogProjection,
  expectedRows,
  lastEventProjection,
  switches,
  tableDifference,
  tableRows,
  TEST_OUTBOX_SQL,
  TEST_TABLES_SQL,
} from './test-projections';

export type Env = { db: TestDatabase; store: PostgresEventStore; logs: string[]; logger: ProjectorLogger; runners: ProjectionRunner[] };

export const envs: Env[] = [];

export async function environment(): Promise<Env> {
  const db = await createTestDatabase('kc_projections');
  await runMigrations(db.url, [...EVENT_STORE_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS]);
  await db.pool.query(TEST_TABLES_SQL);
  const store = new PostgresEventStore(db.pool, { pollIntervalMs: 200 });
  const logs: string[] = [];
  const logger: ProjectorLogger = {
    log: (m) => logs.push(`log ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    error: (m) => logs.push(`error ${m}`),
  };
  const env = { db, store, logs, logger, runners: [] };
  envs.push(env);
  return env;
}

export function runner(env: Env, projections: Projection[], options: Partial<ProjectionRunnerOptions> = {}): ProjectionRunner {
  const r = new ProjectionRunner({ pool: env.db.pool, store: env.store, projections, logger: env.logger, ...options });
  env.runners.push(r);
  return r;
}

// Registered by every spec that imports this module: each test's databases and runners are gone after it.
afterEach(async () => {
  for (const env of envs.splice(0)) {
    await Promise.all(env.runners.map((r) => r.stop()));
    await env.store.close();
    await env.db.drop();
  }
});

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function checkpoints(env: Env, schema = 'read_models') {
  const { rows } = await env.db.pool.query(`SELECT projection, position FROM "${schema}".checkpoints ORDER BY projection`);
  return Object.fromEntries(rows.map((r) => [r.projection, Number(r.position)]));
}

export { randomBytes, ProjectionLagError, waitForCheckpoints, appendTestEvents, counterProjection, emitterProjection, eventLogProjection, expectedRows, lastEventProjection, switches, tableDifference, tableRows, TEST_OUTBOX_SQL };
