import { createHash, hash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units), no whitespace, strings and numbers as JSON.stringify
 * writes them (RFC 8785-style), so equal payloads hash equally. Like JSON.stringify it uses `toJSON` (a Date becomes
 * its ISO string), leaves out undefined (function, symbol) object members and writes such array elements as null.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null'; // as JSON.stringify: -0 → 0, NaN/±Infinity → null
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON(): unknown }).toJSON());
      // Plain loops and one sort: this runs for every appended event (hash chain and idempotency key).
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (isJsonValue(value[i]) ? canonicalJson(value[i]) : 'null');
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length > 1) keys.sort(); // default sort: UTF-16 code units
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const member = record[keys[i]];
        if (!isJsonValue(member)) continue;
        out += (out.length === 1 ? '' : ',') + quotedKey(keys[i]) + ':' + canonicalJson(member);
      }
      return `${out}}`;
    }
    case 'bigint':
      throw new TypeError('canonicalJson: a BigInt is not JSON (as JSON.stringify says)');
    default:
      return 'null'; // undefined, a function or a symbol at the top level (JSON.stringify would return undefined)
  }
}

/**
 * Keys as JSON strings, remembered: the same few dozen field names recur in every event, and quoting them again for
 * each one was a visible share of an append's CPU. Bounded, so arbitrary keys cannot grow it without limit.
 */
const QUOTED_KEYS_MAX = 10_000;
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < QUOTED_KEYS_MAX) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** What JSON.stringify writes a member for (undefined, functions and symbols are left out of objects). */
const isJsonValue = (value: unknown): boolean => value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';

/** SHA-256 (hex) of the canonical JSON; the one-shot `crypto.hash` where Node has it (no Hash object per event). */
export function idempotencyHash(payload: unknown): string {
  const text = canonicalJson(payload);
  return typeof hash === 'function' ? hash('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
}
