import { DynamicModule, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { FeedController } from './feed/feed.controller';
import { InsightFeed } from './feed/insight-feed';
import { KafkaLiveSource } from './feed/kafka-live.source';
import type { FeedLogger } from './feed/live-source';
import { OutboxLiveSource } from './feed/outbox-live.source';

export type FeedGatewayOptions = Readonly<{
  /** The database holding `feed.insight_outbox` (libs/messaging's MESSAGING_MIGRATIONS applied). */
  pool: Pool;
  /**
   * Brokers of Kafka `customer-insights`: live insights come from a consumer there. Null or empty: from the outbox
   * (LISTEN kc_insights + polling). History and `Last-Event-ID` always read the outbox.
   */
  kafkaBrokers?: readonly string[] | null;
  /** Interval of the `: heartbeat` comment lines (default 15 000 ms). */
  heartbeatMs?: number;
  logger?: FeedLogger;
  /** Kafka topic (default `customer-insights`). */
  topic?: string;
  /** Kafka consumer group (default `feed-gateway-<hostname>-<pid>`). */
  groupId?: string;
  /** Kafka mode: how long an insight published on another partition may lag before it is taken from the outbox (default 2000 ms). */
  reorderTimeoutMs?: number;
  /** Outbox mode: poll interval besides LISTEN (default 1000 ms). */
  pollIntervalMs?: number;
  /** How long application start-up waits for the live source (default 10 000 ms); it keeps trying after that. */
  startTimeoutMs?: number;
}>;

/** Starts the feed with the application and closes every stream before the HTTP server stops. */
class FeedLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly feed: InsightFeed,
    private readonly startTimeoutMs: number,
    private readonly logger: FeedLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.startTimeoutMs)));
    const outcome = await Promise.race([this.feed.start(), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.logger.warn(`feed gateway: live source not ready after ${this.startTimeoutMs} ms; still trying`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.feed.stop();
  }
}

/**
 * `GET /v1/feed` (role `sales`): the real-time insight feed as Server-Sent Events. The root module supplies the
 * HTTP shell (configureHttpApp) and authentication (AuthModule).
 */
@Module({})
export class FeedGatewayModule {
  static register(options: FeedGatewayOptions): DynamicModule {
    const logger: FeedLogger = options.logger ?? new Logger('feed-gateway');
    const heartbeatMs = options.heartbeatMs ?? 15_000;
    if (!(heartbeatMs > 0)) throw new RangeError('heartbeatMs must be positive');
    const brokers = options.kafkaBrokers ?? [];
    const feed = new InsightFeed(
      options.pool,
      (deliver) =>
        brokers.length > 0
          ? new KafkaLiveSource({
              pool: options.pool,
              brokers,
              deliver,
              logger,
              topic: options.topic,
              groupId: options.groupId,
              reorderTimeoutMs: options.reorderTimeoutMs,
            })
          : new OutboxLiveSource(options.pool, deliver, logger, options.pollIntervalMs),
      heartbeatMs,
      logger,
    );
    return {
      module: FeedGatewayModule,
      controllers: [FeedController],
      providers: [
        { provide: InsightFeed, useValue: feed },
        { provide: FeedLifecycle, useValue: new FeedLifecycle(feed, options.startTimeoutMs ?? 10_000, logger) },
      ],
      exports: [InsightFeed],
    };
  }
}
