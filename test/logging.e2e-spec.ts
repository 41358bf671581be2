/**
 * Logs (contract v1.2 "Logs"): `npm start` with LOG_FORMAT=json writes one JSON object per line on stdout, a request
 * line per request with `time`, `level`, `msg`, `requestId`, `keyName`, `method`, `path`, `status`, `ms`; every
 * response has `X-Request-Id` (the client's when valid). Whatever the traffic — personal data in bodies and answers,
 * bad input, a wrong key — no API key, personal value or body reaches the log.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '@klantcentraal/postgres';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { startPlatformProcess, type PlatformProcess } from './support/platform-process';

const KEYS = {
  'ingest-logging-secret-key-0123456789': { name: 'crm-sync', roles: ['ingest'] },
  'analyst-logging-secret-key-0123456789': { name: 'analyst-desk', roles: ['analyst'] },
  'auditor-logging-secret-key-0123456789': { name: 'audit-team', roles: ['auditor'] },
};
const key = (role: string) => `${role}-logging-secret-key-0123456789`;

/** The test data's personal values (contract v1.1 "Personal data" fields): none may appear in the log. */
const PERSONAL = {
  customerName: 'Vandenbroucke Logistiek BV',
  contactName: 'Annelies Vandenbroucke',
  email: 'annelies.vdb@logistiek.example',
  improvement: 'Bel me terug op 0612345678 over de factuur',
  subject: 'Persoonlijke afspraak Annelies',
};

describe('structured JSON logs', () => {
  let db: TestDatabase;
  let platform: PlatformProcess;
  let dataDir: string;

  beforeAll(async () => {
    db = await createTestDatabase('kc_logging');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-logging-'));
    platform = await startPlatformProcess({
      PORT: String(await freePort()),
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      DEMO_DATA: '0',
      API_KEYS: JSON.stringify(KEYS),
      LOG_FORMAT: 'json',
    });
  });

  afterAll(async () => {
    expect(await platform?.stop('SIGTERM')).toBe(0);
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (method: string, url: string, role: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${platform.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${key(role)}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('logs requests as JSON lines with the contract fields and never a key, a personal value or a body', async () => {
    const appended = await call(
      'POST',
      '/v1/customers/log-1/events',
      'ingest',
      {
        events: [
          { type: 'ProspectRegistered', data: { name: PERSONAL.customerName, size: 'medium' } },
          { type: 'ContactAdded', data: { contactId: 'p-1', name: PERSONAL.contactName, email: PERSONAL.email, dmuRole: 'buyer' } },
          { type: 'NpsResponded', data: { surveyId: 's-1', contactId: 'p-1', score: 4, improvement: PERSONAL.improvement } },
          { type: 'PromiseMade', data: { promiseId: 'pr-1', subject: PERSONAL.subject, expectedBy: '2026-04-01T00:00:00Z' } },
        ],
      },
      { 'x-request-id': 'client-chosen-id-42' },
    );
    expect(appended.status).toBe(201);
    expect(appended.headers.get('x-request-id')).toBe('client-chosen-id-42');
    const { lastPosition } = (await appended.json()) as { lastPosition: number };

    // Answers that carry personal data, bad input that carries it, wrong keys, an invalid request id.
    const profile = await call('GET', '/v1/customers/log-1', 'analyst', undefined, { 'x-min-position': String(lastPosition) });
    expect(profile.status).toBe(200);
    expect(JSON.stringify(await profile.json())).toContain(PERSONAL.customerName);
    expect((await call('GET', '/v1/audit/customers/log-1/events', 'auditor')).status).toBe(200);
    const invalid = await call('POST', '/v1/customers/log-2/events', 'ingest', {
      events: [{ type: 'ContactAdded', data: { contactId: 'p-2', name: PERSONAL.contactName, email: `not-an-email ${PERSONAL.email}`, dmuRole: 'buyer' } }],
    });
    expect(invalid.status).toBe(400);
    const broken = await call('POST', '/v1/customers/log-2/events', 'ingest', `{"events":[{"data":{"name":"${PERSONAL.contactName}"`);
    expect(broken.status).toBe(400);
    const wrongRole = await call('GET', '/v1/customers/log-1', 'ingest', undefined, { 'x-request-id': 'bad id with spaces' });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const unknownKey = await fetch(`${platform.url}/v1/customers/log-1?email=${encodeURIComponent(PERSONAL.email)}`, {
      headers: { authorization: 'Bearer unknown-logging-secret-key-000000' },
    });
    expect(unknownKey.status).toBe(401);
    expect(unknownKey.headers.get('x-request-id')).toBeTruthy();

    // The request lines are written when each response finishes: wait for the last one.
    await waitFor(() => platform.stdout().includes('"status":401'));
    const lines = platform.stdout().split('\n').filter((l) => l.trim() !== '');
    const records = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`a stdout line is not JSON: ${line.slice(0, 200)}`);
      }
    });
    for (const record of records) {
      expect(typeof record.time).toBe('string');
      expect(Number.isNaN(Date.parse(record.time as string))).toBe(false);
      expect(['debug', 'info', 'warn', 'error', 'fatal']).toContain(record.level);
      expect(typeof record.msg).toBe('string');
    }
    const requests = records.filter((r) => r.path !== undefined && r.status !== undefined);
    expect(requests.find((r) => r.requestId === 'client-chosen-id-42')).toEqual({
      time: expect.any(String),
      level: 'info',
      msg: 'request completed',
      requestId: 'client-chosen-id-42',
      keyName: 'crm-sync',
      method: 'POST',
      path: '/v1/customers/log-1/events',
      status: 201,
      ms: expect.any(Number),
    });
    expect(requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.keyName}`)).toEqual(
      expect.arrayContaining([
        'GET /v1/customers/log-1 200 analyst-desk',
        'GET /v1/audit/customers/log-1/events 200 audit-team',
        'POST /v1/customers/log-2/events 400 crm-sync',
        'GET /v1/customers/log-1 401 null',
      ]),
    );

    const log = platform.stdout();
    for (const secret of Object.keys(KEYS)) expect(log).not.toContain(secret);
    expect(log).not.toContain('unknown-logging-secret-key');
    for (const value of Object.values(PERSONAL)) {
      expect(log).not.toContain(value);
      expect(log).not.toContain(encodeURIComponent(value));
    }
    expect(log).not.toMatch(/Annelies|Vandenbroucke|0612345678/i);
  });
});

async function waitFor(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('the expected log line did not appear');
    await new Promise((r) => setTimeout(r, 50));
  }
}
