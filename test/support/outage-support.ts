import { startEmbeddedPostgres, type RunningPostgres } from '@klantcentraal/postgres';

/**
 * Start a crashed cluster again on its port. Right after a kill -9 the old server's backends may still hold its
 * shared memory for a moment ("pre-existing shared memory block is still in use"): retry until they are gone.
 */
export async function restartCrashedPostgres(dataDir: string, port: number, timeoutMs = 30_000): Promise<RunningPostgres> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await startEmbeddedPostgres({ dataDir, port, log: () => undefined });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export type SseReader = {
  /** Resolves once a received `data:` line matches; with `reconnect`, a stream that ends is reopened with Last-Event-ID. */
  waitFor(match: (data: string) => boolean, options?: { reconnect?: boolean; timeoutMs?: number }): Promise<void>;
  close(): void;
};

/** A minimal EventSource: keeps every `data:` line and the last `id:`, reconnects on demand. */
export async function readSse(url: string, headers: Record<string, string>): Promise<SseReader> {
  const received: string[] = [];
  let lastId: string | null = null;
  let ended = false;
  let abort = new AbortController();

  const open = async () => {
    ended = false;
    abort = new AbortController();
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers, ...(lastId ? { 'last-event-id': lastId } : {}) },
      signal: abort.signal,
    });
    if (!response.ok || !response.body) {
      ended = true;
      return;
    }
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let newline: number;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, newline).replace(/\r$/, '');
            buffer = buffer.slice(newline + 1);
            if (line.startsWith('data:')) received.push(line.slice(5).trim());
            if (line.startsWith('id:')) lastId = line.slice(3).trim();
          }
        }
      } catch {
        // aborted or cut off: counts as ended
      }
      ended = true;
    })();
  };
  await open();

  return {
    async waitFor(match, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? 60_000);
      for (;;) {
        if (received.some(match)) return;
        if (Date.now() > deadline) throw new Error(`no matching SSE message within the time; received: ${received.join(' | ').slice(0, 2000)}`);
        if (ended && options.reconnect) await open().catch(() => (ended = true));
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    close: () => abort.abort(),
  };
}
