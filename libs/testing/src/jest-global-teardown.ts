import * as fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const pg = globalThis.__KC_EMBEDDED_PG__;
  if (pg) {
    await pg.stop();
    const dataDir = process.env.KC_TEST_DATA_DIR;
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    // The cluster may live outside dataDir (root without traversal rights): remove it too.
    if (!pg.clusterDir.startsWith(dataDir ?? '\0')) fs.rmSync(pg.clusterDir, { recursive: true, force: true });
  }
}
