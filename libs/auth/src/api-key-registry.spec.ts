import { ApiKeyRegistry, hasAnyRole } from './api-key-registry';

describe('ApiKeyRegistry', () => {
  const registry = new ApiKeyRegistry([
    { key: 'key-for-ingest', name: 'crm-sync', roles: ['ingest'] },
    { key: 'key-for-bi-team', name: 'bi-team', roles: ['analyst', 'sales'] },
  ]);

  it('authenticates a configured key as its named principal with its roles', () => {
    expect(registry.authenticate('key-for-bi-team')).toEqual({ name: 'bi-team', roles: ['analyst', 'sales'] });
  });

  it('rejects unknown keys, prefixes, longer keys and the empty string', () => {
    for (const key of ['key-for', 'key-for-ingest ', 'key-for-ingestX', 'KEY-FOR-INGEST', '']) {
      expect(registry.authenticate(key)).toBeNull();
    }
  });

  it('refuses the same key configured twice', () => {
    expect(
      () =>
        new ApiKeyRegistry([
          { key: 'same-key-1', name: 'a', roles: ['ingest'] },
          { key: 'same-key-1', name: 'b', roles: ['admin'] },
        ]),
    ).toThrow('"b" is configured more than once');
  });
});

describe('hasAnyRole', () => {
  it('needs one of the required roles', () => {
    expect(hasAnyRole({ name: 'x', roles: ['analyst'] }, ['analyst', 'sales'])).toBe(true);
    expect(hasAnyRole({ name: 'x', roles: ['analyst'] }, ['ingest'])).toBe(false);
  });

  it('lets admin do everything', () => {
    expect(hasAnyRole({ name: 'x', roles: ['admin'] }, ['auditor'])).toBe(true);
    expect(hasAnyRole({ name: 'x', roles: ['admin'] }, [])).toBe(true);
  });

  it('gives a non-admin nothing when no role is named (admin-only by default)', () => {
    expect(hasAnyRole({ name: 'x', roles: ['ingest', 'analyst', 'sales', 'auditor'] }, [])).toBe(false);
  });
});
