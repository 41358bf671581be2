import { createHash } from 'node:crypto';
import { ApiKeyRegistry, hasAnyRole } from './api-key-registry';

describe('ApiKeyRegistry', () => {
  const registry = new ApiKeyRegistry([
    { key: 'key-for-ingest-0123456789', name: 'crm-sync', roles: ['ingest'] },
    { key: 'key-for-bi-team-0123456789', name: 'bi-team', roles: ['analyst', 'sales'] },
  ]);

  it('authenticates a configured key as its named principal with its roles', () => {
    expect(registry.authenticate('key-for-bi-team-0123456789')).toEqual({ name: 'bi-team', roles: ['analyst', 'sales'] });
  });

  it('rejects unknown keys, prefixes, longer keys and the empty string', () => {
    for (const key of ['key-for', 'key-for-ingest-0123456789 ', 'key-for-ingest-0123456789X', 'KEY-FOR-INGEST-0123456789', '']) {
      expect(registry.authenticate(key)).toBeNull();
    }
  });

  it('accepts a "sha256:<hex>" entry: the key it hashes authenticates, the entry text itself does not', () => {
    const key = 'kc-from-a-password-manager-0001';
    const entry = `sha256:${createHash('sha256').update(key).digest('hex').toUpperCase()}`;
    const hashed = new ApiKeyRegistry([{ key: entry, name: 'hashed', roles: ['auditor'] }]);
    expect(hashed.authenticate(key)).toEqual({ name: 'hashed', roles: ['auditor'] });
    expect(hashed.authenticate(entry)).toBeNull();
  });

  it('refuses a key shorter than 24 characters, naming the rule but not the key', () => {
    const build = () => new ApiKeyRegistry([{ key: 'short-key-0123456789-23', name: 'crm', roles: ['ingest'] }]);
    expect(build).toThrow('key "crm" is 23 characters long; every API key must be at least 24 characters');
    expect(build).not.toThrow(/short-key/);
    expect(() => new ApiKeyRegistry([{ key: 'sha256:abc', name: 'x', roles: ['ingest'] }])).toThrow('64 hex digits');
  });

  it('refuses the same key configured twice, also when once in plaintext and once as its digest', () => {
    const key = 'same-key-0123456789-abcdef';
    expect(
      () =>
        new ApiKeyRegistry([
          { key, name: 'a', roles: ['ingest'] },
          { key: `sha256:${createHash('sha256').update(key).digest('hex')}`, name: 'b', roles: ['admin'] },
        ]),
    ).toThrow('"b" is configured more than once');
  });

  it('refuses the same key configured twice', () => {
    expect(
      () =>
        new ApiKeyRegistry([
          { key: 'same-key-0123456789-abcdef', name: 'a', roles: ['ingest'] },
          { key: 'same-key-0123456789-abcdef', name: 'b', roles: ['admin'] },
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
