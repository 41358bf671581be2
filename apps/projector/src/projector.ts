import { PROJECTION_RUNNER_MIGRATIONS } from '@klantcentraal/projections';
import { MESSAGING_MIGRATIONS } from '@klantcentraal/messaging';
import { READ_MODEL_MIGRATIONS } from '@klantcentraal/read-models';

/**
 * What the read-model projections need migrated (besides the event store's): the runner's bookkeeping, the read-model
 * tables, and the insight outbox the insights projection writes. The whole projector (with the warehouse) needs
 * FULL_PROJECTOR_MIGRATIONS (partitioned-projector.ts), which starts with these.
 */
export const PROJECTOR_MIGRATIONS = [...PROJECTION_RUNNER_MIGRATIONS, ...READ_MODEL_MIGRATIONS, ...MESSAGING_MIGRATIONS] as const;
