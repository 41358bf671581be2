/**
 * Standalone ingest API (`npm run start:ingest`, DATABASE_URL required): the ingest endpoints, health, OpenAPI on PORT.
 * Events go to the configured event store (EVENT_STORE) through the privacy layer, which encrypts personal fields.
 * `npm start` runs every service on one origin instead.
 */
import { EVENT_STORE_MIGRATIONS, openEventStore } from '@klantcentraal/event-store';
import { runStandaloneService } from '@klantcentraal/http';
import { createPrivacy, PRIVACY_MIGRATIONS } from '@klantcentraal/privacy';
import { IngestApiModule } from './ingest-api.module';

void runStandaloneService({
  name: 'ingest-api',
  title: 'Klantcentraal ingest API',
  migrations: [...EVENT_STORE_MIGRATIONS, ...PRIVACY_MIGRATIONS],
  openEventStore: async ({ config, pool }) => {
    const store = await openEventStore(config, pool);
    const privacy = createPrivacy({ pool, store, masterKey: config.masterKey, dataDir: config.dataDir, storeOnPool: config.eventStore === 'postgres' });
    await privacy.prepare(); // finishes interrupted erasures before anything is accepted
    return privacy.eventStore;
  },
  modules: async ({ eventStore }) => ({ imports: [IngestApiModule.register({ eventStore: eventStore! })] }),
});
