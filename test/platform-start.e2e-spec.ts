/**
 * The newcomer's path: `npm start` with no environment (only DATA_DIR and PORT chosen by the test) starts embedded
 * PostgreSQL from any location — here below a folder only its owner may enter, like /root — loads demo data,
 * serves the API with printed dev keys, and stops everything on SIGTERM, PostgreSQL included.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { stripVTControlCharacters } from 'node:util';
import { freePort } from '@klantcentraal/postgres';
import { startPlatformProcess } from './support/platform-process';

/**
 * The cluster folder the start-up log names ("… ready on 127.0.0.1:<port>, cluster in <dir>"). The logger may colour
 * its lines, so escape codes are stripped first: a capture that ran into a colour code would name no real folder.
 */
export function clusterDirFromLog(output: string): string {
  // Text logs, or JSON log lines (LOG_FORMAT=json, the default when stdout is not a terminal): look at the messages.
  const messages = stripVTControlCharacters(output)
    .split('\n')
    .map((line) => {
      try {
        return String((JSON.parse(line) as { msg?: unknown }).msg ?? line);
      } catch {
        return line;
      }
    })
    .join('\n');
  const match = /, cluster in (\/\S+)$/m.exec(messages);
  if (!match) throw new Error(`no "cluster in <dir>" line in the start-up log:\n${output}`);
  return match[1];
}

/** PostgreSQL server processes running on `clusterDir` (other test runs on this machine have their own clusters). */
function postgresProcesses(clusterDir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', 'postgres'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(`-D ${clusterDir} `) || l.endsWith(`-D ${clusterDir}`));
  } catch {
    return [];
  }
}

describe('npm start (all-in-one platform)', () => {
  let parent: string;
  beforeAll(() => {
    parent = fs.mkdtempSync(path.join(os.homedir(), '.kc-e2e-start-'));
    fs.chmodSync(parent, 0o700);
  });
  let clusterDir = '';
  afterAll(() => {
    fs.rmSync(parent, { recursive: true, force: true });
    // As root the cluster lives below the system temp dir (PostgreSQL's user cannot enter this folder): remove it too,
    // also when the test failed, so no run leaves a cluster behind.
    if (clusterDir && !clusterDir.startsWith(parent)) fs.rmSync(clusterDir, { recursive: true, force: true });
  });

  it('reads the cluster folder from coloured and plain log lines alike', () => {
    const line = 'PostgreSQL 17.9 ready on 127.0.0.1:40123, cluster in /tmp/kc/cluster-0123456789abcdef';
    expect(clusterDirFromLog(`[postgres] ${line}\n`)).toBe('/tmp/kc/cluster-0123456789abcdef');
    expect(clusterDirFromLog(`\u001b[32m[postgres] ${line}\u001b[39m\n\u001b[33mnext\u001b[39m`)).toBe('/tmp/kc/cluster-0123456789abcdef');
    expect(clusterDirFromLog(`${JSON.stringify({ level: 'info', msg: `[postgres] ${line}` })}\n`)).toBe('/tmp/kc/cluster-0123456789abcdef');
    expect(() => clusterDirFromLog('no such line')).toThrow(/cluster in/);
  });

  it('starts with demo data and dev keys, serves the API, and leaves no process behind on SIGTERM', async () => {
    const dataDir = path.join(parent, '.data');
    const port = await freePort();
    const platform = await startPlatformProcess({ DATA_DIR: dataDir, PORT: String(port), API_KEYS: '', DATABASE_URL: '' });
    try {
      const out = platform.output();
      expect(out).toMatch(/demo data loaded/);
      clusterDir = clusterDirFromLog(out);
      // The captured folder is the running cluster: PostgreSQL's files and its pid file are there now.
      expect(fs.existsSync(path.join(clusterDir, 'PG_VERSION'))).toBe(true);
      expect(fs.existsSync(path.join(clusterDir, 'postmaster.pid'))).toBe(true);
      expect(postgresProcesses(clusterDir).length).toBeGreaterThan(0);
      expect(Object.keys(platform.keys).sort()).toEqual(['admin', 'analyst', 'auditor', 'ingest', 'sales']);

      // The printed ingest key works; a demo customer exists, so appending needs its current revision.
      const post = (customerId: string, body: unknown, key = platform.keys.ingest) =>
        fetch(`${platform.url}/v1/customers/${customerId}/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const created = await post('e2e-acme', {
        expectedRevision: 'no-stream',
        events: [{ type: 'ProspectRegistered', data: { name: 'Acme BV', size: 'medium' } }],
      });
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({ customerId: 'e2e-acme', firstRevision: 0, lastRevision: 0 });
      const demoCustomer = await post('c-00001', {
        expectedRevision: 'no-stream',
        events: [{ type: 'ProspectRegistered', data: { name: 'Again', size: 'small' } }],
      });
      expect(demoCustomer.status).toBe(409); // the demo customer's stream is there
      expect((await post('e2e-acme', { events: [] }, platform.keys.analyst)).status).toBe(403);

      // Locked down (issue 12): every secret in DATA_DIR is the owner's alone, the embedded PostgreSQL takes only
      // password logins, and the platform works as a role that is not a superuser.
      const secrets = fs.readdirSync(dataDir).filter((f) => fs.lstatSync(path.join(dataDir, f)).isFile());
      expect(secrets).toEqual(expect.arrayContaining(['dev-api-keys.json', 'postgres.password', 'postgres-app.password', 'postgres.url']));
      for (const file of secrets) expect({ file, mode: (fs.statSync(path.join(dataDir, file)).mode & 0o777).toString(8) }).toEqual({ file, mode: '600' });
      const databaseUrl = fs.readFileSync(path.join(dataDir, 'postgres.url'), 'utf8').trim();
      const pg = new Client({ connectionString: databaseUrl });
      await pg.connect();
      try {
        const { rows } = await pg.query('SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user');
        expect(rows).toEqual([{ rolsuper: false, rolcreaterole: false, rolcreatedb: false }]);
      } finally {
        await pg.end();
      }
      const withoutPassword = new URL(databaseUrl);
      withoutPassword.password = '';
      const anonymous = new Client({ connectionString: withoutPassword.toString() });
      await expect(anonymous.connect()).rejects.toThrow(/password/);
      // /metrics needs an admin key.
      expect((await fetch(`${platform.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${platform.url}/metrics`, { headers: { authorization: `Bearer ${platform.keys.analyst}` } })).status).toBe(403);
      expect((await fetch(`${platform.url}/metrics`, { headers: { authorization: `Bearer ${platform.keys.admin}` } })).status).toBe(200);

      const openapi = (await (await fetch(`${platform.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/v1/customers/{customerId}/events', '/v1/events']));
    } finally {
      expect(await platform.stop('SIGTERM')).toBe(0);
    }
    expect(fs.existsSync(path.join(clusterDir, 'postmaster.pid'))).toBe(false);
    expect(postgresProcesses(clusterDir)).toEqual([]);

    // A second start reuses the data and keys and does not load demo data again.
    const again = await startPlatformProcess({ DATA_DIR: dataDir, PORT: String(port), API_KEYS: '', DATABASE_URL: '' });
    try {
      expect(again.output()).not.toMatch(/loading demo data/);
      expect(again.keys.ingest).toBeDefined();
    } finally {
      expect(await again.stop('SIGINT')).toBe(0);
    }
    expect(fs.existsSync(path.join(clusterDir, 'postmaster.pid'))).toBe(false);
    expect(postgresProcesses(clusterDir)).toEqual([]);
  }, 300_000); // two cold starts (migrations, demo data, the console bundle) on a possibly busy machine
});
