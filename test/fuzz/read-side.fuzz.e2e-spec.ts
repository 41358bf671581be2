/**
 * No input of any shape answers 5xx on the read side (issue 18): every GET endpoint of the OpenAPI document is
 * driven with arbitrary strings, control characters, broken percent-encodings, extreme but valid date-times and
 * crafted cursors in its parameters and path segments, and with odd headers; every answer must be a 2xx, or a 4xx
 * with the contract's error body.
 */
import fc from 'fast-check';
import { contractViolation, FUZZ_KEYS, rawRequest, seedCustomers, startFuzzPlatform, type FuzzPlatform } from './fuzz-platform';

type Endpoint = { path: string; pathParams: string[]; query: { name: string; values: string[] }[] };

const encode = (text: string): string => {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80'; // a lone surrogate cannot be encoded: send the bytes of one
  }
};
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Syntactically valid date-times from year 0000 to 9999 with zones from -12:00 to +14:00 (and some impossible days). */
const dateTime = fc
  .record({
    year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1, 1970, 9999)),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    fraction: fc.option(fc.integer({ min: 0, max: 999_999_999 })),
    zone: fc.constantFrom('Z', '+14:00', '-12:00', '+01:00', '-00:00', '+0530', '-1130'),
  })
  .map(
    (d) =>
      `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}T${pad(d.hour, 2)}:${pad(d.minute, 2)}:${pad(d.second, 2)}` +
      `${d.fraction === null ? '' : `.${pad(d.fraction, 9)}`}${d.zone}`,
  );

/** Cursors: base64url of arbitrary bytes or text, including the NUL byte (`AA`). */
const cursor = fc.oneof(
  fc.uint8Array({ maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  fc.string({ unit: 'binary', maxLength: 30 }).map((text) => Buffer.from(text, 'utf8').toString('base64url')),
  fc.constantFrom('AA', 'AAAA', '_-_-', '====', 'YWJj', Buffer.from('c-fuzz-1\u0000').toString('base64url')),
);

const controlChars = fc
  .array(fc.oneof(fc.constantFrom('\u0000', '\u0000', '\u007f', '\t', '\n', 'a', '-'), fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c))), {
    minLength: 1,
    maxLength: 6,
  })
  .map((chars) => chars.join(''));
const oddTokens = fc.constantFrom(
  '%00', '%ZZ', '%', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%FF%FE', '+01:00', '2026-03-01T11:00:00+01:00', '%2B01:00', '', 'null',
  '-1', '0', '1.5', '1e309', '99999999999999999999', 'NaN', 'true', '[]', '{}', '%27', '%22', '%3B', 'a'.repeat(3000),
  '9999-12-31T23:59:59-12:00', '0000-01-01T00:00:00%2B14:00', '2026-02-30T00:00:00Z',
);

/** One encoded parameter value: arbitrary, hostile, or (often) one of the parameter's valid values. */
const value = (valid: string[]) =>
  fc.oneof(
    { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(encode), weight: 3 },
    { arbitrary: controlChars.map(encode), weight: 3 },
    { arbitrary: oddTokens, weight: 3 },
    { arbitrary: dateTime.map(encode), weight: 3 },
    { arbitrary: cursor, weight: 2 },
    { arbitrary: valid.length ? fc.constantFrom(...valid).map(encode) : fc.constant('1'), weight: 3 },
  );

const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });
/** Odd headers now and then (an invalid X-Min-Position is refused before the handler runs, so it stays rare). */
const sometimes = <T>(arb: fc.Arbitrary<T>, freq: number) => fc.option(arb, { freq, nil: undefined });
const headers = fc
  .record({
    accept: sometimes(
      fc.constantFrom('application/json', 'text/csv', 'application/x-ndjson', 'text/event-stream', '*/*', 'text/html', ';;', 'text/csv;q=0.1, application/json'),
      2,
    ),
    // Not a plain integer: one past the head would wait 5 s for the contract's 503 projection-lag.
    'x-min-position': sometimes(fc.oneof(fc.constantFrom('0', '1', '-1', 'abc', '1.5', '1e3', '', '0x10'), headerText.filter((t) => !/^\s*\d+\s*$/.test(t))), 8),
    'last-event-id': sometimes(headerText, 3),
    'x-request-id': sometimes(headerText, 3),
    // Mostly the admin key (it may call everything); a bad one now and then (30 failures a minute → 429 by design).
    authorization: fc.oneof({ arbitrary: fc.constant(`Bearer ${FUZZ_KEYS.admin}`), weight: 40 }, { arbitrary: fc.constantFrom('Bearer x', 'Basic abc', ''), weight: 1 }),
  })
  .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>);

