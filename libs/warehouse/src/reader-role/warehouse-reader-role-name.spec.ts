import { warehouseReaderRoleName } from './warehouse-reader';

describe('warehouseReaderRoleName', () => {
  it('names the role after the database, so platform databases sharing a server do not collide', () => {
    expect(warehouseReaderRoleName('klantcentraal')).toBe('kc_klantcentraal_analyst');
    expect(warehouseReaderRoleName('klantcentraal_acc')).toBe('kc_klantcentraal_acc_analyst');
    expect(warehouseReaderRoleName('Klant-Centraal.prod')).toBe('kc_klant_centraal_prod_analyst');
  });

  it('stays within 63 bytes, keeping long names apart with a hash', () => {
    const a = warehouseReaderRoleName(`${'x'.repeat(60)}_a`);
    const b = warehouseReaderRoleName(`${'x'.repeat(60)}_b`);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).toMatch(/^kc_x+_[0-9a-f]{8}_analyst$/);
    expect(a).not.toBe(b);
  });
});
