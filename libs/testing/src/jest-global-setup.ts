/**
 * Starts one embedded PostgreSQL for the whole jest run, unless TEST_DATABASE_URL points at a server already
 * (e.g. the machine's PostgreSQL 15). Each test file then creates its own database (see test-database.ts).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
// jest loads its global setup outside its module mapper, so the path alias cannot be used here.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startEmbeddedPostgres, RunningPostgres } from '../../postgres/src';

declare global {
  var __KC_EMBEDDED_PG__: RunningPostgres | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    console.log(`\n[test] using TEST_DATABASE_URL=${redact(process.env.TEST_DATABASE_URL)}`);
    process.env.KC_TEST_ADMIN_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'klantcentraal-test-'));
  fs.chmodSync(dataDir, 0o755); // so that PostgreSQL's own user may enter it when we run as root
  const pg = await startEmbeddedPostgres({
    dataDir,
    log: (m) => console.log(`[test postgres] ${m}`),
    // Throwaway cluster: durability does not matter here, speed does.
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  globalThis.__KC_EMBEDDED_PG__ = pg;
  process.env.KC_TEST_ADMIN_URL = pg.url;
  process.env.KC_TEST_DATA_DIR = dataDir;
}

function redact(url: string): string {
  return url.replace(/:[^:@/]*@/, ':***@');
}
