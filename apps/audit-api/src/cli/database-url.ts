import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * DATABASE_URL, else the embedded cluster of a running `npm start`, which writes its URL to
 * `<DATA_DIR or .data>/postgres.url`. Throws a message that says what to do when there is neither.
 */
export function resolveDatabaseUrl(env: NodeJS.ProcessEnv = process.env): { url: string; source: string } {
  const fromEnv = env.DATABASE_URL?.trim();
  if (fromEnv) return { url: fromEnv, source: 'DATABASE_URL' };
  const file = path.resolve(env.DATA_DIR?.trim() || '.data', 'postgres.url');
  const url = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (url) return { url, source: file };
  throw new Error(
    `no database: DATABASE_URL is not set and ${file} does not exist. ` +
      'Start the platform (npm start writes that file while it runs) or set DATABASE_URL=postgres://…',
  );
}

/** The URL without its password, for the log. */
export const redactUrl = (url: string): string => url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, '$1:***@');
