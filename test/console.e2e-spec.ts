/**
 * The web console in real Chromium against the real platform (PostgreSQL, projector, warehouse, feed): every role's
 * main path end to end, axe-core on every page (no serious or critical violation), the pages under the strict CSP
 * (a refused script or style shows up as a console error and fails the suite), a screenshot of every page.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '@klantcentraal/config';
import { generateCustomerHistories } from '@klantcentraal/demo-data';
import { startPlatform, type RunningPlatform } from '@klantcentraal/platform';
import { freePort } from '@klantcentraal/postgres';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { eventually, findChromium, launchConsoleBrowser, screenshot, seriousA11yViolations, type ConsoleBrowser, type Tab } from './support/console-browser';

const KEYS = {
  ingest: 'console-e2e-ingest-key-0123456789',
  analyst: 'console-e2e-analyst-key-0123456789',
  sales: 'console-e2e-sales-key-0123456789',
  auditor: 'console-e2e-auditor-key-0123456789',
  admin: 'console-e2e-admin-key-0123456789',
};
type Role = keyof typeof KEYS;
const chromiumPath = findChromium();
if (!chromiumPath) {
  // CI installs Debian's chromium (.ci/run): there a missing browser is a failure; elsewhere say why nothing ran.
  if (process.env.CI === 'true') throw new Error('no Chromium for the console browser suite (apt-get install chromium, or set CHROMIUM_PATH)');
  console.warn('console browser suite skipped: no Chromium (install Debian chromium or set CHROMIUM_PATH)');
}
const describeWithChromium = chromiumPath ? describe : describe.skip;

describeWithChromium('web console in Chromium (every role, axe, CSP)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let platform: RunningPlatform;
  let browser: ConsoleBrowser;
  let headPosition = 0;
  const tabs: Tab[] = [];

  const api = async <T>(role: Role, route: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${platform.url}${route}`, {
      ...init,
      headers: { authorization: `Bearer ${KEYS[role]}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    });
    if (!res.ok) throw new Error(`${route} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  /** Reads `route` once its read model has processed `position` (X-Min-Position; retried past a 503 projection-lag). */
  const settled = async (route: string, position: number) => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${platform.url}${route}`, { headers: { authorization: `Bearer ${KEYS.admin}`, 'x-min-position': String(position) } });
      if (res.ok || attempt === 30) return res.status;
    }
  };
  const signIn = async (role: Role): Promise<Page> => {
    const tab = await browser.newTab();
    tabs.push(tab);
    await tab.page.goto(platform.url);
    await tab.page.getByLabel('API key').fill(KEYS[role]);
    await tab.page.getByRole('button', { name: 'Sign in' }).click();
    await tab.page.getByRole('button', { name: 'Sign out' }).waitFor();
    return tab.page;
  };
  /** The page passes axe (serious/critical) and is kept as a screenshot. */
  const check = async (page: Page, name: string) => {
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, name);
  };
  const tableRows = async (page: Page, caption: string): Promise<string[][]> => {
    const rows = page.getByRole('table', { name: caption, exact: true }).locator('tbody tr');
    const cells: string[][] = [];
    for (const row of await rows.all()) cells.push((await row.locator('th, td').allInnerTexts()).map((text) => text.trim()));
    return cells;
  };

  beforeAll(async () => {
    db = await createTestDatabase('kc_console');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-console-e2e-'));
    const port = await freePort();
    const apiKeys = Object.fromEntries(Object.entries(KEYS).map(([role, key]) => [key, [role]]));
    platform = await startPlatform(
      loadConfig({ DATABASE_URL: db.url, PORT: String(port), DATA_DIR: dataDir, DEMO_DATA: '0', API_KEYS: JSON.stringify(apiKeys) }),
      { quiet: true },
    );
    // A small, realistic book of customers (the demo generator), ingested over the API.
    const events = [...generateCustomerHistories({ seed: 11, customers: 14 })].flatMap((c) => c.events.map((e) => ({ customerId: c.customerId, ...e })));
    const stored = await api<{ lastPosition: number }>('ingest', '/v1/events', { method: 'POST', body: JSON.stringify({ events }) });
    headPosition = stored.lastPosition;
    expect(await settled('/v1/customers?limit=1', headPosition)).toBe(200);
    expect(await settled('/v1/warehouse/rfm', headPosition)).toBe(200);
    browser = await launchConsoleBrowser(chromiumPath!);
  });

  afterEach(() => {
    // Every page ran under the CSP without a refused resource or a script error.
    for (const tab of tabs) expect(tab.problems).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await db?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the console on deep links without shadowing the API, health, metrics or docs', async () => {
    for (const route of ['/', '/customers', '/customers/c-00001', '/feed', '/warehouse', '/audit/c-00001', '/privacy']) {
      const res = await fetch(`${platform.url}${route}`);
      expect([route, res.status, res.headers.get('content-type')]).toEqual([route, 200, expect.stringContaining('text/html')]);
      expect(res.headers.get('content-security-policy')).toEqual(expect.stringMatching(/default-src 'self'.*frame-ancestors 'none'/));
    }
    const apiRes = await fetch(`${platform.url}/v1/customers`);
    expect([apiRes.status, ((await apiRes.json()) as { error: string }).error]).toEqual([401, 'unauthorized']);
    expect((await fetch(`${platform.url}/health/live`)).headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${platform.url}/openapi.json`)).headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${platform.url}/customers/a/b`)).status).toBe(404);
  });

  it('signs in by keyboard, refuses an unknown key, and shows the analyst only their pages', async () => {
    const tab = await browser.newTab();
    tabs.push(tab);
    const { page } = tab;
    await page.goto(platform.url);
    await check(page, 'sign-in');
    await page.getByLabel('API key').fill('not-a-key-of-this-platform-000');
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await page.getByRole('alert').innerText()).toContain('not known'));
    await page.getByLabel('API key').fill(KEYS.analyst);
    await page.keyboard.press('Enter');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await eventually(async () => expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Overview', 'Customers', 'Warehouse']));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0); // the key is gone
  });

  it('analyst: the overview shows the API numbers, each chart with its table', async () => {
    const page = await signIn('analyst');
    const lifecycle = await api<{ phases: Record<string, number> }>('analyst', '/v1/insights/lifecycle');
    const nps = await api<{ promoters: number; passives: number; detractors: number; nps: number | null }>('analyst', '/v1/insights/nps');
    await eventually(async () => expect(await page.getByRole('heading', { level: 1 }).allInnerTexts()).toEqual(['Overview']));
    for (const caption of ['Customers by lifecycle phase', 'NPS', 'Complaints within target', 'Sales funnel']) {
      await page.getByRole('figure', { name: caption }).getByRole('table', { name: caption }).waitFor();
    }
    const phases = Object.fromEntries((await tableRows(page, 'Customers by lifecycle phase')).map(([phase, n]) => [phase, Number(n.replace(/,/g, ''))]));
    expect(phases).toEqual({
      Prospect: lifecycle.phases.prospect,
      'New customer': lifecycle.phases['new-customer'],
      'Loyal customer': lifecycle.phases['loyal-customer'],
      Departed: lifecycle.phases.departed,
    });
    expect(await tableRows(page, 'NPS')).toEqual([
      ['Promoters', String(nps.promoters)],
      ['Passives', String(nps.passives)],
      ['Detractors', String(nps.detractors)],
      ['NPS', nps.nps === null ? '—' : String(nps.nps)],
    ]);
    await check(page, 'overview');
  });

  it('analyst: filters customers by segment and opens a profile with contacts and the touchpoint timeline', async () => {
    const page = await signIn('analyst');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await eventually(async () => expect(await page.getByRole('heading', { level: 1 }).allInnerTexts()).toEqual(['Customers']));
    await check(page, 'customers');
    const segment = await api<{ items: { customerId: string; name: string }[] }>('analyst', '/v1/customers?phase=loyal-customer&limit=25');
    expect(segment.items.length).toBeGreaterThan(0);
    await page.getByLabel('Phase').selectOption('loyal-customer');
    const names = page.locator('table.customers tbody th');
    await eventually(async () => expect(await names.allInnerTexts()).toEqual(segment.items.map((c) => c.name)));

    const customer = segment.items[0];
    await page.getByRole('link', { name: customer.name, exact: true }).click();
    await page.waitForURL(`${platform.url}/customers/${customer.customerId}`);
    await eventually(async () => expect(await page.getByRole('heading', { level: 1 }).allInnerTexts()).toEqual([customer.name]));
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    // Analysts work with aggregates: a contact whose name the API withholds from them is listed as withheld, not erased.
    const { contacts } = await api<{ contacts: { name: string | null }[] }>('analyst', `/v1/customers/${customer.customerId}`);
    const listed = await page.getByRole('region', { name: 'Contacts', exact: true }).locator('.contact-name').allInnerTexts();
    expect(listed).toEqual(contacts.map((c) => c.name ?? 'Name withheld'));
    const touchpoints = await api<{ items: { type: string }[] }>('analyst', `/v1/customers/${customer.customerId}/touchpoints?limit=20`);
    const timeline = page.getByRole('region', { name: 'Touchpoints', exact: true }).locator('ol.timeline li strong');
    await eventually(async () => expect(await timeline.allInnerTexts()).toEqual(touchpoints.items.map((t) => t.type)));
    await check(page, 'profile');
  });

  it('analyst: the warehouse shows touchpoints by month and type, basket rules, cohorts and RFM', async () => {
    const page = await signIn('analyst');
    await page.goto(`${platform.url}/warehouse`);
    for (const caption of ['Touchpoints by month and type', 'Basket rules', 'Cohorts', 'RFM']) {
      await page.getByRole('table', { name: caption }).waitFor();
    }
    const { rows } = await api<{ rows: { count: number }[] }>('analyst', '/v1/warehouse/touchpoints?groupBy=month,type');
    const cells = await tableRows(page, 'Touchpoints by month and type');
    const shown = cells.flatMap(([, ...counts]) => counts.map((n) => Number(n.replace(/,/g, '')))).reduce((a, b) => a + b, 0);
    expect(shown).toBe(rows.reduce((a, r) => a + r.count, 0));
    await check(page, 'warehouse');
  });

  it('sales: an insight appended over the API appears in the open feed, filtered by type, linking to its profile', async () => {
    const page = await signIn('sales');
    await eventually(async () => expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).toEqual(['Customers', 'Feed']));
    await page.getByRole('link', { name: 'Feed' }).click();
    await page.getByLabel('Type').selectOption('detractor-responded');
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await check(page, 'feed');
    await api('ingest', '/v1/customers/c-00002/events', {
      method: 'POST',
      body: JSON.stringify({ events: [{ type: 'NpsResponded', data: { surveyId: 'console-e2e', score: 2 } }] }),
    });
    const insight = page.getByRole('list', { name: 'Insights, newest first' }).getByRole('listitem').first();
    await eventually(async () => expect(await insight.innerText()).toContain('Detractor responded'), 20_000);
    await screenshot(page, 'feed-live');
    await insight.getByRole('link', { name: 'Customer c-00002' }).click();
    await page.waitForURL(`${platform.url}/customers/c-00002`);
  });

  it('auditor: history, verify turns invalid at the tampered revision, state as of a moment', async () => {
    const page = await signIn('auditor');
    await eventually(async () => expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).toEqual(['Audit']));
    await page.goto(`${platform.url}/audit/c-00003`);
    const history = await api<{ events: { streamRevision: number; occurredAt: string }[] }>('auditor', '/v1/audit/customers/c-00003/events');
    await eventually(async () => expect(await page.getByRole('table', { name: 'History' }).locator('tbody tr').count()).toBe(history.events.length));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('status').filter({ hasText: /^valid$/ }).waitFor();

    const moment = history.events[5].occurredAt;
    const state = await api<{ touchpoints: { total: number } }>('auditor', `/v1/audit/customers/c-00003/state?asOf=${moment}&basis=occurred`);
    await page.getByLabel('As of').fill(moment);
    await page.getByLabel('Basis').selectOption('occurred');
    await page.getByRole('button', { name: 'Show state' }).click();
    await eventually(async () => expect(await page.getByRole('region', { name: `State at ${moment}` }).innerText()).toContain(`${state.touchpoints.total} touchpoints`));
    await check(page, 'audit');

    await db.pool.query(`UPDATE event_store.events SET data = data || '{"forged": true}'::jsonb WHERE stream = 'customer-c-00003' AND stream_revision = 4`);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('status').filter({ hasText: 'invalid at revision 4' }).waitFor();
    await screenshot(page, 'audit-invalid');
  });

  it('admin: sees every page; erasing a contact asks first, and the profile then lists the contact as Erased', async () => {
    const page = await signIn('admin');
    await eventually(async () => expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).toEqual(['Overview', 'Customers', 'Feed', 'Warehouse', 'Audit', 'Privacy']));
    const profile = await api<{ contacts: { contactId: string; name: string | null }[] }>('admin', '/v1/customers/c-00004');
    const contact = profile.contacts[0];
    await page.getByRole('link', { name: 'Privacy' }).click();
    await page.getByLabel('Customer ID').fill('c-00004');
    await page.getByLabel('Contact ID').fill(contact.contactId);
    await check(page, 'privacy');

    await page.getByRole('button', { name: 'Erase', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await eventually(async () => expect(await dialog.innerText()).toContain(`contact ${contact.contactId} of customer c-00004`));
    await check(page, 'privacy-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await api<typeof profile>('admin', '/v1/customers/c-00004')).contacts[0].name).toBe(contact.name); // nothing erased yet

    await page.getByRole('button', { name: 'Erase', exact: true }).click();
    await dialog.getByRole('button', { name: 'Erase permanently' }).click();
    await page.getByRole('link', { name: 'Open the profile' }).click();
    await eventually(async () => expect(await page.getByRole('region', { name: 'Contacts', exact: true }).innerText()).toContain('Erased'));
    expect(await page.getByRole('region', { name: 'Contacts', exact: true }).innerText()).not.toContain(contact.name!);
    await page.getByRole('region', { name: 'Touchpoints', exact: true }).locator('ol.timeline li').first().waitFor();
    await screenshot(page, 'profile-erased');

    // The subject-access export downloads as JSON and says what was erased.
    await page.goto(`${platform.url}/privacy`);
    await page.getByLabel('Customer ID').fill('c-00004');
    await page.getByLabel('Contact ID').fill(contact.contactId);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download export' }).click()]);
    const exported = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as { customerId: string; contactId: string; erased: unknown };
    expect(exported).toMatchObject({ customerId: 'c-00004', contactId: contact.contactId });
    expect(exported.erased).toBeTruthy();
  });
});
