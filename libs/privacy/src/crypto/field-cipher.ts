import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

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

/**
 * Per-value costs paid on every append of personal data, kept small: IVs are cut from a pooled buffer of CSPRNG
 * output (one `randomBytes` call per 256 values instead of one each — the same random bytes, each used once), the
 * AES key object and the AAD bytes of a field path are made once, and the sealed bytes are written into one buffer.
 */
const IV_POOL_VALUES = 256;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;

/** 12 fresh random bytes for one AES-GCM encryption (a field value, or a data key wrapped by the local KEK). */
export function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_BYTES * IV_POOL_VALUES);
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

/** Keyed by the data key's Buffer: a key store hands out the same Buffer for a key while it caches it. */
const keyObjects = new WeakMap<Buffer, KeyObject>();
const aadOfPath = new Map<string, Buffer>();

function keyObjectOf(key: Buffer): KeyObject {
  let keyObject = keyObjects.get(key);
  if (!keyObject) keyObjects.set(key, (keyObject = createSecretKey(key)));
  return keyObject;
}

function aadOf(path: string): Buffer {
  let aad = aadOfPath.get(path);
  if (!aad) {
    aad = Buffer.from(path, 'utf8');
    // Paths are the catalogue's personal fields (`data.name`, …): a handful. Bounded all the same.
    if (aadOfPath.size < 1000) aadOfPath.set(path, aad);
  }
  return aad;
}

export function encryptValue(key: Buffer, keyId: string, path: string, plaintext: string): string {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', keyObjectOf(key), iv);
  cipher.setAAD(aadOf(path));
  const body = cipher.update(plaintext, 'utf8');
  const tail = cipher.final(); // empty for GCM, but part of the API
  const sealed = Buffer.allocUnsafe(IV_BYTES + TAG_BYTES + body.length + tail.length);
  iv.copy(sealed, 0);
  cipher.getAuthTag().copy(sealed, IV_BYTES);
  body.copy(sealed, IV_BYTES + TAG_BYTES);
  tail.copy(sealed, IV_BYTES + TAG_BYTES + body.length);
  return `${PREFIX}${keyId}:${sealed.toString('base64')}`;
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
