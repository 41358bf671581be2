import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import type { PlatformConfig } from '@klantcentraal/config';
import { privateEventStore } from '@klantcentraal/privacy';
import { ProjectionRunner } from '@klantcentraal/projections';
import { createProjections } from '@klantcentraal/read-models';
import { createWarehouseProjections, WAREHOUSE_SCHEMA } from '@klantcentraal/warehouse';
import type { Progress } from './backup-format';

/**
 * Folds the restored log into every read model (profiles, insights, warehouse), through the decrypting store: what
 * the ledger erased comes out null, as it would after a rebuild on the original platform.
 */
export async function rebuildReadModels(pool: Pool, config: Pick<PlatformConfig, 'masterKey' | 'dataDir'>, progress: Progress): Promise<void> {
  const store = privateEventStore(pool, config);
  const logger = new Logger('restore');
  const runners = [
    new ProjectionRunner({ pool, store, projections: createProjections({ insights: true }), logger }),
    new ProjectionRunner({ pool, store, schema: WAREHOUSE_SCHEMA, projections: createWarehouseProjections(), logger }),
  ];
  try {
    for (const runner of runners) {
      const position = await runner.catchUp();
      progress(`restore: read models rebuilt up to position ${position} (${(await runner.status()).map((s) => s.projection).join(', ')})`);
    }
  } finally {
    await store.close?.();
  }
}
