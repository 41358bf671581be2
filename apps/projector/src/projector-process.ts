import { Logger, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { NestFactory } from '@nestjs/core';
import { AuthModule, generateDevKeys } from '@klantcentraal/auth';
import { ConfigError, loadConfig, redactUrl, type PlatformConfig } from '@klantcentraal/config';
import { Metrics, MetricsModule } from '@klantcentraal/observability';
import { EVENT_STORE_MIGRATIONS, openEventStore } from '@klantcentraal/event-store';
import { PRIVACY_MIGRATIONS, privateEventStore } from '@klantcentraal/privacy';
import { configureHttpApp, HealthModule, Readiness } from '@klantcentraal/http';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import type { Projection } from '@klantcentraal/projections';
import { FULL_PROJECTOR_MIGRATIONS, registerProjectorMetrics, startPartitionedProjector, type RunningPartitionedProjector } from './partitioned-projector';

function batchSizeArg(argv: readonly string[]): number | undefined {
  const i = argv.indexOf('--batch-size');
  if (i < 0) return undefined;
  const value = Number(argv[i + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new ConfigError('--batch-size', `must be a positive integer, got "${argv[i + 1]}"`);
  return value;
}

/** The projector's HTTP side: /health/* (public) and /metrics (admin, the process's one registry), nothing else. */
async function serve(
  projector: RunningPartitionedProjector,
  pool: Pool,
  config: Pick<PlatformConfig, 'port' | 'host'>,
  keys: Parameters<typeof AuthModule.forRoot>[0]['keys'],
) {
  const metrics = new Metrics();
  metrics.watchDatabase(pool);
  registerProjectorMetrics(metrics, projector);
  @Module({})
  class ProjectorMain {}
  const app = await NestFactory.create(
    {
      module: ProjectorMain,
      imports: [
        AuthModule.forRoot({ keys }),
        MetricsModule.register(metrics),
        HealthModule.register({ checks: { database: () => pool.query('SELECT 1'), projector: () => projector.isReady() } }),
      ],
    },
    { bodyParser: false },
  );
  configureHttpApp(app, { title: 'Klantcentraal projector', bodyLimit: '1kb' });
  await app.listen(config.port, config.host);
  app.get(Readiness).markReady();
  return app;
}

/**
 * The standalone projector process (`npm run start:projector`): DATABASE_URL from the environment, the migrations it
 * needs (under the migration lock, so several may start at once), every projection over the partitions it is
 * given, health and /metrics on PORT. SIGTERM/SIGINT: the batches in hand commit, the partitions go back to the
 * others at once, exit 0. Exits 2 on a configuration error, 1 on any other.
 */
export function runProjectorProcess(options: { projections?: readonly Projection[] } = {}): void {
  const logger = new Logger('projector');
  const start = async () => {
    const config = loadConfig();
    if (!config.databaseUrl) {
      throw new ConfigError('DATABASE_URL', 'is required to run the projector on its own (npm start runs it with embedded PostgreSQL)');
    }
    const batchSize = batchSizeArg(process.argv.slice(2));
    const keys = config.apiKeys ?? generateDevKeys(config.dataDir).keys;

    const applied = await runMigrations(config.databaseUrl, [...EVENT_STORE_MIGRATIONS, ...PRIVACY_MIGRATIONS, ...FULL_PROJECTOR_MIGRATIONS]);
    if (applied.length) logger.log(`migrations applied: ${applied.join(', ')}`);
    const pool = createPool(config.databaseUrl, { max: 8 });
    const store = privateEventStore(pool, config, await openEventStore(config, pool));
    const projector = startPartitionedProjector({
      pool,
      store,
      databaseUrl: config.databaseUrl,
      partitions: config.projectionPartitions,
      projections: options.projections,
      batchSize,
      logger: (context) => new Logger(context),
    });
    const app = await serve(projector, pool, config, keys);
    logger.log(
      `projector ${projector.coordinator.memberId} against ${redactUrl(config.databaseUrl)}: ${config.projectionPartitions} partitions ` +
        `shared with the other projectors; health and /metrics on port ${config.port}`,
    );

    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.log(`${signal}: finishing the current batch, handing the partitions back`);
      projector
        .stop()
        .then(() => app.close())
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
