import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { nextIv } from './field-cipher';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The key-encryption key (KEK) port: data keys are stored only wrapped by it. The local implementation keeps the
 * KEK in memory (from `MASTER_KEY` or a generated file); a KMS implements the same two calls (wrap = KMS Encrypt,
 * unwrap = KMS Decrypt) and the key material never enters the process.
 */
export interface KeyEncryptionKey {
  /** Names the KEK a data key was wrapped with (stored beside it), so a wrong KEK is reported as such. */
  readonly id: string;
  wrap(dataKey: Buffer): Promise<Buffer>;
  unwrap(wrapped: Buffer): Promise<Buffer>;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const MASTER_KEY_FILE = 'master.key';

/** AES-256-GCM key wrapping with a 32-byte KEK held in memory. */
export class LocalKeyEncryptionKey implements KeyEncryptionKey {
  readonly id: string;

  constructor(private readonly kek: Buffer) {
    if (kek.length !== 32) throw new Error('the key-encryption key must be 32 bytes');
    // A fingerprint, not the key: tells KEKs apart without revealing anything useful.
    this.id = `local:${createHash('sha256').update('klantcentraal-kek-id').update(kek).digest('hex').slice(0, 16)}`;
  }

  async wrap(dataKey: Buffer): Promise<Buffer> {
    const iv = nextIv(); // IV_BYTES of pooled CSPRNG output, each used once
    const cipher = createCipheriv('aes-256-gcm', this.kek, iv);
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  async unwrap(wrapped: Buffer): Promise<Buffer> {
    const decipher = createDecipheriv('aes-256-gcm', this.kek, wrapped.subarray(0, IV_BYTES));
    decipher.setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error('a data key does not unwrap with this key-encryption key (MASTER_KEY differs from the one it was wrapped with)');
    }
  }
}

/**
 * The KEK from `MASTER_KEY` (base64 of 32 bytes), else from `<dataDir>/master.key`, generated there (mode 0600) on
 * first use. Errors name the setting, never its value.
 */
export function loadKeyEncryptionKey(options: Readonly<{ masterKey?: string | null; dataDir: string }>): LocalKeyEncryptionKey {
  if (options.masterKey) {
    const key = Buffer.from(options.masterKey.trim(), 'base64');
    if (key.length !== 32 || key.toString('base64') !== options.masterKey.trim()) {
      throw new Error('MASTER_KEY must be base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)');
    }
    return new LocalKeyEncryptionKey(key);
  }
  const file = path.join(options.dataDir, MASTER_KEY_FILE);
  fs.mkdirSync(options.dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  fs.chmodSync(file, 0o600);
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold base64 of 32 bytes`);
  return new LocalKeyEncryptionKey(key);
}
