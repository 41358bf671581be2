/**
 * `npm run privacy -- <command>`. Exit codes: 0 done, 2 could not run. Prints ids and counts only, never a
 * personal value.
 */
import * as fs from 'node:fs';
import { redactUrl, resolveDatabaseUrl } from '@klantcentraal/config';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import { applyLedger, formatLedger, parseLedger, PRIVACY_MIGRATIONS, readLedger } from '@klantcentraal/privacy';

const USAGE = `usage: npm run privacy -- <command>
  ledger --out <file>          write the erasure ledger (JSON Lines: erasure id, customer, contact, basis, times,
                               position; no personal data) to <file>
  apply-ledger --from <file>   destroy the data keys a ledger's erasures cover (after restoring an older backup)
database: DATABASE_URL, else <DATA_DIR or .data>/postgres.url (written by a running npm start)`;

export type PrivacyCliIo = Readonly<{ out(line: string): void; err(line: string): void; env?: NodeJS.ProcessEnv }>;
const consoleIo: PrivacyCliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

export async function runPrivacyCli(argv: readonly string[], io: PrivacyCliIo = consoleIo): Promise<number> {
  const [command, flag, file, ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return 0;
  }
  const expected = command === 'ledger' ? '--out' : command === 'apply-ledger' ? '--from' : null;
  if (expected === null || flag !== expected || !file || rest.length > 0) {
    io.err(`${command ? `unknown or incomplete command "${argv.join(' ')}"` : 'no command'}\n${USAGE}`);
    return 2;
  }
  let url: string;
  try {
    const resolved = resolveDatabaseUrl(io.env ?? process.env);
    url = resolved.url;
    io.err(`database: ${redactUrl(url)} (from ${resolved.source})`);
  } catch (err) {
    io.err((err as Error).message);
    return 2;
  }
  await runMigrations(url, PRIVACY_MIGRATIONS);
  const pool = createPool(url, { max: 2 });
  try {
    if (command === 'ledger') {
      const entries = await readLedger(pool);
      fs.writeFileSync(file, formatLedger(entries), { mode: 0o600 });
      io.err(`wrote ${entries.length} erasure(s) to ${file}`);
    } else {
      const result = await applyLedger(pool, parseLedger(fs.readFileSync(file, 'utf8')));
      io.err(`applied ${file}: ${result.keysDestroyed} data key(s) destroyed, ${result.entriesAdded} erasure(s) added to the ledger`);
    }
    return 0;
  } catch (err) {
    io.err(`error: ${(err as Error).message}`);
    return 2;
  } finally {
    await pool.end();
  }
}
