/**
 * Standalone query API: `DATABASE_URL=postgres://… node -r @swc-node/register apps/query-api/src/main.ts`.
 * Serves the read models a projector (`npm run projections`) keeps up to date in the same database; `X-Min-Position`
 * polls that projector's checkpoints. (`npm start` runs the whole platform, this API included, on one origin.)
 */
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule, generateDevKeys } from '@klantcentraal/auth';
import { loadConfig } from '@klantcentraal/config';
import { PersonalDataPolicyModule, PRIVACY_MIGRATIONS, privateEventStore } from '@klantcentraal/privacy';
import { configureHttpApp, HealthModule, Readiness } from '@klantcentraal/http';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import { PROJECTION_RUNNER_MIGRATIONS, ProjectionRunner } from '@klantcentraal/projections';
import { createProjections, READ_MODEL_MIGRATIONS } from '@klantcentraal/read-models';
import { QueryApiModule } from './query-api.module';

@Module({})
class QueryApiMain {}

async function main(): Promise<void> {
  const logger = new Logger('query-api');
  const config = loadConfig();
  if (!config.databaseUrl) {
    throw new Error('DATABASE_URL is required to run the query API on its own (npm start runs the whole platform with embedded PostgreSQL)');
  }
  const devKeys = config.apiKeys ? null : generateDevKeys(config.dataDir);

  await runMigrations(config.databaseUrl, [...PRIVACY_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS, ...READ_MODEL_MIGRATIONS]);
  const pool = createPool(config.databaseUrl);
  // Not started: the projector runs elsewhere. This instance only reads its checkpoints for X-Min-Position.
  const eventStore = privateEventStore(pool, config);
  const checkpoints = new ProjectionRunner({ pool, store: eventStore, projections: createProjections() });

  const app = await NestFactory.create(
    {
      module: QueryApiMain,
      imports: [
        AuthModule.forRoot({ keys: devKeys?.keys ?? config.apiKeys ?? [] }),
        HealthModule.register({ checks: { database: () => pool.query('SELECT 1') } }),
        QueryApiModule.register({
          pool,
          eventStore,
          waitForPosition: (position, timeoutMs) => checkpoints.waitForPosition(position, timeoutMs),
        }),
        // Scoping, masking and the access log, as in the all-in-one platform.
        PersonalDataPolicyModule.register({ pool }),
      ],
    },
    { bodyParser: false },
  );
  configureHttpApp(app, { title: 'Klantcentraal query API', bodyLimit: '100kb' });
  app.enableShutdownHooks();
  process.once('beforeExit', () => void pool.end());

  await app.listen(config.port);
  app.get(Readiness).markReady();
  logger.log(`listening on ${await app.getUrl()} (OpenAPI: /openapi.json, UI: /docs)`);
  logger.log('a changed customer definition needs a rebuild by the projector: npm run projections -- rebuild');
  if (devKeys) {
    logger.log(`API_KEYS not set: dev keys ${devKeys.created ? 'generated in' : 'read from'} ${devKeys.file}`);
    for (const key of devKeys.keys) logger.log(`  ${key.name.padEnd(12)} ${key.key}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
