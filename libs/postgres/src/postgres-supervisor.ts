import * as path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresOptions, type RunningPostgres } from './embedded-postgres';

export type SupervisorOptions = EmbeddedPostgresOptions & {
  /** Called once when PostgreSQL cannot be brought back; the caller exits (non-zero) with this message. */
  onGiveUp(error: Error): void;
  /** Failed restarts tolerated within `windowMs` before giving up (default 3 in 5 minutes). */
  maxFailures?: number;
  windowMs?: number;
  /** A server that dies again within this long after a restart counts as a failed restart (default 60 s). */
  stableAfterMs?: number;
};

export type SupervisedPostgres = Pick<RunningPostgres, 'url' | 'port' | 'clusterDir'> & {
  /** The server's current process id (changes with each restart). */
  pid(): number;
  /** Restarts after crashes so far. */
  restarts(): number;
  stop(): Promise<void>;
};

/**
 * The embedded PostgreSQL under `npm start`, kept running: when the server dies (kill -9, OOM killer, a crash) it is
 * started again on the same data directory and port, so PostgreSQL's crash recovery runs and the platform's pools
 * reconnect by themselves. After `maxFailures` failed restarts within `windowMs` it gives up through `onGiveUp`,
 * naming PostgreSQL and the data directory.
 */
export async function superviseEmbeddedPostgres(options: SupervisorOptions): Promise<SupervisedPostgres> {
  const log = options.log ?? ((m: string) => console.log(`[postgres] ${m}`));
  const maxFailures = options.maxFailures ?? 3;
  const windowMs = options.windowMs ?? 5 * 60_000;
  const stableAfterMs = options.stableAfterMs ?? 60_000;
  let current = await startEmbeddedPostgres(options);
  const port = current.port;
  let stopping = false;
  let restarts = 0;
  let startedAt = Date.now();
  const failures: number[] = [];

  const failed = (now: number): boolean => {
    failures.push(now);
    while (failures.length && failures[0] < now - windowMs) failures.shift();
    return failures.length >= maxFailures;
  };

  const giveUp = (reason: string) => {
    const dataDir = path.resolve(options.dataDir);
    options.onGiveUp(
      new Error(
        `PostgreSQL could not be kept running: ${failures.length} failed restarts within ${Math.round(windowMs / 60_000)} minutes ` +
          `(data directory ${dataDir}, cluster ${current.clusterDir}); last problem: ${reason}`,
      ),
    );
  };

  const watch = (server: RunningPostgres) => {
    void server.exited.then(async ({ code, signal }) => {
      if (stopping) return;
      const now = Date.now();
      log(`PostgreSQL (pid ${server.pid}) exited unexpectedly (${signal ?? `code ${code}`}); restarting it (crash recovery)`);
      if (now - startedAt < stableAfterMs && restarts > 0 && failed(now)) return giveUp(`it died again ${now - startedAt} ms after a restart`);
      for (let attempt = 1; !stopping; attempt++) {
        try {
          current = await startEmbeddedPostgres({ ...options, port, log });
          if (stopping) return void (await current.stop());
          restarts += 1;
          startedAt = Date.now();
          log(`PostgreSQL is back (pid ${current.pid}, restart ${restarts})`);
          watch(current);
          return;
        } catch (err) {
          const reason = (err as Error).message.split('\n').slice(0, 3).join(' ');
          log(`restart ${attempt} of PostgreSQL failed: ${reason}`);
          if (failed(Date.now())) return giveUp(reason);
          // The killed server's backends may still hold its shared memory for a moment: wait, then try again.
          await new Promise((r) => setTimeout(r, 1000 * attempt));
        }
      }
    });
  };
  watch(current);

  return {
    url: current.url,
    port,
    clusterDir: current.clusterDir,
    pid: () => current.pid,
    restarts: () => restarts,
    async stop() {
      stopping = true;
      await current.stop();
    },
  };
}
