import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPool } from './pool';
import { POSTGRES_PASSWORD_FILE, startEmbeddedPostgres } from './embedded-postgres';

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

describe('embedded PostgreSQL is locked down', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-embedded-auth-'));
    fs.chmodSync(dataDir, 0o755);
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('accepts only scram-sha-256 password logins on 127.0.0.1, with the password in DATA_DIR (0600)', async () => {
    const pg = await startEmbeddedPostgres({ dataDir, log: () => undefined });
    try {
      const passwordFile = path.join(dataDir, POSTGRES_PASSWORD_FILE);
      expect(fs.statSync(passwordFile).mode & 0o777).toBe(0o600);
      const password = fs.readFileSync(passwordFile, 'utf8').trim();
      expect(password.length).toBeGreaterThanOrEqual(24);
      expect(new URL(pg.url).password).toBe(password);

      const pool = createPool(pg.url, { max: 1 });
      const { rows } = await pool.query("SELECT current_setting('listen_addresses') AS listen, current_setting('password_encryption') AS enc");
      expect(rows).toEqual([{ listen: '127.0.0.1', enc: 'scram-sha-256' }]);
      const rules = await pool.query('SELECT type, address, auth_method FROM pg_hba_file_rules');
      expect(rules.rows).toEqual([{ type: 'host', address: '127.0.0.1', auth_method: 'scram-sha-256' }]);
      const stored = await pool.query("SELECT rolpassword FROM pg_authid WHERE rolname = current_user");
      expect(stored.rows[0].rolpassword).toMatch(/^SCRAM-SHA-256\$/);
      await pool.end();

      for (const url of [withPassword(pg.url, ''), withPassword(pg.url, 'wrong-password-0123456789')]) {
        const bad = createPool(url, { max: 1 });
        await expect(bad.query('SELECT 1')).rejects.toThrow(/password/);
        await bad.end();
      }
    } finally {
      await pg.stop();
    }
  });

  it('locks down a cluster initialised without a password and keeps its data', async () => {
    const first = await startEmbeddedPostgres({ dataDir, log: () => undefined });
    const pool = createPool(first.url, { max: 1 });
    await pool.query("CREATE TABLE kept AS SELECT 'still here'::text AS v");
    await pool.end();
    await first.stop();
    // An older install: trust authentication and no password file.
    fs.writeFileSync(path.join(first.clusterDir, 'pg_hba.conf'), 'host all all 127.0.0.1/32 trust\n');
    fs.rmSync(path.join(dataDir, POSTGRES_PASSWORD_FILE));

    const second = await startEmbeddedPostgres({ dataDir, log: () => undefined });
    try {
      const again = createPool(second.url, { max: 1 });
      expect((await again.query('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
      await again.end();
      const anonymous = createPool(withPassword(second.url, ''), { max: 1 });
      await expect(anonymous.query('SELECT 1')).rejects.toThrow(/password/);
      await anonymous.end();
    } finally {
      await second.stop();
    }
  });
});

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}
