import { departmentKeyOf, TOUCHPOINT_TYPES, typeKeyOf } from './reference-dimensions/reference-dimensions';
import { dateKeyOf, surrogateKey } from './warehouse-schema';

describe('warehouse keys', () => {
  it('derives the same positive 63-bit surrogate key from the same natural key, every time', () => {
    const key = surrogateKey('acme', '2026-03-01T10:00:00.000Z');
    expect(key).toBe(surrogateKey('acme', '2026-03-01T10:00:00.000Z'));
    expect(key).not.toBe(surrogateKey('acme', '2026-03-01T10:00:00.001Z'));
    expect(key).not.toBe(surrogateKey('acme2026-03-01T10:00:00.000Z')); // parts are separated, not concatenated
    expect(BigInt(key) > 0n && BigInt(key) < 2n ** 63n).toBe(true);
  });

  it('keys dates as yyyymmdd of the UTC calendar date', () => {
    expect(dateKeyOf(Date.parse('2026-03-01T23:59:59.999Z'))).toBe(20260301);
    expect(dateKeyOf(Date.parse('2026-03-02T00:30:00+01:00'))).toBe(20260301);
  });
});

describe('reference dimensions', () => {
  it('keys PurchaseMade 14, as the purchase index of the migration assumes (the catalogue only grows at its end)', () => {
    expect(typeKeyOf('PurchaseMade')).toBe(14);
    expect(TOUCHPOINT_TYPES.map((t) => t.typeKey)).toEqual(TOUCHPOINT_TYPES.map((_, i) => i + 1));
    expect(departmentKeyOf(undefined)).toBe(0);
    expect(departmentKeyOf('service')).toBe(2);
  });
});
