/**
 * The all-in-one composition behind `npm start`: PostgreSQL (embedded unless DATABASE_URL), migrations, every
 * service on one HTTP origin, demo data on a first start. Also used by the end-to-end tests and benchmarks.
 */
import * as fs from 'node:fs';
import type { Server } from 'node:http';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Pool } from 'pg';
import { AuditApiModule } from '@klantcentraal/audit-api';
import { apiKeysHint, AuthModule, generateDevKeys } from '@klantcentraal/auth';
import { ensureConsoleAssets, serveConsole } from '@klantcentraal/console';
import { databaseUrlFile, type ApiKeySpec, type PlatformConfig } from '@klantcentraal/config';
import { customerStreamName } from '@klantcentraal/domain';
import { generateDemoData, loadDemoData } from '@klantcentraal/demo-data';
import { EVENT_STORE_MIGRATIONS, openEventStore, PostgresEventStore } from '@klantcentraal/event-store';
import { createPrivacy, EncryptingEventStore, PostgresKeyStore, PRIVACY_MIGRATIONS } from '@klantcentraal/privacy';
import { PrivacyApiModule } from '@klantcentraal/privacy-api';
import { configureHttpApp, HealthModule, Readiness } from '@klantcentraal/http';
import { IngestApiModule } from '@klantcentraal/ingest-api';
import { KafkaInsightPublisher, OutboxRelay, outboxBacklog } from '@klantcentraal/messaging';
import { createObservability, defaultLogFormat } from '@klantcentraal/observability';
import { FULL_PROJECTOR_MIGRATIONS, registerProjectorMetrics, startPartitionedProjector } from '@klantcentraal/projector';
import { QueryApiModule } from '@klantcentraal/query-api';
import { FeedGatewayModule, InsightFeed } from '@klantcentraal/feed-gateway';
import { ensureWarehouseReader } from '@klantcentraal/warehouse';
import { createPool, ensureAppRole, ensureDatabase, runMigrations, superviseEmbeddedPostgres, withDatabase } from '@klantcentraal/postgres';

export type RunningPlatform = {
  url: string;
  databaseUrl: string;
  keys: readonly ApiKeySpec[];
  /** Where the dev keys are kept (null when API_KEYS is set). */
  keysFile: string | null;
  /** The first demo customer when the store holds the demo data set, for example URLs; null otherwise. */
  exampleCustomerId: string | null;
  stop(): Promise<void>;
};

const DATABASE_NAME = 'klantcentraal';

/** Every migration of the all-in-one platform (also run by restore, which loads into the same schema). */
export const PLATFORM_MIGRATIONS = [...EVENT_STORE_MIGRATIONS, ...PRIVACY_MIGRATIONS, ...FULL_PROJECTOR_MIGRATIONS];
/** The first customer of the demo data set (prefix `c-`). */
const DEMO_CUSTOMER_ID = 'c-00001';

export type StartOptions = Readonly<{
  /** Log only warnings and errors (benchmarks, tests). */
  quiet?: boolean;
  /**
   * The embedded PostgreSQL could not be kept running (supervised: restarted after a crash, given up after repeated
   * failures). Default: log it and exit the process with status 1.
   */
  onFatal?: (error: Error) => void;
}>;

