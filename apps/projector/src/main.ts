/**
 * Standalone projector: `DATABASE_URL=postgres://… node -r ./infra/scripts/register.js apps/projector/src/main.ts
 * [--batch-size N]`. Runs the migrations it needs, then every read model's projection. SIGTERM/SIGINT: the batch in
 * hand commits, then the process exits. (`npm start` runs the projector inside the all-in-one platform instead.)
 */
import { runProjectorProcess } from './projector-process';

runProjectorProcess();
