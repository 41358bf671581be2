import { createHash, timingSafeEqual } from 'node:crypto';
import { apiKeyProblem, sha256EntryHex, type ApiKeySpec, type Role } from '@klantcentraal/config';

/**
 * Who is calling: the API key's name (recorded as the recorder of events it sends), its roles and, for a `sales` key
 * scoped to one account manager's customers, that employee's id.
 */
export type Principal = Readonly<{ name: string; roles: readonly Role[]; accountManager?: string }>;

type Entry = Readonly<{ digest: Buffer; principal: Principal }>;

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The configured API keys. Only SHA-256 digests are kept (a `sha256:<hex>` entry is one already), and a presented key
 * is compared with every one of them in constant time (equal-length digests, `timingSafeEqual`, no early exit), so
 * response timing tells nothing about how much of a key was right. A key that breaks the key rules (too short) is
 * refused here too, so no way of starting a service can accept one.
 */
export class ApiKeyRegistry {
  private readonly entries: readonly Entry[];

  constructor(specs: readonly ApiKeySpec[]) {
    const seen = new Set<string>();
    this.entries = specs.map((spec) => {
      const problem = apiKeyProblem(spec);
      if (problem) throw new Error(`API key rejected: ${problem}`);
      const hex = sha256EntryHex(spec.key);
      const digest = hex ? Buffer.from(hex, 'hex') : sha256(spec.key);
      if (seen.has(digest.toString('hex'))) throw new Error(`API key "${spec.name}" is configured more than once`);
      seen.add(digest.toString('hex'));
      const principal = { name: spec.name, roles: Object.freeze([...spec.roles]), ...(spec.accountManager ? { accountManager: spec.accountManager } : {}) };
      return { digest, principal: Object.freeze(principal) };
    });
  }

  /** The principal of a presented key, or null when the key is unknown. */
  authenticate(presentedKey: string): Principal | null {
    return this.identify(presentedKey)?.principal ?? null;
  }

  /** The principal and a stable id of the matched entry (a digest prefix, safe to use as a counter key). */
  identify(presentedKey: string): { principal: Principal; id: string } | null {
    const digest = sha256(presentedKey);
    let match: Entry | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(digest, entry.digest)) match = entry;
    }
    return match && { principal: match.principal, id: match.digest.toString('hex', 0, 16) };
  }

  get size(): number {
    return this.entries.length;
  }
}

/**
 * The account manager whose customers this principal may read, or null for no restriction: a key scoped with
 * `accountManager` that is not an admin (and not an analyst, who reads aggregates) sees only those customers.
 */
export function accountScope(principal: Principal): string | null {
  if (!principal.accountManager || principal.roles.includes('admin') || principal.roles.includes('analyst')) return null;
  return principal.accountManager;
}

/** Analysts read contacts' name and e-mail as null (contract v1.1 role scoping); a key with another reading role does not. */
export function masksContacts(principal: Principal): boolean {
  return principal.roles.includes('analyst') && !principal.roles.some((role) => role === 'admin' || role === 'sales');
}

/** `admin` may do everything; otherwise the principal needs one of the roles. */
export function hasAnyRole(principal: Principal, required: readonly Role[]): boolean {
  return principal.roles.includes('admin') || required.some((role) => principal.roles.includes(role));
}
