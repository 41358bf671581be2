/**
 * Standalone ingest API: `DATABASE_URL=postgres://… node -r @swc-node/register apps/ingest-api/src/main.ts`.
 * (`npm start` runs the whole platform, this API included, on one origin with embedded PostgreSQL.)
 */
import { Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule, generateDevKeys } from '@klantcentraal/auth';
import { loadConfig } from '@klantcentraal/config';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { createPrivacy, PRIVACY_MIGRATIONS } from '@klantcentraal/privacy';
import { configureHttpApp, HealthModule, Readiness } from '@klantcentraal/http';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import { IngestApiModule } from './ingest-api.module';

async function main(): Promise<void> {
  const logger = new Logger('ingest-api');
  const config = loadConfig();
  if (!config.databaseUrl) {
    throw new Error('DATABASE_URL is required to run the ingest API on its own (npm start runs the whole platform with embedded PostgreSQL)');
  }
  const devKeys = config.apiKeys ? null : generateDevKeys(config.dataDir);

  await runMigrations(config.databaseUrl, [...EVENT_STORE_MIGRATIONS, ...PRIVACY_MIGRATIONS]);
  const pool = createPool(config.databaseUrl);
  const privacy = createPrivacy({ pool, store: new PostgresEventStore(pool), masterKey: config.masterKey, dataDir: config.dataDir, storeOnPool: true });
  await privacy.prepare();
  const eventStore = privacy.eventStore;

  @Module({})
  class IngestApiMain implements OnApplicationShutdown {
    async onApplicationShutdown(): Promise<void> {
      await eventStore.close();
      await pool.end();
    }
  }

  const app = await NestFactory.create(
    {
      module: IngestApiMain,
      imports: [
        AuthModule.forRoot({ keys: config.apiKeys ?? devKeys!.keys }),
        HealthModule.register({ checks: { database: () => pool.query('SELECT 1') } }),
        IngestApiModule.register({ eventStore }),
      ],
    },
    { bodyParser: false },
  );
  configureHttpApp(app, { title: 'Klantcentraal ingest API', corsOrigins: config.corsOrigins });
  app.enableShutdownHooks();

  await app.listen(config.port);
  app.get(Readiness).markReady();
  logger.log(`listening on ${await app.getUrl()} (OpenAPI: /openapi.json, UI: /docs)`);
  if (devKeys) {
    logger.log(`API_KEYS not set: dev keys ${devKeys.created ? 'generated in' : 'read from'} ${devKeys.file}`);
    for (const key of devKeys.keys) logger.log(`  ${key.name.padEnd(12)} ${key.key}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
