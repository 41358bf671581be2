import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig, redactUrl } from '@klantcentraal/config';
import { EVENT_STORE_MIGRATIONS } from '@klantcentraal/event-store';
import { PRIVACY_MIGRATIONS, privateEventStore } from '@klantcentraal/privacy';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import type { Projection } from '@klantcentraal/projections';
import { PROJECTOR_MIGRATIONS, startProjector } from './projector';

function batchSizeArg(argv: readonly string[]): number | undefined {
  const i = argv.indexOf('--batch-size');
  if (i < 0) return undefined;
  const value = Number(argv[i + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new ConfigError('--batch-size', `must be a positive integer, got "${argv[i + 1]}"`);
  return value;
}

/**
 * The standalone projector process (main.ts): DATABASE_URL from the environment, the migrations it needs, the runner;
 * SIGTERM/SIGINT let the batch in hand commit, then exit 0. Exits 2 on a configuration error, 1 on any other.
 */
export function runProjectorProcess(options: { projections?: readonly Projection[] } = {}): void {
  const logger = new Logger('projector');
  const start = async () => {
    const config = loadConfig();
    if (!config.databaseUrl) {
      throw new ConfigError('DATABASE_URL', 'is required to run the projector on its own (npm start runs it with embedded PostgreSQL)');
    }
    if (config.eventStore !== 'postgres') throw new ConfigError('EVENT_STORE', 'the projector supports only the PostgreSQL event store so far');
    const batchSize = batchSizeArg(process.argv.slice(2));

    const applied = await runMigrations(config.databaseUrl, [...EVENT_STORE_MIGRATIONS, ...PRIVACY_MIGRATIONS, ...PROJECTOR_MIGRATIONS]);
    if (applied.length) logger.log(`migrations applied: ${applied.join(', ')}`);
    const pool = createPool(config.databaseUrl, { max: 5 });
    const store = privateEventStore(pool, config);
    const projector = startProjector({ pool, store, projections: options.projections, batchSize, logger });
    logger.log(
      `running ${projector.runner.projections.map((p) => p.name).join(', ')} against ${redactUrl(config.databaseUrl)} ` +
        `(batch size ${projector.runner.batchSize})`,
    );

    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.log(`${signal}: finishing the current batch`);
      projector
        .stop()
        .then(() => store.close())
        .then(() => pool.end())
        .then(() => process.exit(0))
        .catch((err: unknown) => {
          logger.error(`while stopping: ${(err as Error)?.message ?? String(err)}`);
          process.exit(1);
        });
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  };
  start().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? `configuration error: ${err.message}` : err);
    process.exit(err instanceof ConfigError ? 2 : 1);
  });
}
