/**
 * The whole platform in-process on a fresh test database, for the fuzz suites: one key per role, a generous rate
 * limit (the fuzz sends thousands of requests), a few customers to read, and a raw HTTP client that sends exactly
 * the path and headers it is given.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import { loadConfig } from '@klantcentraal/config';
import { startPlatform, type RunningPlatform } from '@klantcentraal/platform';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';

export const FUZZ_KEYS = {
  ingest: 'fuzz-ingest-key-0123456789abcdef',
  admin: 'fuzz-admin-key-0123456789abcdef',
} as const;

export type FuzzPlatform = {
  platform: RunningPlatform;
  db: TestDatabase;
  port: number;
  /** The committed head of the global log: unchanged after a rejected request. */
  headPosition(): Promise<number>;
  /** Events stored in total (a rejected request adds none). */
  eventCount(): Promise<number>;
  stop(): Promise<void>;
};

export async function startFuzzPlatform(): Promise<FuzzPlatform> {
  const db = await createTestDatabase('kc_fuzz');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-fuzz-'));
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    DEMO_DATA: '0',
    DATA_DIR: dataDir,
    API_KEYS: JSON.stringify({ [FUZZ_KEYS.ingest]: { name: 'fuzz-ingest', roles: ['ingest'] }, [FUZZ_KEYS.admin]: { name: 'fuzz-admin', roles: ['admin'] } }),
    RATE_LIMIT_PER_MINUTE: '1000000',
  });
  const platform = await startPlatform(config, { quiet: true });
  const port = Number(new URL(platform.url).port);
  const pool = new Pool({ connectionString: db.url, max: 2 });
  return {
    platform,
    db,
    port,
    headPosition: async () => Number((await pool.query('SELECT value FROM event_store.global_position')).rows[0]?.value ?? 0),
    eventCount: async () => Number((await pool.query('SELECT count(*) AS n FROM event_store.events')).rows[0].n),
    async stop() {
      await pool.end();
      await platform.stop();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** Sends `path` as is (already percent-encoded); for a text/event-stream answer only the head is read. */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const CODE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Null when the response is a 2xx, or a 4xx with the contract's error body; otherwise what is wrong. */
export function contractViolation(res: RawResponse): string | null {
  if (res.status >= 200 && res.status < 300) return null;
  if (res.status < 400 || res.status >= 500) return `status ${res.status}: ${res.body.slice(0, 300)}`;
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return `status ${res.status} without a JSON body: ${res.body.slice(0, 200)}`;
  }
  const b = body as { error?: unknown; message?: unknown; details?: unknown };
  if (typeof b.error !== 'string' || !CODE.test(b.error)) return `status ${res.status}: no error code in ${res.body.slice(0, 200)}`;
  if (typeof b.message !== 'string' || b.message === '') return `status ${res.status}: no message in ${res.body.slice(0, 200)}`;
  if (b.details !== undefined && !Array.isArray(b.details)) return `status ${res.status}: details is not an array`;
  return null;
}

/** Valid events of every kind the read side aggregates, for `customerId`. */
export function sampleEvents(customerId: string, accountManager: string): unknown[] {
  const at = (day: number) => new Date(Date.UTC(2026, 0, day, 10)).toISOString();
  return [
    { type: 'ProspectRegistered', occurredAt: at(1), data: { name: `Fuzz ${customerId} BV`, size: 'medium', industry: 'food' } },
    { type: 'AccountManagerAssigned', occurredAt: at(2), data: { employeeId: accountManager, salesRole: 'account-manager' } },
    { type: 'ContactAdded', occurredAt: at(2), data: { contactId: 'ct-1', name: 'Anna de Vries', email: 'anna@example.com', dmuRole: 'buyer' } },
    { type: 'OpportunityStageChanged', occurredAt: at(3), data: { opportunityId: 'op-1', stage: 'qualified', value: 1000 } },
    { type: 'QuoteRequested', occurredAt: at(3), data: { quoteId: 'q-1', expectedWithinDays: 5 } },
    { type: 'QuoteSent', occurredAt: at(4), data: { quoteId: 'q-1', amount: 1200, currency: 'EUR' } },
    {
      type: 'PurchaseMade',
      occurredAt: at(5),
      data: { orderId: 'o-1', lines: [{ sku: 'SKU-1', category: 'flour', quantity: 2, unitPrice: 10 }, { sku: 'SKU-2', quantity: 1, unitPrice: 5 }], total: 25, currency: 'EUR' },
    },
    { type: 'NpsResponded', occurredAt: at(6), data: { surveyId: 's-1', contactId: 'ct-1', score: 4, improvement: 'faster delivery' } },
    { type: 'ComplaintFiled', occurredAt: at(7), data: { complaintId: 'cp-1', category: 'late-delivery' } },
  ];
}

export async function seedCustomers(port: number, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    const id = `c-fuzz-${i}`;
    const res = await rawRequest(
      port,
      'POST',
      `/v1/customers/${id}/events`,
      { authorization: `Bearer ${FUZZ_KEYS.ingest}`, 'content-type': 'application/json' },
      JSON.stringify({ events: sampleEvents(id, `u-${i}`) }),
    );
    if (res.status !== 201) throw new Error(`seeding ${id}: ${res.status} ${res.body}`);
    ids.push(id);
  }
  return ids;
}
