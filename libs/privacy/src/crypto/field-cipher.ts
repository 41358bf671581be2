import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * One personal field, encrypted with its data subject's data key (AES-256-GCM, a fresh 96-bit IV per value). The
 * stored value is a string, so the event keeps its JSON shape:
 *
 *   kc:v1:<keyId>:<base64(iv ‖ tag ‖ ciphertext)>
 *
 * The key id says which data key opens it (and, once that key is destroyed, that the value is erased). The field's
 * path is authenticated data: a ciphertext moved to another field does not decrypt.
 */
const PREFIX = 'kc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;

export const isEncryptedValue = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX);

/** The key id of an encrypted value (`isEncryptedValue` first). */
export function keyIdOf(value: string): string {
  const end = value.indexOf(':', PREFIX.length);
  if (end < 0) throw new Error('malformed encrypted value: no key id');
  return value.slice(PREFIX.length, end);
}

export function encryptValue(key: Buffer, keyId: string, path: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(path, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${PREFIX}${keyId}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

/** Throws (naming the path, never the value) when the value was altered or the key is not the one it was sealed with. */
export function decryptValue(key: Buffer, path: string, value: string): string {
  const sealed = Buffer.from(value.slice(value.indexOf(':', PREFIX.length) + 1), 'base64');
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error(`encrypted ${path} is malformed`);
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(path, 'utf8'));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`encrypted ${path} does not authenticate under its data key (altered, or a different key)`);
  }
}
