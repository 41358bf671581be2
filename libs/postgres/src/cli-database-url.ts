import * as fs from 'node:fs';
import * as path from 'node:path';

export type ResolvedDatabaseUrl = Readonly<{ url: string; source: string }>;

/** Where a running `npm start` leaves its embedded cluster's URL (mode 0600: it holds a password). */
export const POSTGRES_URL_FILE = 'postgres.url';

/**
 * For the CLIs: DATABASE_URL, else the embedded cluster of a running `npm start`, which writes its URL to
 * `<DATA_DIR>/postgres.url`. Throws a message that says what to do when there is neither.
 */
export function resolveDatabaseUrl(config: { databaseUrl?: string | null; dataDir?: string | null }): ResolvedDatabaseUrl {
  const fromEnv = config.databaseUrl?.trim();
  if (fromEnv) return { url: fromEnv, source: 'DATABASE_URL' };
  const dataDir = config.dataDir?.trim() || '.data';
  const file = path.resolve(dataDir, POSTGRES_URL_FILE);
  const url = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (url) return { url, source: file };
  throw new Error(
    `no database: DATABASE_URL is not set and ${file} does not exist (DATA_DIR=${dataDir}; a running npm start ` +
      `writes DATA_DIR/${POSTGRES_URL_FILE}). Start the platform (npm start), run this command with the DATA_DIR the ` +
      'platform uses, or set DATABASE_URL=postgres://…',
  );
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}
