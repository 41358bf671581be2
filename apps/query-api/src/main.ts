/**
 * Standalone query API (`npm run start:query`, DATABASE_URL required): profiles, insights, the warehouse and the
 * customer definition on PORT. The projectors (`npm run start:projector`) keep the read models current in the same
 * database; `X-Min-Position` waits for their checkpoints (every partition's). A new customer definition starts the
 * rebuild here: the projectors go on serving meanwhile and continue from the swapped-in tables.
 */
import { EVENT_STORE_MIGRATIONS, openEventStore } from '@klantcentraal/event-store';
import { runStandaloneService } from '@klantcentraal/http';
import { MESSAGING_MIGRATIONS } from '@klantcentraal/messaging';
import { PersonalDataPolicyModule, PRIVACY_MIGRATIONS, privateEventStore } from '@klantcentraal/privacy';
import { allPartitions, PROJECTION_RUNNER_MIGRATIONS, ProjectionRunner } from '@klantcentraal/projections';
import { createProjections, READ_MODEL_MIGRATIONS } from '@klantcentraal/read-models';
import { createWarehouseProjections, WAREHOUSE_MIGRATIONS, WAREHOUSE_SCHEMA } from '@klantcentraal/warehouse';
import { QueryApiModule } from './query-api.module';

void runStandaloneService({
  name: 'query-api',
  title: 'Klantcentraal query API',
  bodyLimit: '100kb',
  migrations: [...EVENT_STORE_MIGRATIONS, ...PRIVACY_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS, ...READ_MODEL_MIGRATIONS, ...MESSAGING_MIGRATIONS, ...WAREHOUSE_MIGRATIONS],
  openEventStore: async ({ config, pool }) => privateEventStore(pool, config, await openEventStore(config, pool)),
  modules: async ({ config, pool, eventStore, logger }) => {
    // Never started: they read the projectors' checkpoints, and rebuild on request.
    const partitions = allPartitions(config.projectionPartitions);
    const store = eventStore!;
    const readModels = new ProjectionRunner({ pool, store, projections: createProjections({ insights: true }), partitions });
    const warehouse = new ProjectionRunner({ pool, store, schema: WAREHOUSE_SCHEMA, projections: createWarehouseProjections(), partitions });
    return {
      imports: [
        QueryApiModule.register({
          pool,
          eventStore: store,
          waitForPosition: (position, timeoutMs) => readModels.waitForPosition(position, timeoutMs),
          waitForWarehousePosition: (position, timeoutMs) => warehouse.waitForPosition(position, timeoutMs),
          requestRebuild: () => {
            for (const runner of [readModels, warehouse]) {
              runner.rebuild().catch((err: unknown) => logger.error(`rebuild failed: ${(err as Error).message}`));
            }
          },
        }),
        // Scoping, masking and the access log, as in the all-in-one platform.
        PersonalDataPolicyModule.register({ pool }),
      ],
    };
  },
});
