import type { Server } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

export type ServerTimeouts = Readonly<{
  /** Time to receive the request headers (slowloris). */
  headersTimeoutMs: number;
  /** Time to receive the whole request, body included. */
  requestTimeoutMs: number;
  /** A connection idle this long is closed (not the SSE feed: it is idle between events by design). */
  idleTimeoutMs: number;
}>;

export const DEFAULT_SERVER_TIMEOUTS: ServerTimeouts = { headersTimeoutMs: 20_000, requestTimeoutMs: 60_000, idleTimeoutMs: 120_000 };

/** Applies the timeouts to the Node HTTP server behind a Nest app. */
export function applyServerTimeouts(server: Server, timeouts: ServerTimeouts = DEFAULT_SERVER_TIMEOUTS): void {
  server.headersTimeout = timeouts.headersTimeoutMs;
  server.requestTimeout = timeouts.requestTimeoutMs;
  server.setTimeout(timeouts.idleTimeoutMs);
  server.keepAliveTimeout = Math.min(5_000, timeouts.idleTimeoutMs);
}

/** Exempts long-lived streams (`text/event-stream` routes) from the idle timeout. */
export function streamingExemption(streamingPaths: readonly string[]) {
  const paths = new Set(streamingPaths);
  return (req: Request, _res: Response, next: NextFunction) => {
    if (paths.has(req.path)) req.socket.setTimeout(0);
    next();
  };
}
