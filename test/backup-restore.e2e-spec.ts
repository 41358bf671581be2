/**
 * Backup and restore (contract v1.2 "Backup and restore"): back up a running platform, erase a contact afterwards,
 * restore the backup with the current erasure ledger into an empty database: every chain valid, every profile equal
 * to the original's, the erased contact erased in every read and nowhere in the database's contents. A restore into a
 * non-empty database is refused with a clear error.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '@klantcentraal/config';
import { startPlatform, type RunningPlatform } from '@klantcentraal/platform';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';

const ROOT = path.resolve(__dirname, '..');
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
const KEYS = {
  'ingest-backup-key-0123456789': { name: 'crm-sync', roles: ['ingest'] },
  'analyst-backup-key-0123456789': { name: 'analyst', roles: ['sales'] },
  'auditor-backup-key-0123456789': { name: 'auditor', roles: ['auditor'] },
  'admin-backup-key-0123456789': { name: 'ops', roles: ['admin'] },
};
const auth = (role: string) => ({ authorization: `Bearer ${role}-backup-key-0123456789` });
const ERASED = { name: 'Griet Terugzetter', email: 'griet.terugzetter@backup.example' };
const KEPT = 'Blijvende Klant BV';

/** Runs one of the package scripts the way `npm run <script> -- …` does; resolves with its exit code and stderr. */
function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const entry: Record<string, string[]> = {
    backup: ['apps/platform/src/backup/cli.ts', 'backup'],
    restore: ['apps/platform/src/backup/cli.ts', 'restore'],
    privacy: ['apps/privacy-api/src/cli.ts'],
  };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', './infra/scripts/register.js', ...entry[script], ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

async function startOn(db: TestDatabase, dataDir: string): Promise<RunningPlatform> {
  return startPlatform(
    loadConfig({ PORT: '0', DATA_DIR: dataDir, DATABASE_URL: db.url, DEMO_DATA: '0', MASTER_KEY, API_KEYS: JSON.stringify(KEYS) }),
    { quiet: true },
  );
}

