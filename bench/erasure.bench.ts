/**
 * erasure: erasing a customer with 1 000 events (contacts, mails, NPS texts: personal fields under several keys)
 * until reads show it — `POST /v1/privacy/erasures`, then the profile read with `X-Min-Position` (the projector has
 * applied the erasure) and the audit history (decryption finds the keys gone) both show the values as null. The
 * all-in-one platform over HTTP; the median of `customers` erasures.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@klantcentraal/config';
import { startPlatform } from '@klantcentraal/platform';
import { freePort } from '@klantcentraal/postgres';

export type ErasureBenchmarkOptions = { databaseUrl: string; customers: number; eventsPerCustomer: number };
export type ErasureBenchmarkResult = { ms: number; p90Ms: number; customers: number; eventsPerCustomer: number };

const INGEST = 'bench-privacy-ingest-key-000001';
const ADMIN = 'bench-privacy-admin-key-0000001';

function history(customerId: string, count: number): unknown[] {
  const events: unknown[] = [{ type: 'ProspectRegistered', data: { name: `Bench ${customerId} BV`, size: 'medium' } }];
  for (let i = 1; i < count; i++) {
    const k = i % 4;
    if (k === 0) events.push({ type: 'ContactAdded', data: { contactId: `p-${i}`, name: `Contact ${i}`, email: `c${i}@bench.example`, dmuRole: 'user' } });
    else if (k === 1) events.push({ type: 'MailSent', data: { mailId: `m-${i}`, subject: `Offer ${i}` } });
    else if (k === 2) events.push({ type: 'NpsResponded', data: { surveyId: `s-${i}`, contactId: `p-${i - 2}`, score: i % 11, improvement: `Text ${i}` } });
    else events.push({ type: 'WebsiteVisited', data: { url: `https://bench.example/p/${i}` } });
  }
  return events;
}

export async function erasureBenchmark(opts: ErasureBenchmarkOptions): Promise<ErasureBenchmarkResult> {
  const port = await freePort();
  const platform = await startPlatform(
    loadConfig({ DATABASE_URL: opts.databaseUrl, PORT: String(port), DEMO_DATA: '0', API_KEYS: JSON.stringify({ [INGEST]: ['ingest'], [ADMIN]: ['admin'] }) }),
    { quiet: true },
  );
  const call = async (method: string, url: string, key: string, body?: unknown, minPosition?: number) => {
    const res = await fetch(`${platform.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(minPosition ? { 'x-min-position': String(minPosition) } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${await res.text()}`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from our own API, checked below
    return (await res.json()) as any;
  };
  try {
    const durations: number[] = [];
    for (let c = 0; c < opts.customers; c++) {
      const customerId = `erase-${randomUUID().slice(0, 8)}`;
      const appended = await call('POST', `/v1/customers/${customerId}/events`, INGEST, { events: history(customerId, opts.eventsPerCustomer) });
      await call('GET', `/v1/customers/${customerId}`, ADMIN, undefined, appended.lastPosition); // projected: the starting line
      const started = process.hrtime.bigint();
      const erased = await call('POST', '/v1/privacy/erasures', ADMIN, { customerId, basis: 'data-subject-request' });
      const profile = await call('GET', `/v1/customers/${customerId}`, ADMIN, undefined, erased.globalPosition);
      const audit = await call('GET', `/v1/audit/customers/${customerId}/events`, ADMIN);
      durations.push(Number(process.hrtime.bigint() - started) / 1e6);
      // Check, untimed: every personal value is gone from both reads.
      if (profile.name !== null || profile.contacts.some((contact: { name: unknown }) => contact.name !== null)) throw new Error('profile still shows personal data after erasure');
      if (JSON.stringify(audit.events.map((e: { data: unknown }) => e.data)).includes(`Bench ${customerId}`)) throw new Error('audit history still shows personal data after erasure');
    }
    durations.sort((a, b) => a - b);
    const at = (p: number) => durations[Math.min(durations.length - 1, Math.ceil(p * durations.length) - 1)];
    return { ms: Math.round(at(0.5)), p90Ms: Math.round(at(0.9)), customers: opts.customers, eventsPerCustomer: opts.eventsPerCustomer };
  } finally {
    await platform.stop();
  }
}
