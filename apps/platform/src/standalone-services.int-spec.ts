/**
 * Every service run on its own (`npm run start:<service>`), all five started at the same moment against one empty
 * database (their migrations must not collide): each answers /health/ready, and together they do what `npm start`
 * does — an event recorded at the ingest API is projected by the projector, read back from the query API (profile and
 * warehouse, waiting with X-Min-Position), replayed by the audit API; the feed serves. SIGTERM stops each with exit 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTestDatabase, freePorts, type TestDatabase } from '@klantcentraal/testing';

const ROOT = path.resolve(__dirname, '../../..');
const KEYS = {
  ingest: 'standalone-ingest-key-000000001',
  analyst: 'standalone-analyst-key-00000001',
  auditor: 'standalone-auditor-key-00000001',
  sales: 'standalone-sales-key-0000000001',
  admin: 'standalone-admin-key-0000000001',
};
const SERVICES = ['ingest', 'query', 'projector', 'feed', 'audit'] as const;
type Service = (typeof SERVICES)[number];

type Running = { service: Service; child: ChildProcess; port: number; output: string[]; exited: Promise<number | null> };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('each service runs alone', () => {
  let db: TestDatabase;
  const running: Running[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-standalone-'));

  beforeAll(async () => {
    db = await createTestDatabase('kc_standalone');
  });

  afterAll(async () => {
    for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('five services started at once migrate once, serve health, and work together', async () => {
    const env = {
      ...process.env,
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      MASTER_KEY: randomBytes(32).toString('base64'),
      API_KEYS: JSON.stringify(Object.fromEntries(Object.entries(KEYS).map(([role, key]) => [key, [role]]))),
    };
    for (const service of SERVICES) {
      const port = (await freePorts(1))[0];
      const child = spawn(process.execPath, ['-r', './infra/scripts/register.js', `apps/${appOf(service)}/src/main.ts`], {
        cwd: ROOT,
        env: { ...env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output: string[] = [];
      const collect = (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      running.push({ service, child, port, output, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) });
    }
    const url = (service: Service, p: string) => `http://127.0.0.1:${running.find((r) => r.service === service)!.port}${p}`;
    const dump = () => running.map((r) => `--- ${r.service}\n${r.output.slice(-30).join('\n')}`).join('\n');

    const deadline = Date.now() + 180_000;
    for (const r of running) {
      for (;;) {
        if (r.child.exitCode !== null) throw new Error(`${r.service} exited ${r.child.exitCode}\n${dump()}`);
        const ready = await fetch(url(r.service, '/health/ready')).then((res) => res.status, () => 0);
        if (ready === 200) break;
        if (Date.now() > deadline) throw new Error(`${r.service} not ready\n${dump()}`);
        await sleep(250);
      }
    }

    const auth = (role: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[role]}`, 'content-type': 'application/json' });
    const appended = await fetch(url('ingest', '/v1/customers/solo-1/events'), {
      method: 'POST',
      headers: auth('ingest'),
      body: JSON.stringify({
        expectedRevision: 'no-stream',
        events: [
          { type: 'ProspectRegistered', data: { name: 'Solo BV', size: 'small' }, occurredAt: '2026-03-01T09:00:00Z' },
          { type: 'MailOpened', data: { mailId: 'M-1' }, occurredAt: '2026-03-02T09:00:00Z' },
        ],
      }),
    });
    expect(appended.status).toBe(201);
    const { lastPosition } = (await appended.json()) as { lastPosition: number };

    const profile = await fetch(url('query', '/v1/customers/solo-1'), { headers: { ...auth('analyst'), 'x-min-position': String(lastPosition) } });
    expect(profile.status).toBe(200);
    expect(await profile.json()).toMatchObject({ customerId: 'solo-1' });
    const warehouse = await fetch(url('query', '/v1/warehouse/touchpoints'), { headers: { ...auth('analyst'), 'x-min-position': String(lastPosition) } });
    expect(warehouse.status).toBe(200);
    expect(await warehouse.json()).toEqual({ rows: [expect.objectContaining({ count: 2 })] }); // both touchpoints

    const history = await fetch(url('audit', '/v1/audit/customers/solo-1/events'), { headers: auth('auditor') });
    expect(history.status).toBe(200);
    expect(await history.text()).toContain('ProspectRegistered');

    const metrics = await fetch(url('projector', '/metrics'), { headers: auth('admin') });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^klantcentraal_projector_partitions_owned 16$/m);
    expect((await fetch(url('projector', '/metrics'))).status).toBe(401);

    const feed = await fetch(url('feed', '/health/ready'));
    expect(feed.status).toBe(200);

    // The migrations ran once although five services raced for them.
    const { rows } = await db.pool.query<{ name: string; n: number }>(`SELECT name, count(*)::int AS n FROM kc_migrations GROUP BY name HAVING count(*) > 1`);
    expect(rows).toEqual([]);

    for (const r of running) r.child.kill('SIGTERM');
    const codes = await Promise.all(running.map(async (r) => ({ service: r.service, code: await r.exited })));
    expect(codes).toEqual(SERVICES.map((service) => ({ service, code: 0 })));
  }, 300_000);
});

function appOf(service: Service): string {
  return { ingest: 'ingest-api', query: 'query-api', projector: 'projector', feed: 'feed-gateway', audit: 'audit-api' }[service];
}
