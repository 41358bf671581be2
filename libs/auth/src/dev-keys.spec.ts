import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseApiKeys } from '@klantcentraal/config';
import { DEV_KEYS_FILE, generateDevKeys } from './dev-keys';

describe('generateDevKeys', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-dev-keys-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('creates one random key per role in <dataDir>/dev-api-keys.json, readable by the owner only', () => {
    const devKeys = generateDevKeys(dataDir);
    expect(devKeys.created).toBe(true);
    expect(devKeys.file).toBe(path.join(dataDir, DEV_KEYS_FILE));
    expect(devKeys.keys.map((k) => [k.name, k.roles])).toEqual([
      ['dev-ingest', ['ingest']],
      ['dev-analyst', ['analyst']],
      ['dev-sales', ['sales']],
      ['dev-auditor', ['auditor']],
      ['dev-admin', ['admin']],
    ]);
    expect(new Set(devKeys.keys.map((k) => k.key)).size).toBe(5);
    for (const { key } of devKeys.keys) expect(key.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(devKeys.file).mode & 0o777).toBe(0o600);
    // The file has the API_KEYS format.
    expect(parseApiKeys(fs.readFileSync(devKeys.file, 'utf8'))).toEqual(devKeys.keys);
  });

  it('reuses the keys across restarts', () => {
    const first = generateDevKeys(dataDir);
    const second = generateDevKeys(dataDir);
    expect(second.created).toBe(false);
    expect(second.keys).toEqual(first.keys);
  });

  it('gives fresh keys to another data directory', () => {
    const other = path.join(dataDir, 'nested', 'deeper');
    expect(generateDevKeys(other).keys[0].key).not.toBe(generateDevKeys(dataDir).keys[0].key);
  });

  it('works in an existing, non-empty data directory and leaves the rest alone', () => {
    fs.writeFileSync(path.join(dataDir, 'other.txt'), 'keep me');
    generateDevKeys(dataDir);
    expect(fs.readFileSync(path.join(dataDir, 'other.txt'), 'utf8')).toBe('keep me');
    expect(fs.readdirSync(dataDir).sort()).toEqual([DEV_KEYS_FILE, 'other.txt']);
  });

  it('refuses to overwrite a damaged key file, saying how to recover', () => {
    fs.writeFileSync(path.join(dataDir, DEV_KEYS_FILE), '{ not json');
    expect(() => generateDevKeys(dataDir)).toThrow(/dev-api-keys\.json is not a valid API key file .*delete it/);
  });
});
