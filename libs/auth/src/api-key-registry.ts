import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeySpec, Role } from '@klantcentraal/config';

/** Who is calling: the API key's name (recorded as the recorder of events it sends) and its roles. */
export type Principal = Readonly<{ name: string; roles: readonly Role[] }>;

type Entry = Readonly<{ digest: Buffer; principal: Principal }>;

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The configured API keys. Only SHA-256 digests are kept, and a presented key is compared with every one of them in
 * constant time (equal-length digests, `timingSafeEqual`, no early exit), so response timing tells nothing about
 * how much of a key was right.
 */
export class ApiKeyRegistry {
  private readonly entries: readonly Entry[];

  constructor(specs: readonly ApiKeySpec[]) {
    const seen = new Set<string>();
    this.entries = specs.map((spec) => {
      const digest = sha256(spec.key);
      const hex = digest.toString('hex');
      if (seen.has(hex)) throw new Error(`API key "${spec.name}" is configured more than once`);
      seen.add(hex);
      return { digest, principal: Object.freeze({ name: spec.name, roles: Object.freeze([...spec.roles]) }) };
    });
  }

  /** The principal of a presented key, or null when the key is unknown. */
  authenticate(presentedKey: string): Principal | null {
    const digest = sha256(presentedKey);
    let match: Principal | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(digest, entry.digest)) match = entry.principal;
    }
    return match;
  }

  get size(): number {
    return this.entries.length;
  }
}

/** `admin` may do everything; otherwise the principal needs one of the roles. */
export function hasAnyRole(principal: Principal, required: readonly Role[]): boolean {
  return principal.roles.includes('admin') || required.some((role) => principal.roles.includes(role));
}
