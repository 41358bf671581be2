/**
 * Standalone ingest API (`npm run start:ingest`, DATABASE_URL required): the ingest endpoints, health, OpenAPI on PORT.
 * Events go to the configured event store (EVENT_STORE) through the privacy layer, which encrypts personal fields.
 * `npm start` runs every service on one origin instead.
 */
import { EVENT_STORE_MIGRATIONS, openEventStore } from '@klantcentraal/event-store';
import { runStandaloneService } from '@klantcentraal/http';
import { createPrivacy, PRIVACY_MIGRATIONS } from '@klantcentraal/privacy';
import { IngestApiModule } from './ingest-api.module';

<<<<<<< HEAD
void runStandaloneService({
  name: 'ingest-api',
  title: 'Klantcentraal ingest API',
  bodyLimit: '20mb',
  migrations: [...EVENT_STORE_MIGRATIONS, ...PRIVACY_MIGRATIONS],
  openEventStore: async ({ config, pool }) => {
    const store = await openEventStore(config, pool);
    const privacy = createPrivacy({ pool, store, masterKey: config.masterKey, dataDir: config.dataDir, storeOnPool: config.eventStore === 'postgres' });
    await privacy.prepare(); // finishes interrupted erasures before anything is accepted
    return privacy.eventStore;
  },
  modules: async ({ eventStore }) => ({ imports: [IngestApiModule.register({ eventStore: eventStore! })] }),
=======
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
>>>>>>> main
});
