/**
 * One service on its own (`npm run start:<service>`): what every standalone entry point shares — configuration,
 * DATABASE_URL, its migrations (under the migration lock, so several services may start at once), the pool, the event
 * store, API keys, health, the HTTP shell, and a graceful stop on SIGTERM. The service itself is its NestJS modules.
 */
import { type DynamicModule, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Pool } from 'pg';
import { AuthModule, generateDevKeys } from '@klantcentraal/auth';
import { ConfigError, loadConfig, type PlatformConfig } from '@klantcentraal/config';
import type { EventStore } from '@klantcentraal/event-store';
import { createObservability, defaultLogFormat } from '@klantcentraal/observability';
import { createPool, runMigrations, type MigrationClass } from '@klantcentraal/postgres';
import { configureHttpApp } from './configure-http-app';
import { HealthModule } from './health/health.module';
import type { HealthCheck } from './health/health.options';
import { Readiness } from './health/readiness';

export type StandaloneContext = Readonly<{ config: PlatformConfig; databaseUrl: string; pool: Pool; logger: Logger }>;

export type StandaloneServiceOptions = Readonly<{
  /** `ingest-api`, `query-api`, …: the logger context and the npm script's name. */
  name: string;
  /** OpenAPI title. */
  title: string;
  /** Largest JSON body (default: configureHttpApp's, with its per-route limits for ingest). */
  bodyLimit?: string;
  /** Every migration the service needs (the event store's too, when it reads or writes events). */
  migrations: readonly MigrationClass[];
  /** Opens the event store (EVENT_STORE) for services that need one; it is closed at the stop. */
  openEventStore?(context: StandaloneContext): Promise<EventStore>;
  /** The service's modules (and what to stop with it). */
  modules(context: StandaloneContext & { eventStore: EventStore | null }): Promise<{ imports: DynamicModule[]; stop?(): Promise<void>; checks?: Record<string, HealthCheck> }>;
}>;

export async function runStandaloneService(options: StandaloneServiceOptions): Promise<void> {
  const logger = new Logger(options.name);
  try {
    const config = loadConfig();
    // The same logger, request ids and metrics registry as `npm start` (contract v1.2 "Logs", "Metrics").
    const observability = createObservability({ format: config.logFormat ?? defaultLogFormat(), serviceName: options.name });
    const { metrics } = observability;
    if (!config.databaseUrl) {
      throw new ConfigError('DATABASE_URL', `is required to run the ${options.name} on its own (npm start runs every service with embedded PostgreSQL)`);
    }
    const databaseUrl = config.databaseUrl;
    const devKeys = config.apiKeys ? null : generateDevKeys(config.dataDir);
    const applied = await runMigrations(databaseUrl, options.migrations);
    if (applied.length) logger.log(`migrations applied: ${applied.join(', ')}`);
    // Requests' statements are cancelled after QUERY_TIMEOUT_MS (→ 503 query-timeout).
    const pool = createPool(databaseUrl, { statementTimeoutMs: config.queryTimeoutMs });
    metrics.watchDatabase(pool);
    const context: StandaloneContext = { config, databaseUrl, pool, logger };
    const eventStore = options.openEventStore ? await options.openEventStore(context) : null;
    const service = await options.modules({ ...context, eventStore });

    @Module({})
    class StandaloneMain implements OnApplicationShutdown {
      async onApplicationShutdown(): Promise<void> {
        await service.stop?.();
        await eventStore?.close();
        await pool.end();
        await observability.flush();
      }
    }
    const app = await NestFactory.create(
      {
        module: StandaloneMain,
        imports: [
          AuthModule.forRoot({ keys: config.apiKeys ?? devKeys!.keys, rateLimit: { perMinute: config.rateLimitPerMinute } }),
          ...observability.modules,
          HealthModule.register({ checks: { database: () => pool.query('SELECT 1'), ...service.checks } }),
          ...service.imports,
        ],
      },
      { bodyParser: false, logger: observability.nestLogger },
    );
    observability.instrument(app);
    configureHttpApp(app, { title: options.title, bodyLimit: options.bodyLimit, corsOrigins: config.corsOrigins });
    await app.listen(config.port, config.host);
    // Graceful stop: stop accepting, let in-flight requests finish, close what the service opened, exit 0.
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.log(`${signal}: stopping`);
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error(`while stopping: ${err instanceof Error ? err.message : String(err)}`);
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    app.get(Readiness).markReady();
    logger.log(`listening on ${await app.getUrl()} (OpenAPI: /openapi.json, UI: /docs)`);
    if (devKeys) {
      logger.log(`API_KEYS not set: dev keys ${devKeys.created ? 'generated in' : 'read from'} ${devKeys.file}`);
      // The keys themselves go to stderr for the person starting it, never into the log.
      for (const key of devKeys.keys) process.stderr.write(`  ${key.name.padEnd(12)} ${key.key}\n`);
    }
  } catch (err) {
    console.error(err instanceof ConfigError ? `configuration error: ${err.message}` : err instanceof Error ? err.message : err);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
}
