import { startBanner } from './start-banner';

const platform = {
  url: 'http://localhost:3000',
  keys: [{ key: 'kc_ingest_0123456789abcdefghijklmnop', name: 'dev-ingest', roles: ['ingest' as const] }],
  keysFile: '/data/dev-api-keys.json',
};

describe('the start banner', () => {
  it('suggests the demo customer when the store holds the demo data', () => {
    const banner = startBanner({ ...platform, exampleCustomerId: 'c-00001' });
    expect(banner).toContain('GET  http://localhost:3000/v1/customers/c-00001');
    expect(banner).toContain('/v1/audit/customers/c-00001/events');
    expect(banner).toContain('  ingest   kc_ingest_0123456789abcdefghijklmnop');
  });

  it('names no customer that does not exist when there is no demo data (DEMO_DATA=0)', () => {
    const banner = startBanner({ ...platform, exampleCustomerId: null });
    expect(banner).not.toContain('c-00001');
    expect(banner).toContain('GET  http://localhost:3000/v1/customers/{customerId}');
    expect(banner).toContain('No demo data in this store (DEMO_DATA=0)');
  });
});
