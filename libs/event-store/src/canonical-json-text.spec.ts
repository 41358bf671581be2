import fc from 'fast-check';
import { canonicalJsonText } from './canonical-json-text';
import { canonicalJson } from './idempotency';

/** JSON text as PostgreSQL prints JSONB: keys by length, then bytes; a space after `:` and `,`. */
function jsonbStyle(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonbStyle).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort((a, b) => a.length - b.length || (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${jsonbStyle((value as Record<string, unknown>)[k])}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

const reference = (text: string) => canonicalJson(JSON.parse(text));

describe('canonicalJsonText', () => {
  it('is canonicalJson of the parsed text for a stored event as PostgreSQL prints it', () => {
    const metadata = '{"customerId": "ab-1", "occurredAt": "2024-11-06T10:06:08.000Z", "recordedBy": {"userId": "u-27", "department": "m-s"}, "schemaVersion": 1}';
    expect(canonicalJsonText(metadata)).toBe(
      '{"customerId":"ab-1","occurredAt":"2024-11-06T10:06:08.000Z","recordedBy":{"department":"m-s","userId":"u-27"},"schemaVersion":1}',
    );
    expect(canonicalJsonText(metadata)).toBe(reference(metadata));
  });

  it.each([
    ['awkward strings', '{"s": "Zoë ☕ 𝄞 \\"quoted\\" \\\\ back\\nslash\\ttab \\u0001 \\u001f \u007f \u2028 ", "z": 1, "a": [1, "x", null, {"z": 1, "y": 2}]}'],
    ['escaped keys that sort differently decoded', '{"ab": 1, "a\\"": 2, "a!": 3, "a ": 4, "a\\u0000": 5, "a\\\\": 6}'],
    ['numbers as PostgreSQL keeps them', '[1000000000000000000000, 0.00001, 0.0000001, 1.50, -0, 0, -0.0, 1e400, -1e400, 123456789012345680000, 9007199254740993, 1E2, 2.5e-3, -12]'],
    ['keys by UTF-16 code units', '{"é": 1, "e": 2, "E": 3, "\ud83d\ude00": 4, "\ufb33": 5, "aa": 6, "a": 7, "": 8, "10": 9, "9": 10}'],
    ['a key given twice keeps its last value', '{"a": 1, "b": 2, "a": 3}'],
    ['scalars and empties', '  {"e": {}, "l": [], "t": true, "f": false, "n": null}  '],
    ['__proto__ as a key', '{"__proto__": {"x": 1}, "a": 2}'],
  ])('equals canonicalJson(JSON.parse(text)) (%s)', (_, text) => {
    expect(canonicalJsonText(text)).toBe(reference(text));
  });

  it.each(['', '{', '{"a" 1}', '{"a": 1,}', '[1 2]', '01', '1.', '-', '+1', '"\u0001"', '"\\x"', 'tru', '{} x', '"open'])(
    'throws where JSON.parse throws: %j',
    (text) => {
      expect(() => JSON.parse(text)).toThrow();
      expect(() => canonicalJsonText(text)).toThrow(SyntaxError);
    },
  );

  it('equals canonicalJson(JSON.parse(text)) for any JSON value, compact or as JSONB prints it', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(json, (value) => {
        for (const text of [JSON.stringify(value), jsonbStyle(value), JSON.stringify(value, null, 2)]) {
          expect(canonicalJsonText(text)).toBe(reference(text));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
