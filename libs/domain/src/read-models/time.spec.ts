import * as fc from 'fast-check';
import { normaliseIso } from './time';

/** What normaliseIso promised before it had a fast path: parse, then format. */
const parsedAndFormatted = (iso: string) => new Date(Date.parse(iso)).toISOString();

describe('normaliseIso', () => {
  it('returns a canonical timestamp as it is', () => {
    expect(normaliseIso('2026-03-01T10:00:00.000Z')).toBe('2026-03-01T10:00:00.000Z');
    expect(normaliseIso('0001-12-28T23:59:59.999Z')).toBe('0001-12-28T23:59:59.999Z');
  });

  it('rolls over what Date.parse rolls over: day 29–31 that a month lacks, hour 24', () => {
    expect(normaliseIso('2026-02-30T00:00:00.000Z')).toBe('2026-03-02T00:00:00.000Z');
    expect(normaliseIso('2026-02-29T08:00:00.000Z')).toBe('2026-03-01T08:00:00.000Z');
    expect(normaliseIso('2026-04-31T10:00:00.000Z')).toBe('2026-05-01T10:00:00.000Z');
    expect(normaliseIso('2026-01-01T24:00:00.000Z')).toBe('2026-01-02T00:00:00.000Z');
    expect(normaliseIso('2024-02-29T08:00:00.000Z')).toBe('2024-02-29T08:00:00.000Z');
  });

  it('converts other zones and precisions to UTC milliseconds', () => {
    expect(normaliseIso('2026-03-01T11:00:00+01:00')).toBe('2026-03-01T10:00:00.000Z');
    expect(normaliseIso('2026-03-01T10:00:00Z')).toBe('2026-03-01T10:00:00.000Z');
    expect(normaliseIso('2026-03-01T10:00:00.5Z')).toBe('2026-03-01T10:00:00.500Z');
  });

  it('still refuses what is no timestamp, naming the field', () => {
    expect(() => normaliseIso('yesterday', 'occurredAt')).toThrow(/occurredAt is not a valid ISO-8601 timestamp/);
    expect(() => normaliseIso('2026-13-01T10:00:00.000Z')).toThrow(RangeError);
  });

  it('equals parse-then-format for any canonical-looking string, valid or rolled over', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const iso = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), two(12), two(31), two(24), two(59), two(59), fc.integer({ min: 0, max: 999 }))
      .map(([y, mo, d, h, mi, s, ms]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}Z`)
      .filter((s) => !Number.isNaN(Date.parse(s)));
    fc.assert(fc.property(iso, (s) => normaliseIso(s) === parsedAndFormatted(s)), { numRuns: 5000 });
  });
});
