/**
 * `npm start` supervises its embedded PostgreSQL (contract v1.2 "Operations"): kill -9 of the server → the platform
 * restarts it (crash recovery) and serves again within 30 s, with everything acknowledged before still there; when
 * the server cannot be brought back, the platform exits non-zero naming PostgreSQL and the data directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { freePort } from '@klantcentraal/postgres';
import { startPlatformProcess, type PlatformProcess } from './support/platform-process';

const INGEST = 'ingest-supervision-key-0123456789';
const ANALYST = 'analyst-supervision-key-0123456789';

/** The cluster folder the platform logged at start (text or JSON log lines). */
function clusterDir(output: string): string {
  for (const line of stripVTControlCharacters(output).split('\n')) {
    let text = line;
    try {
      text = String((JSON.parse(line) as { msg?: unknown }).msg ?? line);
    } catch {
      // a text line
    }
    const match = /, cluster in (\/\S+)$/.exec(text);
    if (match) return match[1];
  }
  throw new Error(`no "cluster in <dir>" line in the start-up log:\n${output}`);
}

const postmasterPid = (cluster: string) => Number(fs.readFileSync(path.join(cluster, 'postmaster.pid'), 'utf8').split('\n')[0]);

async function until<T>(probe: () => Promise<T | undefined>, deadline: number, what: string): Promise<T> {
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within the time allowed`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('npm start: the embedded PostgreSQL is supervised', () => {
  let parent: string;
  let dataDir: string;
  let platform: PlatformProcess;

  beforeAll(async () => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-supervision-'));
    fs.chmodSync(parent, 0o755);
    dataDir = path.join(parent, 'data');
    platform = await startPlatformProcess({
      PORT: String(await freePort()),
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      DEMO_DATA: '0',
      LOG_FORMAT: 'json',
      API_KEYS: JSON.stringify({ [INGEST]: ['ingest'], [ANALYST]: ['analyst'] }),
    });
  });

  afterAll(async () => {
    await platform?.stop('SIGKILL');
    const cluster = (() => {
      try {
        return clusterDir(platform.output());
      } catch {
        return null;
      }
    })();
    // The give-up test leaves the server stopped; a SIGKILLed platform could leave one running: stop it.
    if (cluster && fs.existsSync(path.join(cluster, 'postmaster.pid'))) {
      try {
        process.kill(postmasterPid(cluster), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    fs.rmSync(parent, { recursive: true, force: true });
    if (cluster && !cluster.startsWith(parent)) fs.rmSync(cluster, { recursive: true, force: true });
  });

  const append = (customerId: string, body: unknown) =>
    fetch(`${platform.url}/v1/customers/${customerId}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('restarts PostgreSQL after kill -9 and serves again within 30 s, losing nothing acknowledged', async () => {
    const stored = await append('sup-1', { events: [{ type: 'ProspectRegistered', data: { name: 'Supervised BV', size: 'small' } }] });
    expect(stored.status).toBe(201);
    const cluster = clusterDir(platform.output());
    const before = postmasterPid(cluster);

    process.kill(before, 'SIGKILL');
    const killedAt = Date.now();
    const deadline = killedAt + 30_000;
    const position = await until(
      async () => {
        const r = await append('sup-1', { events: [{ type: 'NpsResponded', data: { surveyId: 'after-restart', score: 9 } }] });
        return r.status === 201 ? ((await r.json()) as { lastPosition: number }).lastPosition : undefined;
      },
      deadline,
      'an append answered 201 after the kill',
    );
    await until(async () => ((await fetch(`${platform.url}/health/ready`)).ok ? true : undefined), deadline, 'readiness 200');
    const profile = await fetch(`${platform.url}/v1/customers/sup-1`, { headers: { authorization: `Bearer ${ANALYST}`, 'x-min-position': String(position) } });
    expect(profile.status).toBe(200);
    expect(await profile.json()).toMatchObject({ customerId: 'sup-1', nps: { lastScore: 9 } });
    expect(postmasterPid(cluster)).not.toBe(before);
    expect(stripVTControlCharacters(platform.output())).toMatch(/exited unexpectedly.*restarting it/);
    expect(platform.child.exitCode).toBeNull();
  });

  it('exits non-zero naming PostgreSQL and the data directory when PostgreSQL cannot be restarted', async () => {
    const cluster = clusterDir(platform.output());
    // Damage the cluster so that no restart can succeed (its control file is gone), then kill the server.
    fs.renameSync(path.join(cluster, 'global', 'pg_control'), path.join(cluster, 'global', 'pg_control.moved'));
    process.kill(postmasterPid(cluster), 'SIGKILL');
    const code = await new Promise<number | null>((resolve) => {
      if (platform.child.exitCode !== null) return resolve(platform.child.exitCode);
      platform.child.once('exit', (c) => resolve(c));
    });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const output = stripVTControlCharacters(platform.output());
    expect(output).toMatch(/PostgreSQL could not be kept running: 3 failed restarts/);
    expect(output).toContain(`data directory ${path.resolve(dataDir)}`);
  });
});
