import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decryptValue, encryptValue, isEncryptedValue, keyIdOf } from './field-cipher';
import { LocalKeyEncryptionKey, loadKeyEncryptionKey, MASTER_KEY_FILE } from './key-encryption-key';

describe('field cipher (AES-256-GCM per value)', () => {
  const key = randomBytes(32);
  const keyId = '2b0c8c7e-4a7e-4b8e-9a37-0d7f3a1c2e11';

  it('round-trips a value and names its key; two encryptions of one value differ', () => {
    const sealed = encryptValue(key, keyId, 'data.name', 'Anna de Vries');
    expect(isEncryptedValue(sealed)).toBe(true);
    expect(sealed).not.toContain('Anna');
    expect(keyIdOf(sealed)).toBe(keyId);
    expect(decryptValue(key, 'data.name', sealed)).toBe('Anna de Vries');
    expect(encryptValue(key, keyId, 'data.name', 'Anna de Vries')).not.toBe(sealed);
    expect(isEncryptedValue('Anna de Vries')).toBe(false);
  });

  it('refuses another key, another field, or altered ciphertext — without echoing the value', () => {
    const sealed = encryptValue(key, keyId, 'data.email', 'anna@example.nl');
    expect(() => decryptValue(randomBytes(32), 'data.email', sealed)).toThrow('encrypted data.email does not authenticate');
    expect(() => decryptValue(key, 'data.name', sealed)).toThrow('does not authenticate');
    const body = Buffer.from(sealed.slice(sealed.lastIndexOf(':') + 1), 'base64');
    body[body.length - 1] ^= 1;
    const altered = `${sealed.slice(0, sealed.lastIndexOf(':') + 1)}${body.toString('base64')}`;
    expect(() => decryptValue(key, 'data.email', altered)).toThrow(/^(?!.*anna).*does not authenticate/);
  });
});

describe('field cipher: pooled IVs and cached key objects', () => {
  it('gives every value its own IV across pool refills, and each value opens only under its own key', () => {
    const keys = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const sealed = Array.from({ length: 1000 }, (_, i) => ({ i, key: keys[i % 3], value: encryptValue(keys[i % 3], `k${i % 3}`, 'data.name', `Name ${i}`) }));
    const ivs = new Set(sealed.map((s) => Buffer.from(s.value.slice(s.value.lastIndexOf(':') + 1), 'base64').subarray(0, 12).toString('hex')));
    expect(ivs.size).toBe(1000);
    for (const s of sealed) {
      expect(decryptValue(s.key, 'data.name', s.value)).toBe(`Name ${s.i}`);
      expect(() => decryptValue(keys[(s.i + 1) % 3], 'data.name', s.value)).toThrow('does not authenticate');
    }
  });

  it('seals empty and multi-byte text', () => {
    const key = randomBytes(32);
    for (const text of ['', 'Zoë Ångström — 東京 🙂']) expect(decryptValue(key, 'data.subject', encryptValue(key, 'k', 'data.subject', text))).toBe(text);
  });
});

describe('key-encryption key', () => {
  it('wraps and unwraps data keys; another KEK cannot unwrap them and has another id', async () => {
    const kek = new LocalKeyEncryptionKey(randomBytes(32));
    const other = new LocalKeyEncryptionKey(randomBytes(32));
    const dataKey = randomBytes(32);
    const wrapped = await kek.wrap(dataKey);
    expect(wrapped.includes(dataKey)).toBe(false);
    expect((await kek.unwrap(wrapped)).equals(dataKey)).toBe(true);
    await expect(other.unwrap(wrapped)).rejects.toThrow('MASTER_KEY differs');
    expect(kek.id).not.toBe(other.id);
  });

  it('takes MASTER_KEY (base64, 32 bytes) or generates one into DATA_DIR with mode 0600, reused on the next start', () => {
    const master = randomBytes(32).toString('base64');
    expect(loadKeyEncryptionKey({ masterKey: master, dataDir: '/nonexistent' }).id).toBe(new LocalKeyEncryptionKey(Buffer.from(master, 'base64')).id);
    expect(() => loadKeyEncryptionKey({ masterKey: 'c2hvcnQ=', dataDir: '/nonexistent' })).toThrow('MASTER_KEY must be base64 of exactly 32 bytes');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-kek-'));
    try {
      const first = loadKeyEncryptionKey({ dataDir: dir });
      expect(fs.statSync(path.join(dir, MASTER_KEY_FILE)).mode & 0o777).toBe(0o600);
      expect(loadKeyEncryptionKey({ dataDir: dir }).id).toBe(first.id);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
