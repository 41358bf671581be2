import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseApiKeys, ROLES, type ApiKeySpec } from '@klantcentraal/config';

export const DEV_KEYS_FILE = 'dev-api-keys.json';

export type DevKeys = Readonly<{
  /** Absolute path of `<dataDir>/dev-api-keys.json`. */
  file: string;
  /** true when this call generated the file, false when it reused the one from an earlier start. */
  created: boolean;
  keys: readonly ApiKeySpec[];
}>;

/**
 * Dev keys for when `API_KEYS` is unset: one random key per role (`dev-ingest`, `dev-analyst`, `dev-sales`,
 * `dev-auditor`, `dev-admin`), kept in `<dataDir>/dev-api-keys.json` (mode 0600) so they survive restarts.
 * The file has the `API_KEYS` format, so its content can be pasted into that variable as is.
 */
export function generateDevKeys(dataDir: string): DevKeys {
  const file = path.resolve(dataDir, DEV_KEYS_FILE);
  const existing = readDevKeys(file);
  if (existing) return { file, created: false, keys: existing };

  fs.mkdirSync(path.dirname(file), { recursive: true });
  const content: Record<string, { name: string; roles: string[] }> = {};
  for (const role of ROLES) {
    content[`kc_${role}_${randomBytes(24).toString('base64url')}`] = { name: `dev-${role}`, roles: [role] };
  }
  // Write a private temp file, then link it into place: readers never see a half-written file, and when two
  // processes start at once the first link wins and the other reads the winner's keys.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  try {
    fs.chmodSync(temp, 0o600); // the umask could only have narrowed it, but be explicit
    fs.linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const raced = readDevKeys(file);
    if (!raced) throw new Error(`${file} appeared concurrently but holds no keys`);
    return { file, created: false, keys: raced };
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return { file, created: true, keys: parseApiKeys(JSON.stringify(content)) };
}

function readDevKeys(file: string): ApiKeySpec[] | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return parseApiKeys(text);
  } catch (err) {
    // Never overwrite silently: a client may hold these keys. Deleting the file gives fresh ones.
    throw new Error(`${file} is not a valid API key file (${(err as Error).message}); delete it to generate new dev keys`);
  }
}

/**
 * Where a caller finds an API key, for 401 messages: the generated dev key file (under DATA_DIR), or API_KEYS.
 */
export function apiKeysHint(devKeysFile: string | null): string {
  return devKeysFile
    ? `the dev keys are in ${devKeysFile} (DATA_DIR/${DEV_KEYS_FILE}; printed at start)`
    : 'the keys are configured in API_KEYS';
}