describe('read side under arbitrary input (fast-check)', () => {
  let fz: FuzzPlatform;
  let endpoints: Endpoint[];
  let customers: string[];

  beforeAll(async () => {
    fz = await startFuzzPlatform();
    customers = await seedCustomers(fz.port, 3);
    const doc = JSON.parse((await rawRequest(fz.port, 'GET', '/openapi.json')).body) as {
      paths: Record<string, { get?: { parameters?: { name: string; in: string; schema?: { enum?: unknown[]; example?: unknown }; example?: unknown }[] } }>;
    };
    endpoints = Object.entries(doc.paths)
      .filter(([, item]) => item.get)
      .map(([path, item]) => ({
        path,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
        query: (item.get!.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => ({
            name: p.name,
            values: [...(p.schema?.enum ?? []), p.example ?? p.schema?.example].filter((v) => v !== undefined).map(String),
          })),
      }));
  });
  afterAll(() => fz?.stop());

  it('knows every GET endpoint of the contract from the OpenAPI document', () => {
    const paths = endpoints.map((e) => e.path);
    for (const path of [
      '/v1/customers/{customerId}',
      '/v1/customers',
      '/v1/insights/nps',
      '/v1/insights/complaints',
      '/v1/insights/lifecycle',
      '/v1/insights/funnel',
      '/v1/warehouse/touchpoints',
      '/v1/warehouse/rfm',
      '/v1/audit/customers/{customerId}/state',
      '/v1/feed',
    ]) {
      expect(paths).toContain(path);
    }
  });

  it('answers what used to be 500s with 4xx naming the parameter', async () => {
    const get = (path: string) => rawRequest(fz.port, 'GET', path, { authorization: `Bearer ${FUZZ_KEYS.admin}` });
    for (const path of ['/v1/customers?accountManager=%00', '/v1/insights/nps?accountManager=%00', '/v1/customers?cursor=AA']) {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(contractViolation(res)).toBeNull();
      expect(JSON.parse(res.body).details[0].path).toBe(path.includes('cursor') ? 'cursor' : 'accountManager');
    }
    const late = encode('9999-12-31T23:59:59-12:00');
    for (const path of [
      `/v1/insights/nps?to=${late}`,
      `/v1/insights/complaints?from=${late}`,
      `/v1/insights/lifecycle?asOf=${late}`,
      `/v1/insights/funnel?to=${late}`,
      `/v1/insights/experience?from=${late}`,
      `/v1/warehouse/touchpoints?to=${late}`,
      `/v1/warehouse/rfm?asOf=${late}`,
      `/v1/customers/${customers[0]}?asOf=${late}`,
    ]) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(res.body).toContain('9999-12-31T23:59:59Z');
    }
    // An unencoded "+" arrives as a space: the answer says to send %2B.
    const plus = await get('/v1/insights/lifecycle?asOf=2026-03-01T11:00:00+01:00');
    expect(plus.status).toBe(400);
    expect(JSON.parse(plus.body).details[0].message).toContain('%2B');
  });

  it('answers every generated GET with a 2xx, or a 4xx with the contract error body', async () => {
    // Each request makes one parameter, path segment or header hostile and keeps the others valid or absent, so
    // the hostile value reaches the code behind validation instead of being masked by another bad field.
    const request = fc
      .integer({ min: 0, max: endpoints.length - 1 })
      .chain((i) => {
        const endpoint = endpoints[i];
        const slots = endpoint.pathParams.length + endpoint.query.length;
        return fc.record({
          endpoint: fc.constant(endpoint),
          target: fc.integer({ min: 0, max: slots }), // === slots: only the headers (or nothing) are odd
          hostile: fc.array(value([]), { minLength: 1, maxLength: 2 }),
          valid: fc.tuple(
            fc.constantFrom(...customers),
            ...endpoint.query.map((q) => (q.values.length ? fc.option(fc.constantFrom(...q.values), { freq: 1 }) : fc.constant(null))),
          ),
          extra: fc.option(fc.tuple(headerText.map(encode), value([])), { freq: 8 }),
          headers,
        });
      })
      .map(({ endpoint, target, hostile, valid, extra, headers }) => {
        let path = endpoint.path;
        endpoint.pathParams.forEach((name, i) => {
          path = path.replace(`{${name}}`, i === target ? hostile[0] || '%20' : encode(valid[0] as string));
        });
        const query = endpoint.query.flatMap((q, i) => {
          if (endpoint.pathParams.length + i === target) return hostile.map((v) => `${q.name}=${v}`);
          const v = valid[i + 1];
          return v === null ? [] : [`${q.name}=${encode(v as string)}`];
        });
        if (extra) query.push(`${extra[0]}=${extra[1]}`);
        return { path: query.length ? `${path}?${query.join('&')}` : path, headers };
      });

    let sent = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ path, headers }) => {
        sent++;
        const res = await rawRequest(fz.port, 'GET', path, headers);
        const violation = contractViolation(res);
        if (violation) throw new Error(`GET ${path} → ${violation}`);
      }),
      { numRuns: 2000, endOnFailure: true },
    );
    expect(sent).toBeGreaterThanOrEqual(2000);
  }, 300_000); // ~35 s alone; more while the machine is busy
});
