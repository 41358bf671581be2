/**
 * Standalone ingest API (`npm run start:ingest`, DATABASE_URL required): the ingest endpoints, health, OpenAPI on PORT.
 * Events go to the configured event store (EVENT_STORE). `npm start` runs every service on one origin instead.
 */
import { EVENT_STORE_MIGRATIONS, openEventStore } from '@klantcentraal/event-store';
import { runStandaloneService } from '@klantcentraal/http';
import { IngestApiModule } from './ingest-api.module';

void runStandaloneService({
  name: 'ingest-api',
  title: 'Klantcentraal ingest API',
  bodyLimit: '20mb',
  migrations: EVENT_STORE_MIGRATIONS,
  openEventStore: ({ config, pool }) => openEventStore(config, pool),
  modules: async ({ eventStore }) => ({ imports: [IngestApiModule.register({ eventStore: eventStore! })] }),
});