/** Every row of every table of the platform's schemas as text: what a pg_dump of the data would contain. */
async function contents(db: TestDatabase): Promise<string> {
  const { rows: tables } = await db.pool.query<{ name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await db.pool.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`);
    parts.push(`-- ${name}\n${rows.map((r) => r.row).join('\n')}`);
  }
  return parts.join('\n');
}

describe('npm run backup / npm run restore', () => {
  let original: TestDatabase;
  let target: TestDatabase;
  let work: string;
  const platforms: RunningPlatform[] = [];

  beforeAll(async () => {
    original = await createTestDatabase('kc_backup_a');
    target = await createTestDatabase('kc_backup_b');
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-backup-'));
  });

  afterAll(async () => {
    for (const p of platforms) await p.stop();
    await original?.drop();
    await target?.drop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('restores a backup with the current ledger: chains valid, profiles equal, the erased contact erased everywhere', async () => {
    const a = await startOn(original, path.join(work, 'a'));
    platforms.push(a);
    const post = async (customerId: string, events: unknown[]) => {
      const r = await fetch(`${a.url}/v1/customers/${customerId}/events`, {
        method: 'POST',
        headers: { ...auth('ingest'), 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      });
      expect(r.status).toBe(201);
      return ((await r.json()) as { lastPosition: number }).lastPosition;
    };
    await post('bk-1', [
      { type: 'ProspectRegistered', occurredAt: '2026-02-01T09:00:00Z', data: { name: 'Terugzet BV', size: 'medium' } },
      { type: 'ContactAdded', occurredAt: '2026-02-01T10:00:00Z', data: { contactId: 'p-1', name: ERASED.name, email: ERASED.email, dmuRole: 'buyer' } },
      { type: 'ContactAdded', occurredAt: '2026-02-01T11:00:00Z', data: { contactId: 'p-2', name: 'Kees Blijft', dmuRole: 'user' } },
      { type: 'NpsResponded', occurredAt: '2026-02-03T09:00:00Z', data: { surveyId: 's-1', contactId: 'p-1', score: 9 } },
    ]);
    const head = await post('bk-2', [
      { type: 'ProspectRegistered', occurredAt: '2026-02-02T09:00:00Z', data: { name: KEPT, size: 'small' } },
      {
        type: 'PurchaseMade',
        occurredAt: '2026-02-05T09:00:00Z',
        data: { orderId: 'o-1', lines: [{ sku: 'PAP-A4', category: 'paper', quantity: 2, unitPrice: 10 }], total: 20, currency: 'EUR' },
      },
    ]);
    const profile = async (url: string, id: string, minPosition: number) => {
      const r = await fetch(`${url}/v1/customers/${id}`, { headers: { ...auth('analyst'), 'x-min-position': String(minPosition) } });
      expect(r.status).toBe(200);
      const { asOf: _asOf, ...rest } = (await r.json()) as Record<string, unknown>;
      return rest;
    };
    const before = { 'bk-1': await profile(a.url, 'bk-1', head), 'bk-2': await profile(a.url, 'bk-2', head) };

    // Backup of the running platform; then an erasure the backup does not know about.
    const file = path.join(work, 'platform.backup');
    const backup = await run('backup', ['--out', file], { DATABASE_URL: original.url });
    expect(backup).toMatchObject({ code: 0 });
    expect(backup.stderr).toMatch(/backup: event_store\.events 6 rows/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const erased = await fetch(`${a.url}/v1/privacy/erasures`, {
      method: 'POST',
      headers: { ...auth('admin'), 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'bk-1', contactId: 'p-1', basis: 'data-subject-request' }),
    });
    expect(erased.status).toBe(201);
    const ledgerFile = path.join(work, 'erasures.jsonl');
    const ledger = await run('privacy', ['ledger', '--out', ledgerFile], { DATABASE_URL: original.url });
    expect(ledger).toMatchObject({ code: 0 });
    expect(fs.readFileSync(ledgerFile, 'utf8')).not.toContain(ERASED.name);

    // Restore into an empty database, with the current ledger.
    const env = { DATABASE_URL: target.url, MASTER_KEY, DATA_DIR: path.join(work, 'b') };
    const restored = await run('restore', ['--from', file, '--erasures', ledgerFile], env);
    expect(restored.stderr).toMatch(/erasure ledger applied \(1 erasures, 1 newer than the backup, [1-9]\d* data keys destroyed\)/);
    expect(restored.stderr).toMatch(/every hash chain is valid \(2 streams, 6 events\)/);
    expect(restored.code).toBe(0);

    // A second restore finds the database in use and changes nothing.
    const again = await run('restore', ['--from', file], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/restore refused: the target database is not empty \(event_store\.events holds 6 rows\)/);

    const b = await startOn(target, path.join(work, 'b'));
    platforms.push(b);
    for (const id of ['bk-1', 'bk-2']) {
      const verify = await fetch(`${b.url}/v1/audit/customers/${id}/verify`, { headers: auth('auditor') });
      expect(await verify.json()).toMatchObject({ valid: true });
    }
    expect(await profile(b.url, 'bk-2', head)).toEqual(before['bk-2']);
    const restoredProfile = await profile(b.url, 'bk-1', head);
    const { contacts: contactsBefore, ...restBefore } = before['bk-1'] as { contacts: { contactId: string }[] };
    const { contacts, ...rest } = restoredProfile as { contacts: { contactId: string; name: string | null; email?: string | null }[] };
    expect(rest).toEqual(restBefore);
    expect(contacts.map((c) => c.contactId)).toEqual(contactsBefore.map((c) => c.contactId));
    expect(contacts.find((c) => c.contactId === 'p-1')).toMatchObject({ name: null });
    expect(contacts.find((c) => c.contactId === 'p-2')).toMatchObject({ name: 'Kees Blijft' });

    // Erased in every read …
    const reads = await Promise.all(
      [
        ['/v1/customers/bk-1', 'analyst'],
        ['/v1/customers/bk-1/touchpoints', 'analyst'],
        ['/v1/customers?limit=50', 'analyst'],
        ['/v1/audit/customers/bk-1/events', 'auditor'],
        [`/v1/audit/customers/bk-1/state?asOf=${new Date(Date.now() + 60_000).toISOString()}&basis=recorded`, 'auditor'],
      ].map(async ([url, role]) => {
        const r = await fetch(`${b.url}${url}`, { headers: auth(role) });
        return `${r.status} ${await r.text()}`;
      }),
    );
    for (const read of reads) {
      expect(read).toMatch(/^200 /);
      expect(read).not.toContain(ERASED.name);
      expect(read).not.toContain(ERASED.email);
    }
    // … and in the database's contents, which do hold the data that was not erased.
    const dump = await contents(target);
    expect(dump).toContain(KEPT);
    expect(dump).not.toContain(ERASED.name);
    expect(dump).not.toContain(ERASED.email);
  });
});
