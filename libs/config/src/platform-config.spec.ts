import { createHash } from 'node:crypto';
import { ConfigError, loadConfig, parseApiKeys } from './platform-config';

describe('API_KEYS', () => {
  it('refuses to start with a key shorter than 24 characters, naming the variable and the rule', () => {
    expect(() => loadConfig({ API_KEYS: JSON.stringify({ 'k-ingest-0001': ['ingest'] }) })).toThrow(
      /^API_KEYS: key "key-[0-9a-f]{8}" is 13 characters long; every API key must be at least 24 characters/,
    );
  });

  it('accepts keys of 24 characters and more', () => {
    expect(parseApiKeys(JSON.stringify({ 'kc-ingest-0123456789abcd': { name: 'crm', roles: ['ingest'] } }))).toEqual([
      { key: 'kc-ingest-0123456789abcd', name: 'crm', roles: ['ingest'] },
    ]);
  });

  it('accepts "sha256:<hex>" entries and names an unnamed one as its plaintext key would be named', () => {
    const key = 'kc-auditor-0123456789abcdef';
    const hex = createHash('sha256').update(key).digest('hex');
    const [plain] = parseApiKeys(JSON.stringify({ [key]: ['auditor'] }));
    const [hashed] = parseApiKeys(JSON.stringify({ [`sha256:${hex}`]: ['auditor'] }));
    expect(hashed).toEqual({ key: `sha256:${hex}`, name: plain.name, roles: ['auditor'] });
    expect(() => parseApiKeys(JSON.stringify({ 'sha256:1234': ['auditor'] }))).toThrow('64 hex digits');
  });
});

describe('abuse-resistance settings', () => {
  it('has the contract defaults', () => {
    expect(loadConfig({})).toMatchObject({ rateLimitPerMinute: 12000, queryTimeoutMs: 10000, corsOrigins: [] });
  });

  it('reads RATE_LIMIT_PER_MINUTE, QUERY_TIMEOUT_MS and CORS_ORIGINS, naming the variable when one is wrong', () => {
    expect(
      loadConfig({ RATE_LIMIT_PER_MINUTE: '600', QUERY_TIMEOUT_MS: '2500', CORS_ORIGINS: 'https://crm.example.com, http://localhost:5173' }),
    ).toMatchObject({ rateLimitPerMinute: 600, queryTimeoutMs: 2500, corsOrigins: ['https://crm.example.com', 'http://localhost:5173'] });
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: '0' })).toThrow('RATE_LIMIT_PER_MINUTE: must be a positive integer');
    expect(() => loadConfig({ QUERY_TIMEOUT_MS: 'soon' })).toThrow('QUERY_TIMEOUT_MS: must be a positive integer');
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow('CORS_ORIGINS: each origin');
  });
});

const failure = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env);
  } catch (err) {
    return err instanceof ConfigError ? err.message : `not a ConfigError: ${String(err)}`;
  }
  return null;
};

describe('distributed settings', () => {
  it('rejects an unknown EVENT_STORE naming the allowed values', () => {
    expect(failure({ EVENT_STORE: 'mongodb' })).toBe('EVENT_STORE: must be "postgres" or "eventstoredb", got "mongodb"');
  });

  it('requires EVENTSTORE_CONNECTION_STRING with EVENT_STORE=eventstoredb', () => {
    expect(failure({ EVENT_STORE: 'eventstoredb' })).toMatch(/^EVENTSTORE_CONNECTION_STRING: is required/);
    expect(loadConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://es.internal:2113?tls=false' }).eventStore).toBe('eventstoredb');
  });

  it('PROJECTION_PARTITIONS: 16 by default, an integer 1–1024 otherwise', () => {
    expect(loadConfig({}).projectionPartitions).toBe(16);
    expect(loadConfig({ PROJECTION_PARTITIONS: '64' }).projectionPartitions).toBe(64);
    for (const bad of ['0', '1025', '2.5', 'many', '-4']) expect(failure({ PROJECTION_PARTITIONS: bad })).toMatch(/^PROJECTION_PARTITIONS: must be an integer 1–1024/);
  });
});
