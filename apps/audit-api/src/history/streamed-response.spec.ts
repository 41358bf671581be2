import { wantsNdjson } from './customer-history.controller';
import { jsonDocument, ndjsonLines } from './streamed-response';

async function* items<T>(...values: T[]): AsyncIterable<T> {
  for (const value of values) yield value;
}
async function text(parts: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const part of parts) out += part;
  return out;
}

describe('streamed history documents', () => {
  it('NDJSON: one JSON document per line, each line terminated', async () => {
    expect(await text(ndjsonLines(items({ a: 1 }, { b: 'x\ny' })))).toBe('{"a":1}\n{"b":"x\\ny"}\n');
    expect(await text(ndjsonLines(items()))).toBe('');
  });

  it('JSON: the head fields and the array, written item by item, parse as one document', async () => {
    const doc = await text(jsonDocument({ customerId: 'acme-42' }, 'events', items({ n: 1 }, { n: 2 })));
    expect(JSON.parse(doc)).toEqual({ customerId: 'acme-42', events: [{ n: 1 }, { n: 2 }] });
    expect(JSON.parse(await text(jsonDocument({ customerId: 'c' }, 'events', items())))).toEqual({ customerId: 'c', events: [] });
  });

  it('NDJSON is chosen when the Accept header lists it with a non-zero quality', () => {
    expect(wantsNdjson('application/x-ndjson')).toBe(true);
    expect(wantsNdjson('application/json;q=0.9, application/x-ndjson')).toBe(true);
    expect(wantsNdjson('Application/X-NDJSON; charset=utf-8')).toBe(true);
    expect(wantsNdjson('application/x-ndjson;q=0, application/json')).toBe(false);
    expect(wantsNdjson('application/json')).toBe(false);
    expect(wantsNdjson('*/*')).toBe(false);
    expect(wantsNdjson(undefined)).toBe(false);
  });
});
