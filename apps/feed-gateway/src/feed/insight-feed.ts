import type { ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import { FeedConnection } from './feed-connection';
import type { FeedFilter, FeedItem } from './feed-filter';
import { outboxItems, seqOf } from './feed-outbox';
import { errorMessage, type FeedLogger, type LiveSource } from './live-source';

const HISTORY_PAGE = 500;

export type OpenFeed = Readonly<{
  response: ServerResponse;
  filter: FeedFilter;
  /** `Last-Event-ID`: resume after this CloudEvent id (outbox order); null: live only. */
  resumeAfter: string | null;
}>;

/**
 * The feed's hub: one live source for the process, fanned out to every SSE connection; history from the outbox.
 *
 * Opening a connection registers it first (live insights queue up) and then writes the history after the resumed
 * id, then the queue: nothing falls between history and live, and the connection skips what it already wrote.
 */
export class InsightFeed {
  private readonly connections = new Set<FeedConnection>();
  private started: Promise<void> | null = null;
  private stopping = false;

  constructor(
    private readonly pool: Pool,
    private readonly createSource: (deliver: (items: readonly FeedItem[]) => void) => LiveSource,
    private readonly heartbeatMs: number,
    private readonly logger: FeedLogger,
  ) {}

  private source: LiveSource | undefined;

  /** Starts the live source; a failing first attempt is logged and retried in the background. */
  start(): Promise<void> {
    this.source ??= this.createSource((items) => {
      for (const connection of this.connections) connection.offer(items);
    });
    this.logger.log(`feed gateway: ${this.source.description}`);
    this.started ??= this.startWithRetry(this.source, 0);
    return this.started;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.closeConnections();
    await this.source?.stop();
  }

  /** Ends every open stream (clients reconnect with Last-Event-ID); the feed keeps running. */
  closeConnections(): void {
    for (const connection of [...this.connections]) connection.close();
  }

  /** For health pages and tests: the mode, open streams, and where delivered insights came from. */
  status(): { mode: 'kafka' | 'outbox' | null; connections: number; delivered: { fromBroker: number; fromOutbox: number } } {
    return {
      mode: this.source?.mode ?? null,
      connections: this.connections.size,
      delivered: { ...(this.source?.delivered ?? { fromBroker: 0, fromOutbox: 0 }) },
    };
  }

  async open({ response, filter, resumeAfter }: OpenFeed): Promise<void> {
    // Find where to resume before the stream starts: while the database is down this throws, and the request is
    // answered 503 database-unavailable like every other endpoint instead of a 200 stream that closes at once.
    const after = resumeAfter === null ? null : await seqOf(this.pool, resumeAfter);
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // nginx and friends: do not buffer the stream
    });
    response.flushHeaders();
    response.socket?.setNoDelay(true);
    const connection = new FeedConnection(response, filter, this.heartbeatMs, (closed) => this.connections.delete(closed));
    this.connections.add(connection);
    connection.comment('klantcentraal insight feed');
    try {
      if (resumeAfter !== null) await this.writeHistory(connection, resumeAfter, after);
      connection.goLive();
    } catch (err) {
      this.logger.warn(`feed: history for a connection failed (${errorMessage(err)}); closing it`);
      connection.close();
    }
  }

  private async writeHistory(connection: FeedConnection, resumeAfter: string, after: number | null): Promise<void> {
    if (after === null) {
      connection.comment(`Last-Event-ID ${resumeAfter} is not in the feed's history; continuing live`);
      return;
    }
    for (let from = after; !connection.isClosed; ) {
      const page = await outboxItems(this.pool, from, connection.filter, HISTORY_PAGE);
      await connection.writeHistory(page);
      if (page.length < HISTORY_PAGE) return;
      from = page[page.length - 1].seq;
    }
  }

  private async startWithRetry(source: LiveSource, failures: number): Promise<void> {
    try {
      await source.start();
      if (failures > 0) this.logger.log(`feed gateway: live source started after ${failures} failed attempt(s)`);
    } catch (err) {
      if (this.stopping) return;
      const delay = Math.min(30_000, 1_000 * 2 ** failures);
      this.logger.error(`feed gateway: live source failed to start (${errorMessage(err)}); retrying in ${delay} ms`);
      setTimeout(() => {
        if (!this.stopping) void this.startWithRetry(source, failures + 1);
      }, delay).unref();
    }
  }
}
