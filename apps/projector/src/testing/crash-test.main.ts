/**
 * The crash test's child process: exactly main.ts (same process code: migrations, runner, signals), plus the
 * non-idempotent delivery tally that makes a double-applied batch visible.
 */
import { ALL_PROJECTIONS } from '@klantcentraal/read-models';
import { runProjectorProcess } from '../projector-process';
import { deliveryTallyProjection } from './delivery-tally.projection';

runProjectorProcess({ projections: [...ALL_PROJECTIONS, deliveryTallyProjection] });
