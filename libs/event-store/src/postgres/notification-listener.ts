import { Client, ClientConfig } from 'pg';

/**
 * One dedicated connection per store that LISTENs on the append channel and wakes every live subscription.
 * Best effort by design: subscriptions also poll, so a lost connection or a missed notification only delays
 * delivery (by at most the poll interval); the listener reconnects lazily, at most once per `retryMs`.
 */
export class NotificationListener {
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private lastAttempt = 0;
  private closed = false;
  private readonly handlers = new Set<() => void>();

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly retryMs: number,
  ) {}

  /** Register a wake-up handler; returns its removal. The connection closes when the last handler goes. */
  add(handler: () => void): () => void {
    this.handlers.add(handler);
    return () => {
      this.handlers.delete(handler);
      if (this.handlers.size === 0) void this.disconnect();
    };
  }

  /** Make sure the connection is up (or being retried); never throws. */
  ensure(): Promise<void> {
    if (this.closed || this.client || this.handlers.size === 0) return Promise.resolve();
    if (this.connecting) return this.connecting;
    if (Date.now() - this.lastAttempt < this.retryMs) return Promise.resolve();
    this.lastAttempt = Date.now();
    this.connecting = this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    await this.connecting;
    await this.disconnect();
  }

  private async connect(): Promise<void> {
    const client = new Client(this.config);
    client.on('error', () => {
      // Connection lost: fall back to polling until the next ensure() reconnects.
      if (this.client === client) this.client = null;
      void client.end().catch(() => undefined);
    });
    client.on('notification', (msg) => {
      if (msg.channel !== this.channel) return;
      for (const handler of this.handlers) handler();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel.replace(/"/g, '""')}"`);
    } catch {
      await client.end().catch(() => undefined);
      return;
    }
    if (this.closed || this.handlers.size === 0) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    // Anything committed while we were connecting was possibly missed: wake everyone once.
    for (const handler of this.handlers) handler();
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }
}
