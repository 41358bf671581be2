/**
 * What an on-call engineer scrapes and alerts on (contract v1.2 "Metrics", "infra/observability"): `/metrics` is for
 * admins, holds the contract's metric names from one registry that `promtool check metrics` accepts, labels requests by
 * route pattern; the alert rules and the scrape config pass promtool, the Grafana dashboard matches its schema, and
 * every metric the rules and the dashboard query is one the platform really exports.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { loadConfig } from '@klantcentraal/config';
import { startPlatform, type RunningPlatform } from '@klantcentraal/platform';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';

const ROOT = path.resolve(__dirname, '..');
const OBSERVABILITY = path.join(ROOT, 'infra', 'observability');
const KEYS = {
  'admin-metrics-key-0123456789': { name: 'ops', roles: ['admin'] },
  'ingest-metrics-key-0123456789': { name: 'crm-sync', roles: ['ingest'] },
  'analyst-metrics-key-0123456789': { name: 'analyst', roles: ['analyst'] },
};
const bearer = (role: string) => ({ authorization: `Bearer ${role}-metrics-key-0123456789` });

/** promtool is installed by .ci/run; elsewhere its absence is reported, and a CI run without it fails. */
function promtool(): string | null {
  const found = spawnSync('promtool', ['--version']).status === 0 ? 'promtool' : null;
  if (!found && process.env.CI === 'true') throw new Error('promtool is missing (apt-get install prometheus)');
  if (!found) console.warn('[observability] promtool not on PATH: the promtool checks of this suite are not run');
  return found;
}

describe('metrics and infra/observability', () => {
  let db: TestDatabase;
  let platform: RunningPlatform;
  let exposition: string;
  let dataDir: string | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('kc_observability');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-observability-'));
    platform = await startPlatform(
      loadConfig({ PORT: '0', DATA_DIR: dataDir, DATABASE_URL: db.url, DEMO_DATA: '0', API_KEYS: JSON.stringify(KEYS) }),
      { quiet: true },
    );
    // Traffic to count: an append, a read, a miss.
    const appended = await fetch(`${platform.url}/v1/customers/metrics-1/events`, {
      method: 'POST',
      headers: { ...bearer('ingest'), 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ type: 'ProspectRegistered', data: { name: 'Metrics BV', size: 'small' } }] }),
    });
    expect(appended.status).toBe(201);
    const { lastPosition } = (await appended.json()) as { lastPosition: number };
    const read = await fetch(`${platform.url}/v1/customers/metrics-1`, { headers: { ...bearer('analyst'), 'x-min-position': String(lastPosition) } });
    expect(read.status).toBe(200);
    expect((await fetch(`${platform.url}/v1/customers/metrics-404`, { headers: bearer('analyst') })).status).toBe(404);

    const scraped = await fetch(`${platform.url}/metrics`, { headers: bearer('admin') });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    exposition = await scraped.text();
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is for admins only', async () => {
    expect((await fetch(`${platform.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${platform.url}/metrics`, { headers: bearer('analyst') })).status).toBe(403);
  });

  it("has the contract's metrics, requests labelled by route pattern", () => {
    expect(exposition).toMatch(/^http_requests_total\{method="POST",route="\/v1\/customers\/:customerId\/events",status="201"\} 1$/m);
    expect(exposition).toMatch(/^http_requests_total\{method="GET",route="\/v1\/customers\/:customerId",status="404"\} 1$/m);
    expect(exposition).toMatch(/^http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/v1\/customers\/:customerId",status="200"\} 1$/m);
    expect(exposition).toMatch(/^klantcentraal_projection_lag_events\{projection="customer-profile"\} 0$/m);
    expect(exposition).toMatch(/^klantcentraal_outbox_backlog \d+$/m);
    expect(exposition).toMatch(/^klantcentraal_db_pool_waiting \d+$/m);
    expect(exposition).toMatch(/^klantcentraal_database_up 1$/m);
    expect(exposition).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(exposition).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    // Ids never become label values (that would grow the series without bound).
    expect(exposition).not.toContain('metrics-1');
    expect(exposition).not.toContain('metrics-404');
  });

  it('announces every metric once (HELP and TYPE), so Prometheus accepts the exposition', () => {
    const helps = [...exposition.matchAll(/^# HELP (\S+)/gm)].map((m) => m[1]);
    const types = [...exposition.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
    expect(helps.length).toBeGreaterThan(10);
    expect(new Set(helps).size).toBe(helps.length);
    expect(new Set(types).size).toBe(types.length);
    const tool = promtool();
    if (tool) {
      const result = spawnSync(tool, ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
      expect(`${result.status} ${result.stdout}${result.stderr}`.trim()).toBe('0');
    }
  });

  it('ships alert rules and a scrape config that promtool accepts', () => {
    const tool = promtool();
    if (!tool) return;
    const rules = spawnSync(tool, ['check', 'rules', path.join(OBSERVABILITY, 'alerts.yml')], { encoding: 'utf8' });
    expect(`${rules.status} ${rules.stdout}${rules.stderr}`).toMatch(/^0 .*SUCCESS: 4 rules found/s);
    // The config names its rules and the token file relative to itself: check it next to stand-ins.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-prometheus-'));
    try {
      for (const file of ['prometheus.yml', 'alerts.yml']) fs.copyFileSync(path.join(OBSERVABILITY, file), path.join(dir, file));
      fs.writeFileSync(path.join(dir, 'metrics-token'), 'admin-metrics-key-0123456789\n');
      execFileSync(tool, ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ships a Grafana dashboard that matches its schema', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(OBSERVABILITY, 'grafana-dashboard.schema.json'), 'utf8'));
    const dashboard = JSON.parse(fs.readFileSync(path.join(OBSERVABILITY, 'grafana-dashboard.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true }).compile(schema);
    expect(validate(dashboard) ? [] : validate.errors).toEqual([]);
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('alerts and charts only on metrics the platform exports', () => {
    const dashboard = JSON.parse(fs.readFileSync(path.join(OBSERVABILITY, 'grafana-dashboard.json'), 'utf8')) as {
      panels: { targets: { expr: string }[] }[];
    };
    const queries = [
      fs.readFileSync(path.join(OBSERVABILITY, 'alerts.yml'), 'utf8').split('\n').filter((l) => /expr:|^\s{12,}\S/.test(l)).join('\n'),
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ].join('\n');
    const used = new Set([...queries.matchAll(/\b((?:http|klantcentraal|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]));
    expect([...used]).toEqual(expect.arrayContaining(['klantcentraal_database_up', 'klantcentraal_projection_lag_events', 'klantcentraal_outbox_backlog', 'http_requests_total']));
    const exported = new Set([...exposition.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)].map((m) => m[1]));
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });
});
