/**
 * Personal data over HTTP, per role, against the all-in-one platform: a scoped sales key sees only its accounts,
 * analysts see no contact details, an admin erases a contact and a customer — after which no read of any kind shows
 * the values (profiles now and as-of, segments, audit events and state, export, warehouse versions), no table of the
 * database holds them, a rebuild of every projection comes out equal to the live read models, and verify stays
 * valid — and an auditor sees who read whose personal data.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAuditCli } from '@klantcentraal/audit-api';
import { runPrivacyCli } from '@klantcentraal/privacy-api';
import { loadConfig } from '@klantcentraal/config';
import { startPlatform, type RunningPlatform } from '@klantcentraal/platform';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';

const KEYS = {
  ingest: 'e2e-privacy-ingest-key-0123456789',
  analyst: 'e2e-privacy-analyst-key-0123456789',
  sales: 'e2e-privacy-sales-u1-key-0123456789',
  auditor: 'e2e-privacy-auditor-key-0123456789',
  admin: 'e2e-privacy-admin-key-0123456789ab',
};
const API_KEYS = JSON.stringify({
  [KEYS.ingest]: { name: 'crm', roles: ['ingest'] },
  [KEYS.analyst]: { name: 'bi', roles: ['analyst'] },
  [KEYS.sales]: { name: 'sales-u1', roles: ['sales'], accountManager: 'u-1' },
  [KEYS.auditor]: { name: 'audit', roles: ['auditor'] },
  [KEYS.admin]: { name: 'dpo', roles: ['admin'] },
});

const ACME = `acme-${randomUUID().slice(0, 8)}`;
const BETA = `beta-${randomUUID().slice(0, 8)}`;
const SECRETS = { acmeName: 'Acme Bouw Noord BV', anna: 'Anna Erasmus-Kwak', annaMail: 'anna.kwak@acme-noord.example', piet: 'Piet Blijft', betaName: 'Beta Zorggroep Zuid', improvement: 'Bel mij vaker terug a.u.b.' };

describe('privacy over HTTP (roles, erasure, access log)', () => {
  let db: TestDatabase;
  let platform: RunningPlatform;
  let dataDir: string;
  let last = 0;

  const call = async (method: string, url: string, key: string, body?: unknown) => {
    const response = await fetch(`${platform.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-min-position': String(last) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, text };
  };
  const ingest = async (customerId: string, events: unknown[]) => {
    const r = await call('POST', `/v1/customers/${customerId}/events`, KEYS.ingest, { events });
    expect(r.status).toBe(201);
    last = r.body.lastPosition;
  };

  beforeAll(async () => {
    db = await createTestDatabase('kc_e2e_privacy');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-privacy-'));
    platform = await startPlatform(
      loadConfig({ PORT: '0', DATA_DIR: dataDir, DATABASE_URL: db.url, DEMO_DATA: '0', API_KEYS }),
      { quiet: true },
    );
    await ingest(ACME, [
      { type: 'ProspectRegistered', occurredAt: '2026-01-05T09:00:00Z', data: { name: SECRETS.acmeName, size: 'medium' } },
      { type: 'AccountManagerAssigned', occurredAt: '2026-01-05T10:00:00Z', data: { employeeId: 'u-1', salesRole: 'account-manager' } },
      { type: 'ContactAdded', occurredAt: '2026-01-06T09:00:00Z', data: { contactId: 'c-1', name: SECRETS.anna, email: SECRETS.annaMail, dmuRole: 'buyer' } },
      { type: 'ContactAdded', occurredAt: '2026-01-06T09:30:00Z', data: { contactId: 'c-2', name: SECRETS.piet, dmuRole: 'user' } },
      { type: 'NpsResponded', occurredAt: '2026-02-01T09:00:00Z', data: { surveyId: 's-1', contactId: 'c-1', score: 3, improvement: SECRETS.improvement } },
    ]);
    await ingest(BETA, [
      { type: 'ProspectRegistered', occurredAt: '2026-01-07T09:00:00Z', data: { name: SECRETS.betaName, size: 'small' } },
      { type: 'AccountManagerAssigned', occurredAt: '2026-01-07T10:00:00Z', data: { employeeId: 'u-2', salesRole: 'account-manager' } },
      { type: 'PurchaseMade', occurredAt: '2026-01-20T09:00:00Z', data: { orderId: 'o-1', lines: [{ sku: 'A', quantity: 1, unitPrice: 10 }], total: 10, currency: 'EUR' } },
      { type: 'RelationshipEnded', occurredAt: '2026-03-20T09:00:00Z', data: { initiatedBy: 'customer', reason: 'Te duur voor Beta Zorggroep Zuid' } },
    ]);
  });
  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('scopes a sales key to its accounts and masks contacts for analysts', async () => {
    expect((await call('GET', `/v1/customers/${ACME}`, KEYS.sales)).body.contacts[0]).toMatchObject({ name: SECRETS.anna, email: SECRETS.annaMail });
    expect(await call('GET', `/v1/customers/${BETA}`, KEYS.sales)).toMatchObject({ status: 404, body: { error: 'not-found' } });
    const segment = await call('GET', '/v1/customers?limit=500', KEYS.sales);
    expect(segment.body.items.map((p: { customerId: string }) => p.customerId)).toEqual([ACME]);
    expect((await call('GET', '/v1/customers?accountManager=u-2', KEYS.sales)).body.items).toEqual([]);
    expect((await call('GET', '/v1/feed?accountManager=u-2', KEYS.sales)).status).toBe(404); // another manager's feed

    const analyst = await call('GET', `/v1/customers/${ACME}`, KEYS.analyst);
    expect(analyst.body.contacts).toEqual([
      { contactId: 'c-1', name: null, email: null, dmuRole: 'buyer' },
      { contactId: 'c-2', name: null, email: null, dmuRole: 'user' },
    ]);
    expect(analyst.body.name).toBe(SECRETS.acmeName);
    const analystSegment = await call('GET', '/v1/customers?limit=500', KEYS.analyst);
    expect(analystSegment.text).not.toContain(SECRETS.anna);
    expect((await call('GET', `/v1/customers/${BETA}`, KEYS.admin)).body.name).toBe(SECRETS.betaName);
  });

  it('erases a contact: 201, then 200 with the first answer; every read shows null; export lists nulls', async () => {
    const request = { customerId: ACME, contactId: 'c-1', basis: 'data-subject-request' };
    expect((await call('POST', '/v1/privacy/erasures', KEYS.sales, request)).status).toBe(403);
    expect((await call('POST', '/v1/privacy/erasures', KEYS.admin, { ...request, basis: 'because' })).body).toMatchObject({ error: 'validation' });
    expect((await call('POST', '/v1/privacy/erasures', KEYS.admin, { ...request, contactId: 'nobody' })).status).toBe(404);
    const first = await call('POST', '/v1/privacy/erasures', KEYS.admin, request);
    expect(first).toMatchObject({ status: 201, body: { customerId: ACME, contactId: 'c-1', globalPosition: expect.any(Number) } });
    const again = await call('POST', '/v1/privacy/erasures', KEYS.admin, request);
    expect(again).toEqual({ ...first, status: 200 });
    last = first.body.globalPosition;

    const profile = await call('GET', `/v1/customers/${ACME}`, KEYS.admin);
    expect(profile.body.contacts).toEqual([
      { contactId: 'c-1', name: null, email: null, dmuRole: 'buyer' },
      { contactId: 'c-2', name: SECRETS.piet, email: null, dmuRole: 'user' },
    ]);
    expect(profile.body.nps).toMatchObject({ lastScore: 3, lastImprovement: null });
    const asOf = await call('GET', `/v1/customers/${ACME}?asOf=2026-03-01T00:00:00Z`, KEYS.admin);
    expect(asOf.text).not.toContain(SECRETS.anna);
    for (const basis of ['recorded', 'occurred']) {
      const state = await call('GET', `/v1/audit/customers/${ACME}/state?basis=${basis}&asOf=2026-12-31T00:00:00Z`, KEYS.auditor);
      expect(state.status).toBe(200);
      expect(state.body.contacts[0]).toMatchObject({ name: null, email: null });
      expect(state.text).not.toContain(SECRETS.improvement);
    }
    const history = await call('GET', `/v1/audit/customers/${ACME}/events`, KEYS.auditor);
    const contact = history.body.events.find((e: { type: string; data: { contactId?: string } }) => e.type === 'ContactAdded' && e.data.contactId === 'c-1');
    expect(contact).toMatchObject({ data: { contactId: 'c-1', name: null, email: null, dmuRole: 'buyer' }, erased: ['data.name', 'data.email'], hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(history.text).not.toContain(SECRETS.anna);
    expect(history.text).toContain(SECRETS.piet);
    expect(history.body.events.at(-1)).toMatchObject({ type: 'PersonalDataErased', data: { contactId: 'c-1', basis: 'data-subject-request' } });

    const exported = await call('GET', `/v1/privacy/customers/${ACME}/export?contactId=c-1`, KEYS.admin);
    expect(exported.body).toMatchObject({ customerId: ACME, contactId: 'c-1', erased: true });
    expect(exported.body.personalData.map((d: { field: string; value: unknown }) => [d.field, d.value])).toEqual([['name', null], ['email', null], ['improvement', null]]);
    const customerExport = await call('GET', `/v1/privacy/customers/${ACME}/export`, KEYS.admin);
    expect(customerExport.body.personalData).toContainEqual(expect.objectContaining({ type: 'ContactAdded', field: 'name', value: SECRETS.piet }));
    expect((await call('GET', `/v1/audit/customers/${ACME}/verify`, KEYS.auditor)).body).toMatchObject({ valid: true });

    // Touchpoints: erased values null for everyone, contacts masked for analysts, other accounts 404 for a scoped key.
    const contactsOf = (body: { items: { type: string; data: { contactId?: string; name?: unknown } }[] }) =>
      body.items.filter((t) => t.type === 'ContactAdded').map((t) => [t.data.contactId, t.data.name]);
    expect(contactsOf((await call('GET', `/v1/customers/${ACME}/touchpoints`, KEYS.admin)).body)).toEqual([['c-2', SECRETS.piet], ['c-1', null]]);
    expect(contactsOf((await call('GET', `/v1/customers/${ACME}/touchpoints`, KEYS.analyst)).body)).toEqual([['c-2', null], ['c-1', null]]);
    expect((await call('GET', `/v1/customers/${BETA}/touchpoints`, KEYS.sales)).status).toBe(404);
  });

  it('erases a whole customer: warehouse versions, every table and a rebuild keep the values erased', async () => {
    const erased = await call('POST', '/v1/privacy/erasures', KEYS.admin, { customerId: BETA, basis: 'retention-expired' });
    expect(erased.status).toBe(201);
    last = erased.body.globalPosition;
    expect((await call('GET', `/v1/customers/${BETA}`, KEYS.admin)).body.name).toBeNull();
    // The warehouse catches up on its own runner: wait for its copy of the erasure.
    await call('GET', '/v1/warehouse/rfm', KEYS.analyst);
    for (let i = 0; i < 100; i++) {
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM warehouse.dim_customer WHERE customer_id = $1 AND name IS NOT NULL`, [BETA]);
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const { rows } = await db.pool.query(`SELECT count(*)::int AS versions, count(name)::int AS named FROM warehouse.dim_customer WHERE customer_id = $1`, [BETA]);
    expect(rows[0].versions).toBeGreaterThan(1);
    expect(rows[0].named).toBe(0);

    // No table of the database (what pg_dump would write) holds an erased value; the kept ones are still there.
    const tables = await db.pool.query<{ s: string; t: string }>(
      `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const found: string[] = [];
    const ERASED = ['anna', 'annaMail', 'improvement', 'betaName'];
    for (const { s, t } of tables.rows) {
      const { rows: hit } = await db.pool.query(`SELECT x::text AS row FROM "${s}"."${t}" x`);
      const text = hit.map((r) => r.row).join('\n');
      for (const [label, value] of Object.entries(SECRETS)) if (ERASED.includes(label) && text.includes(value)) found.push(`${label} in ${s}.${t}`);
    }
    expect(found).toEqual([]);
    const kept = await db.pool.query(`SELECT count(*)::int AS n FROM read_models.customer_profiles WHERE name = $1`, [SECRETS.acmeName]);
    expect(kept.rows[0].n).toBe(1); // not erased: still there

    // A rebuild of every projection from position 0 (keys gone) equals the live read models.
    const lines: string[] = [];
    const code = await runAuditCli(['verify-projections'], { out: (l) => lines.push(l), err: (l) => lines.push(l), env: { DATABASE_URL: db.url, DATA_DIR: dataDir } });
    expect({ code, tail: lines.slice(-3) }).toMatchObject({ code: 0 });
    expect((await call('GET', `/v1/audit/customers/${BETA}/verify`, KEYS.auditor)).body).toMatchObject({ valid: true });

    // The erasure ledger (for backups: a restore re-applies it) holds ids, basis and times only.
    const file = path.join(dataDir, 'ledger.jsonl');
    expect(await runPrivacyCli(['ledger', '--out', file], { out: () => undefined, err: () => undefined, env: { DATABASE_URL: db.url } })).toBe(0);
    const ledger = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(ledger).toEqual([
      expect.objectContaining({ customerId: ACME, contactId: 'c-1', basis: 'data-subject-request', globalPosition: expect.any(Number) }),
      expect.objectContaining({ customerId: BETA, contactId: null, basis: 'retention-expired', globalPosition: erased.body.globalPosition }),
    ]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('lets auditors see every response that carried personal data', async () => {
    expect((await call('GET', '/v1/audit/access-log', KEYS.analyst)).status).toBe(403);
    const log = await call('GET', `/v1/audit/access-log?customerId=${ACME}&limit=500`, KEYS.auditor);
    const seen = log.body.items.map((i: { keyName: string; path: string }) => `${i.keyName} ${i.path}`);
    expect(seen).toEqual(expect.arrayContaining([`sales-u1 /v1/customers/${ACME}`, 'sales-u1 /v1/customers', `bi /v1/customers/${ACME}`, `bi /v1/customers/${ACME}/touchpoints`, `audit /v1/audit/customers/${ACME}/events`, `dpo /v1/privacy/customers/${ACME}/export`]));
    expect(seen).not.toContain(`sales-u1 /v1/customers/${BETA}`); // a 404 carried nothing
    const page = await call('GET', '/v1/audit/access-log?limit=1', KEYS.auditor);
    expect(page.body.items).toHaveLength(1);
    const next = await call('GET', `/v1/audit/access-log?limit=1&cursor=${page.body.nextCursor}`, KEYS.auditor);
    expect(next.body.items[0]).not.toEqual(page.body.items[0]);
  });

  it("streams a scoped sales key only its own accounts' insights on the live feed", async () => {
    const response = await fetch(`${platform.url}/v1/feed`, { headers: { authorization: `Bearer ${KEYS.sales}`, accept: 'text/event-stream' } });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const subjects: string[] = [];
    let buffered = '';
    const mine = `gamma-${randomUUID().slice(0, 8)}`;
    const theirs = `delta-${randomUUID().slice(0, 8)}`;
    const detractor = (employeeId: string) => [
      { type: 'ProspectRegistered', data: { name: 'Feed Scope BV', size: 'small' } },
      { type: 'AccountManagerAssigned', data: { employeeId, salesRole: 'account-manager' } },
      { type: 'NpsResponded', data: { surveyId: 's-feed', score: 2 } },
    ];
    try {
      // The other manager's detractor comes first: were the feed unfiltered, it would arrive before ours.
      await ingest(theirs, detractor('u-2'));
      await ingest(mine, detractor('u-1'));
      const deadline = Date.now() + 60_000;
      while (!subjects.includes(mine) && Date.now() < deadline) {
        const chunk = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000))]);
        if (chunk === null) continue;
        if (chunk.done) break;
        buffered += new TextDecoder().decode(chunk.value);
        const frames = buffered.split('\n\n');
        buffered = frames.pop() ?? '';
        for (const frame of frames) {
          const data = frame.split('\n').find((line) => line.startsWith('data:'));
          if (data) subjects.push((JSON.parse(data.slice(5)) as { subject: string }).subject);
        }
      }
    } finally {
      await reader.cancel();
    }
    expect(subjects).toContain(mine);
    expect(subjects).not.toContain(theirs);
    expect(subjects.every((subject) => subject !== BETA)).toBe(true);
  });
});
