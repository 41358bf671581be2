import type { ServerResponse } from 'node:http';
import { matches, type FeedFilter, type FeedItem } from './feed-filter';

/** Live insights a connection may have queued in its socket before it counts as stalled (and is closed). */
const MAX_BUFFERED_BYTES = 4 << 20;

/**
 * One SSE client. Writes each insight as
 *
 *     id: <CloudEvent id>
 *     event: insight.<type>
 *     data: <CloudEvent JSON>
 *
 * plus `: heartbeat` comments. Until `goLive` it queues live insights (the history is being written); after that it
 * writes them as they come. Every insight goes out once and in outbox order: an insight at or below the last `seq`
 * written is a duplicate (history and live overlap) and is skipped.
 */
export class FeedConnection {
  private live = false;
  private queued: FeedItem[] = [];
  private lastSeq = 0;
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly response: ServerResponse,
    readonly filter: FeedFilter,
    heartbeatMs: number,
    private readonly onClose: (connection: FeedConnection) => void,
  ) {
    this.heartbeat = setInterval(() => this.send(': heartbeat\n\n'), heartbeatMs);
    response.on('close', () => this.close());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Live insights (all of them, in outbox order): filtered here. */
  offer(items: readonly FeedItem[]): void {
    if (this.closed) return;
    if (!this.live) {
      for (const item of items) if (matches(this.filter, item)) this.queued.push(item);
      return;
    }
    for (const item of items) if (matches(this.filter, item)) this.write(item);
    if (this.response.writableLength > MAX_BUFFERED_BYTES) {
      // A client that does not read: drop it rather than buffer without bound. It reconnects with Last-Event-ID.
      this.close();
    }
  }

  /** History (already filtered, in order); resolves once the socket has taken it, so pages do not pile up. */
  async writeHistory(items: readonly FeedItem[]): Promise<void> {
    let full = false;
    for (const item of items) full = !this.write(item) || full;
    if (full && !this.closed) await new Promise<void>((resolve) => this.response.once('drain', resolve).once('close', resolve));
  }

  /** A comment line (`: …`), e.g. to say why the history is not replayed. */
  comment(text: string): void {
    this.send(`: ${text.replace(/[\r\n]+/g, ' ')}\n\n`);
  }

  goLive(): void {
    const queued = this.queued;
    this.queued = [];
    this.live = true;
    this.offer(queued);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.queued = [];
    if (!this.response.writableEnded) this.response.end();
    this.onClose(this);
  }

  private write(item: FeedItem): boolean {
    if (item.seq <= this.lastSeq) return true;
    this.lastSeq = item.seq;
    return this.send(`id: ${item.id}\nevent: insight.${item.type}\ndata: ${item.cloudEvent}\n\n`);
  }

  private send(text: string): boolean {
    if (this.closed || this.response.writableEnded) return true;
    return this.response.write(text);
  }
}
