/** Shared pieces of the benchmarks: a durable embedded PostgreSQL, timing helpers, percentiles. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDatabase, RunningPostgres, startEmbeddedPostgres, withDatabase } from '@klantcentraal/postgres';

export type BenchDatabase = { url: string; adminUrl: string; stop(): Promise<void>; description: string };

/**
 * BENCH_DATABASE_URL (an existing server), else a fresh embedded cluster with PostgreSQL's default durability
 * (fsync on, synchronous_commit on): figures are for durable writes.
 */
export async function benchDatabase(name: string): Promise<BenchDatabase> {
  const external = process.env.BENCH_DATABASE_URL;
  if (external) {
    const dbName = `kc_bench_${name}_${Date.now().toString(36)}`;
    await ensureDatabase(external, dbName);
    return { url: withDatabase(external, dbName), adminUrl: external, description: 'BENCH_DATABASE_URL', stop: async () => undefined };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `kc-bench-${name}-`));
  fs.chmodSync(dataDir, 0o755);
  const pg: RunningPostgres = await startEmbeddedPostgres({ dataDir, log: () => undefined });
  await ensureDatabase(pg.url, 'bench');
  return {
    url: withDatabase(pg.url, 'bench'),
    adminUrl: pg.url,
    description: `embedded PostgreSQL (durable defaults) in ${pg.clusterDir}`,
    async stop() {
      await pg.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (!pg.clusterDir.startsWith(dataDir)) fs.rmSync(pg.clusterDir, { recursive: true, force: true });
    },
  };
}

export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) return NaN;
  const rank = Math.min(sortedAscending.length - 1, Math.max(0, Math.ceil((p / 100) * sortedAscending.length) - 1));
  return sortedAscending[rank];
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
