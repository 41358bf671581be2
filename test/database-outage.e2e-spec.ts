/**
 * A database outage on an external PostgreSQL (contract v1.2 "Operations"): a private cluster that this test starts,
 * crashes with kill -9 and brings back on the same port — never the machine's own server. While it is down every
 * endpoint that needs it answers 503 `database-unavailable` with `Retry-After` within 5 s, readiness names the failed
 * check, liveness stays 200. When it returns, ingest, reads, projections, the SSE feed (and, with KAFKA_BROKERS, the
 * outbox relay) resume without a restart; nothing acknowledged is lost and a retried request answers 200.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import { loadConfig } from '@klantcentraal/config';
import { startPlatform, type RunningPlatform } from '@klantcentraal/platform';
import { createPool, ensureDatabase, freePort, startEmbeddedPostgres, withDatabase, type RunningPostgres } from '@klantcentraal/postgres';
import { restartCrashedPostgres, readSse, type SseReader } from './support/outage-support';

const KEYS = {
  'ingest-outage-key-0123456789': { name: 'crm-sync', roles: ['ingest'] },
  'sales-outage-key-0123456789': { name: 'sales-desk', roles: ['sales'] },
  'analyst-outage-key-0123456789': { name: 'analyst', roles: ['analyst'] },
  'auditor-outage-key-0123456789': { name: 'auditor', roles: ['auditor'] },
};
const auth = (role: string) => ({ authorization: `Bearer ${role}-outage-key-0123456789` });
const kafkaBrokers = process.env.KAFKA_BROKERS;

// Fixed event ids make a resend an idempotent retry (contract: 200 with the original revisions).
const EVENT_IDS: Record<string, string> = {
  's-before': '6f1c7a52-0d3e-4c1e-9a57-0a0000000001',
  's-during': '6f1c7a52-0d3e-4c1e-9a57-0a0000000002',
  's-after': '6f1c7a52-0d3e-4c1e-9a57-0a0000000003',
};
const batch = (surveyId: string, score: number) => ({
  events: [{ eventId: EVENT_IDS[surveyId], type: 'NpsResponded', occurredAt: '2026-03-01T10:00:00Z', data: { surveyId, score } }],
});

describe('database outage (private external PostgreSQL, crashed with kill -9)', () => {
  let dataDir: string;
  let pg: RunningPostgres;
  let platform: RunningPlatform;
  let databaseUrl: string;
  let sse: SseReader | undefined;

  beforeAll(async () => {
    if (!kafkaBrokers) console.warn('[database-outage] KAFKA_BROKERS not set: the outbox relay part of this test is not exercised');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-outage-'));
    fs.chmodSync(dataDir, 0o755);
    pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: () => undefined });
    await ensureDatabase(pg.url, 'kc_outage');
    databaseUrl = withDatabase(pg.url, 'kc_outage');
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: path.join(dataDir, 'platform'),
      DATABASE_URL: databaseUrl,
      DEMO_DATA: '0',
      API_KEYS: JSON.stringify(KEYS),
      ...(kafkaBrokers ? { KAFKA_BROKERS: kafkaBrokers } : {}),
    });
    platform = await startPlatform(config, { quiet: true });
  });

  afterAll(async () => {
    sse?.close();
    await platform?.stop();
    await pg?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (customerId: string, body: unknown) =>
    fetch(`${platform.url}/v1/customers/${customerId}/events`, {
      method: 'POST',
      headers: { ...auth('ingest'), 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000), // the contract's bound for an answer during an outage
    });
  const get = (url: string, role: string, headers: Record<string, string> = {}) =>
    fetch(`${platform.url}${url}`, { headers: { ...auth(role), ...headers }, signal: AbortSignal.timeout(5000) });

  it('answers 503 database-unavailable while PostgreSQL is down and resumes everything when it returns', async () => {
    // Before: a customer and a detractor answer (an insight on the feed).
    const registered = { expectedRevision: 'no-stream', events: [{ type: 'ProspectRegistered', data: { name: 'Outage BV', size: 'small' } }] };
    expect((await post('outage-1', registered)).status).toBe(201);
    const acknowledgedResponse = await post('outage-1', batch('s-before', 3));
    expect(acknowledgedResponse.status).toBe(201);
    const acknowledged = (await acknowledgedResponse.json()) as { firstRevision: number; lastRevision: number };
    sse = await readSse(`${platform.url}/v1/feed?types=detractor-responded`, auth('sales'));
    await sse.waitFor((m) => m.includes('s-before'));

    // Crash: the postmaster dies without a chance to clean up.
    process.kill(pg.pid, 'SIGKILL');
    await pg.exited;

    const outage = async (response: Response) => {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
      expect(await response.json()).toMatchObject({ error: 'database-unavailable', message: expect.any(String) });
    };
    await outage(await post('outage-1', batch('s-during', 2)));
    await outage(await post('outage-1', batch('s-before', 3))); // even an identical retry cannot be answered now
    await outage(await get('/v1/customers/outage-1', 'analyst'));
    await outage(await get('/v1/customers?phase=prospect', 'analyst'));
    await outage(await get('/v1/insights/nps', 'analyst'));
    await outage(await get('/v1/audit/customers/outage-1/events', 'auditor'));
    await outage(await get('/v1/audit/customers/outage-1/verify', 'auditor'));
    await outage(await get('/v1/feed?types=detractor-responded', 'sales', { 'last-event-id': 'x' }));

    const ready = await fetch(`${platform.url}/health/ready`, { signal: AbortSignal.timeout(5000) });
    expect(ready.status).toBe(503);
    const readyBody = (await ready.json()) as { checks: Record<string, string>; message: string };
    expect(readyBody.checks.database).toBe('down');
    expect(readyBody.message).toContain('database');
    expect((await fetch(`${platform.url}/health/live`)).status).toBe(200);

    // The database returns (crash recovery on the same data and port); the platform is not restarted.
    pg = await restartCrashedPostgres(dataDir, pg.port);
    let lastReady = '';
    await waitUntil(async () => {
      const r = await fetch(`${platform.url}/health/ready`);
      lastReady = await r.text();
      return r.status === 200;
    }, () => `readiness back to 200 (last: ${lastReady})`);

    // The acknowledged events survived; a retry of an acknowledged request is a 200 no-op; a refused one now stores.
    const retry = await post('outage-1', batch('s-before', 3));
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ firstRevision: acknowledged.firstRevision, lastRevision: acknowledged.lastRevision });
    expect((await post('outage-1', batch('s-during', 2))).status).toBe(201);
    const stored = await post('outage-1', batch('s-after', 1));
    expect(stored.status).toBe(201);
    const { lastPosition } = (await stored.json()) as { lastPosition: number };

    // Projections resumed: the profile read with read-your-writes sees the last answer.
    const profile = await get('/v1/customers/outage-1', 'analyst', { 'x-min-position': String(lastPosition) });
    expect(profile.status).toBe(200);
    expect(await profile.json()).toMatchObject({ nps: { lastScore: 1, category: 'detractor' } });
    const history = (await (await get('/v1/audit/customers/outage-1/events', 'auditor')).json()) as { type: string }[] | { events: { type: string }[] };
    const events = Array.isArray(history) ? history : history.events;
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['ProspectRegistered', 'NpsResponded']));
    expect(await (await get('/v1/audit/customers/outage-1/verify', 'auditor')).json()).toMatchObject({ valid: true });

    // The SSE feed resumed: the insight of the answer made after the outage arrives (on the open stream, or on a
    // reconnect with Last-Event-ID as EventSource does).
    await sse.waitFor((m) => m.includes('s-after'), { reconnect: true });

    if (kafkaBrokers) {
      // The outbox relay resumed: every insight, also the one made after the outage, is published.
      const check: Pool = createPool(databaseUrl, { max: 1 });
      try {
        await waitUntil(async () => {
          const { rows } = await check.query('SELECT count(*)::int AS unsent FROM feed.insight_outbox WHERE sent_at IS NULL');
          return rows[0].unsent === 0;
        }, 'outbox relay published everything');
      } finally {
        await check.end();
      }
    }
  });
});

async function waitUntil(probe: () => Promise<boolean>, what: string | (() => string), timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${typeof what === 'string' ? what : what()}: not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
