import * as fs from 'node:fs';
import * as path from 'node:path';

export type ResolvedDatabaseUrl = Readonly<{ url: string; source: string }>;

/**
 * For the CLIs: DATABASE_URL, else the embedded cluster of a running `npm start`, which writes its URL to
 * `<DATA_DIR>/postgres.url`. Throws a message that says what to do when there is neither.
 */
export function resolveDatabaseUrl(config: { databaseUrl: string | null; dataDir: string }): ResolvedDatabaseUrl {
  if (config.databaseUrl) return { url: config.databaseUrl, source: 'DATABASE_URL' };
  const file = path.resolve(config.dataDir, 'postgres.url');
  if (fs.existsSync(file)) {
    const url = fs.readFileSync(file, 'utf8').trim();
    if (url) return { url, source: file };
  }
  throw new Error(
    `no database: DATABASE_URL is not set and ${file} does not exist. ` +
      'Start the platform (npm start, which writes that file while it runs) or set DATABASE_URL=postgres://…',
  );
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}