export async function startPlatform(config: PlatformConfig, options: StartOptions = {}): Promise<RunningPlatform> {
  // One logger for the process (contract v1.2 "Logs"): every Nest Logger below writes through it.
  const observability = createObservability({ format: config.logFormat ?? defaultLogFormat(), level: options.quiet ? 'warn' : 'info' });
  const logger = new Logger('platform');
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((err: unknown) => logger.error(`while stopping: ${(err as Error).message}`));
    }
  };
  // The web console builds (only when its bundle is missing or stale) while PostgreSQL starts.
  const consoleAssets = ensureConsoleAssets({ log: (m) => logger.log(m) }).catch((err: unknown) => {
    logger.warn(`${(err as Error).message}; the web console is not served (the API is)`);
    return null;
  });
  // Spans still buffered are exported last, after everything that could end one has stopped.
  if (observability.tracing) cleanups.push(() => observability.flush());
  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    const onFatal =
      options.onFatal ??
      ((error: Error) => {
        logger.error(error.message);
        process.exit(1);
      });
    const { url: databaseUrl, adminUrl } = await database(config, logger, cleanups, onFatal);
    const applied = await runMigrations(databaseUrl, PLATFORM_MIGRATIONS);
    if (applied.length) logger.log(`migrations applied: ${applied.join(', ')}`);

    // Background work (projections, rebuilds, timers, relay) may run long statements: no statement timeout here.
    const pool: Pool = createPool(databaseUrl, { max: 12 });
    cleanups.push(() => pool.end());
    // Privacy at the port: every service below sees the store through the encrypting layer.
    // EVENT_STORE picks the store (a server that does not answer fails the start); personal fields are encrypted above it.
    const store = await openEventStore(config, pool);
    const privacy = createPrivacy({ pool, store, masterKey: config.masterKey, dataDir: config.dataDir, storeOnPool: config.eventStore === 'postgres' });
    const eventStore = privacy.eventStore;
    cleanups.push(() => eventStore.close());
    const prepared = await privacy.prepare();
    if (prepared.erasuresFinished > 0) logger.log(`privacy: finished ${prepared.erasuresFinished} interrupted erasure(s)`);
    if (prepared.encryption?.eventsEncrypted) {
      logger.log(`privacy: encrypted the personal fields of ${prepared.encryption.eventsEncrypted} stored events (${prepared.encryption.streamsRehashed} streams re-hashed)`);
    }
    // What requests run goes through apiPool, whose statements are cancelled after QUERY_TIMEOUT_MS (→ 503
    // query-timeout); it sees events through the same privacy layer with its own key store on apiPool, so a request's
    // key look-up never waits for a connection behind the projectors' batches (caches agree through key_generation,
    // as between processes).
    const apiPool: Pool = createPool(databaseUrl, { max: 24, statementTimeoutMs: config.queryTimeoutMs });
    cleanups.push(() => apiPool.end());
    // (With EventStoreDB the requests share the one client: its calls carry their own deadlines.)
    const apiEventStore =
      config.eventStore === 'postgres' ? new EncryptingEventStore(new PostgresEventStore(apiPool), new PostgresKeyStore(apiPool, privacy.kek)) : eventStore;
    if (apiEventStore !== eventStore) cleanups.push(() => apiEventStore.close());

    if (config.demoData && (await eventStore.headPosition()) === 0) {
      const started = Date.now();
      const set = generateDemoData({});
      const events = set.customers.reduce((n, c) => n + c.events.length, 0);
      logger.log(`empty store: loading demo data (${set.customers.length} customers, ${events} events; DEMO_DATA=0 to skip)`);
      await loadDemoData(eventStore, set, {});
      logger.log(`demo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }

    // The same projector as `npm run start:projector` (read models, insights, warehouse, insight timer): alone it owns
    // every partition; standalone projectors started against the same database share them with it.
    const projector = startPartitionedProjector({
      pool,
      store: eventStore,
      databaseUrl,
      partitions: config.projectionPartitions,
      logger: (context) => new Logger(context),
    });
    cleanups.push(() => projector.stop());
    const { runner, warehouse } = projector;
    try {
      const reader = await ensureWarehouseReader({
        databaseUrl: adminUrl,
        tablesOwner: decodeURIComponent(new URL(databaseUrl).username),
        dataDir: config.dataDir,
        password: config.warehouseReaderPassword,
      });
      logger.log(`warehouse SQL access (read-only role ${reader.role}): ${reader.psql}`);
    } catch (err) {
      logger.warn(`warehouse read-only role not created (${(err as Error).message}); SQL access for analysts is unavailable`);
    }

    // Insights leave through the outbox; the relay publishes them to Kafka when brokers are configured.
    if (config.kafkaBrokers) {
      const relay = new OutboxRelay({
        pool,
        publisher: new KafkaInsightPublisher({ brokers: config.kafkaBrokers, clientId: 'klantcentraal-relay' }),
        logger: new Logger('outbox-relay'),
      });
      await relay.start();
      cleanups.push(() => relay.stop());
      logger.log(`insights: Kafka topic customer-insights on ${config.kafkaBrokers.join(',')}`);
    } else {
      logger.log('insights: KAFKA_BROKERS not set, insights go to the SSE feed only (from the outbox)');
    }

    // One registry for everything /metrics shows (contract v1.2 "Metrics").
    const { metrics } = observability;
    metrics.watchDatabase(apiPool); // the pool requests wait on
    registerProjectorMetrics(metrics, projector); // lag per projection, partitions owned
    metrics.gauge('klantcentraal_outbox_backlog', 'Insights in the outbox not yet published to Kafka.', () => outboxBacklog(pool));

    const devKeys = config.apiKeys ? null : generateDevKeys(config.dataDir);
    const keys = config.apiKeys ?? devKeys!.keys;

    @Module({})
    class PlatformModule {}
    const app = await NestFactory.create<NestExpressApplication>(
      {
        module: PlatformModule,
        imports: [
          AuthModule.forRoot({ keys, keysHint: apiKeysHint(devKeys?.file ?? null), rateLimit: { perMinute: config.rateLimitPerMinute } }),
          ...observability.modules,
          HealthModule.register({
            checks: {
              database: () => apiPool.query('SELECT 1'),
              projector: () => projector.isReady(),
            },
          }),
          IngestApiModule.register({ eventStore: apiEventStore }),
          QueryApiModule.register({
            pool: apiPool,
            eventStore: apiEventStore,
            waitForPosition: (position, timeoutMs) => runner.waitForPosition(position, timeoutMs),
            waitForWarehousePosition: (position, timeoutMs) => warehouse.waitForPosition(position, timeoutMs),
            // A new customer definition re-derives phases by replay, in the read models and the warehouse.
            requestRebuild: () => {
              for (const r of [runner, warehouse]) {
                r.rebuild().catch((err: unknown) => logger.error(`rebuild failed: ${(err as Error).message}`));
              }
            },
          }),
          AuditApiModule.register({ eventStore: apiEventStore, pool: apiPool }),
          PrivacyApiModule.register({ pool: apiPool, eventStore: apiEventStore, erasures: privacy.erasures }),
          FeedGatewayModule.register({ pool: apiPool, kafkaBrokers: config.kafkaBrokers, logger: new Logger('feed-gateway') }),
        ],
      },
      { bodyParser: false, logger: observability.nestLogger },
    );
    observability.instrument(app);
    configureHttpApp(app, {
      title: 'Klantcentraal',
      description: 'Event-sourced customer insight: ingest touchpoints, query profiles and insights, audit history.',
      corsOrigins: config.corsOrigins,
    });
    const consoleDir = await consoleAssets;
    if (consoleDir) serveConsole(app, consoleDir);
    // Graceful stop (contract v1.2): not ready, SSE streams end (clients resume elsewhere with Last-Event-ID), no new
    // connections, in-flight requests get up to 10 s; only then the services and the projectors (which commit the
    // batch in hand) stop.
    cleanups.push(async () => {
      app.get(Readiness).markNotReady();
      app.get(InsightFeed).closeConnections();
      await drainHttp(app.getHttpServer() as Server, 10_000);
      await app.close();
    });
    await app.listen(config.port, config.host);
    app.get(Readiness).markReady();
    const address = app.getHttpServer().address() as { port: number };
    const exampleCustomerId = (await eventStore.streamRevision(customerStreamName(DEMO_CUSTOMER_ID))) === null ? null : DEMO_CUSTOMER_ID;
    return { url: `http://localhost:${address.port}`, databaseUrl, keys, keysFile: devKeys?.file ?? null, exampleCustomerId, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Stop accepting connections; resolve once in-flight requests are answered, or after `graceMs` cut what is left. */
function drainHttp(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections(); // keep-alive connections with no request in flight
  });
}

