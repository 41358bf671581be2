import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPool } from './pool';
import { startEmbeddedPostgres } from './embedded-postgres';

const isRoot = process.getuid?.() === 0;

function postgresProcessesUsing(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', `postgres.*${dir}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('embedded PostgreSQL', () => {
  // A DATA_DIR below a folder only its owner may enter (like /root): PostgreSQL's own user cannot traverse it.
  let privateParent: string;
  beforeEach(() => {
    privateParent = fs.mkdtempSync(path.join(os.homedir(), '.kc-embedded-test-'));
    fs.chmodSync(privateParent, 0o700);
  });
  afterEach(() => fs.rmSync(privateParent, { recursive: true, force: true }));

  it('starts from a data dir below an untraversable folder, serves SQL, restarts on the same data and stops without orphans', async () => {
    const dataDir = path.join(privateParent, 'data dir with spaces');
    const logs: string[] = [];
    const first = await startEmbeddedPostgres({ dataDir, log: (m) => logs.push(m) });
    try {
      expect(first.port).not.toBe(5432);
      expect(logs.join('\n')).toContain(first.clusterDir);
      const pool = createPool(first.url, { max: 1 });
      await pool.query('CREATE TABLE kept (v text)');
      await pool.query("INSERT INTO kept VALUES ('survives a restart')");
      await pool.end();
    } finally {
      await first.stop();
    }
    expect(postgresProcessesUsing(first.clusterDir)).toEqual([]);

    const second = await startEmbeddedPostgres({ dataDir, log: () => undefined });
    try {
      expect(second.clusterDir).toBe(first.clusterDir);
      const pool = createPool(second.url, { max: 1 });
      const { rows } = await pool.query('SELECT v FROM kept');
      expect(rows).toEqual([{ v: 'survives a restart' }]);
      await pool.end();
    } finally {
      await second.stop();
      if (!second.clusterDir.startsWith(privateParent)) fs.rmSync(second.clusterDir, { recursive: true, force: true });
    }
    expect(postgresProcessesUsing(second.clusterDir)).toEqual([]);
    if (isRoot) {
      // As root the cluster cannot live below the private folder; DATA_DIR/postgres links to it.
      expect(fs.lstatSync(path.join(dataDir, 'postgres')).isSymbolicLink()).toBe(true);
    }
  });
});
