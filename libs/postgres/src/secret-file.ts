import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';

/** A generated secret kept in `file` (mode 0600): read when present, else created (24 random bytes, base64url). */
export function readOrCreateSecret(file: string): string {
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing) {
      fs.chmodSync(file, 0o600); // a copy restored with a wider mode is narrowed again
      return existing;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600); // the umask could only have narrowed it, but be explicit
  return secret;
}