/**
 * The platform's database: DATABASE_URL as given, or a database on an embedded cluster under DATA_DIR, worked on as
 * the non-superuser role that owns it (`url`); `adminUrl` is the privileged connection for creating roles.
 */
export async function database(
  config: PlatformConfig,
  logger: Logger,
  cleanups: (() => Promise<unknown>)[],
  onFatal: (error: Error) => void,
): Promise<{ url: string; adminUrl: string }> {
  if (config.databaseUrl) return { url: config.databaseUrl, adminUrl: config.databaseUrl };
  const pg = await superviseEmbeddedPostgres({
    dataDir: config.dataDir,
    log: (m) => logger.log(`[postgres] ${m}`),
    onGiveUp: onFatal,
  });
  cleanups.push(() => pg.stop());
  await ensureDatabase(pg.url, DATABASE_NAME);
  const adminUrl = withDatabase(pg.url, DATABASE_NAME);
  const appRole = await ensureAppRole(adminUrl, config.dataDir);
  if (!appRole.url) logger.warn(`connecting as the PostgreSQL superuser: ${appRole.reason} (a new DATA_DIR starts locked down)`);
  const url = appRole.url ?? adminUrl;
  // CLIs (npm run projections / audit / demo) find the running embedded cluster here; the URL holds a password.
  const urlFile = databaseUrlFile(config.dataDir);
  fs.writeFileSync(urlFile, `${url}\n`, { mode: 0o600 });
  fs.chmodSync(urlFile, 0o600);
  cleanups.push(async () => fs.rmSync(urlFile, { force: true }));
  return { url, adminUrl };
}
