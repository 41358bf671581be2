/**
 * Standalone feed gateway (`npm run start:feed`, DATABASE_URL required): `GET /v1/feed` (SSE) on PORT, live from Kafka
 * `customer-insights` when KAFKA_BROKERS is set, else from the outbox the projectors write; history from the outbox.
 */
import { Logger } from '@nestjs/common';
import { runStandaloneService } from '@klantcentraal/http';
import { MESSAGING_MIGRATIONS } from '@klantcentraal/messaging';
import { FeedGatewayModule } from './feed-gateway.module';
import { PersonalDataPolicyModule } from '@klantcentraal/privacy';

void runStandaloneService({
  name: 'feed-gateway',
  title: 'Klantcentraal insight feed',
  bodyLimit: '1kb',
  migrations: MESSAGING_MIGRATIONS,
  modules: async ({ config, pool }) => ({
    // The personal-data policy scopes a sales key's feed to its account manager.
    imports: [FeedGatewayModule.register({ pool, kafkaBrokers: config.kafkaBrokers, logger: new Logger('feed-gateway') }), PersonalDataPolicyModule.register({ pool })],
  }),
});
