/**
 * Standalone audit API (`npm run start:audit`, DATABASE_URL required): history, as-of state and hash-chain
 * verification on PORT, read from the configured event store (EVENT_STORE).
 */
import { EVENT_STORE_MIGRATIONS, openEventStore } from '@klantcentraal/event-store';
import { runStandaloneService } from '@klantcentraal/http';
import { PersonalDataPolicyModule, PRIVACY_MIGRATIONS, privateEventStore } from '@klantcentraal/privacy';
import { PROJECTION_RUNNER_MIGRATIONS } from '@klantcentraal/projections';
import { READ_MODEL_MIGRATIONS } from '@klantcentraal/read-models';
import { AuditApiModule } from './audit-api.module';

void runStandaloneService({
  name: 'audit-api',
  title: 'Klantcentraal audit API',
  bodyLimit: '1kb',
  // The as-of profile is viewed with the active customer definition (read_models.customer_definitions).
  migrations: [...EVENT_STORE_MIGRATIONS, ...PRIVACY_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS, ...READ_MODEL_MIGRATIONS],
  openEventStore: async ({ config, pool }) => privateEventStore(pool, config, await openEventStore(config, pool)),
  // The personal-data policy: every audit read of personal data lands in the access log.
  modules: async ({ pool, eventStore }) => ({ imports: [AuditApiModule.register({ eventStore: eventStore!, pool }), PersonalDataPolicyModule.register({ pool })] }),
});
