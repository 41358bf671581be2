import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where a running `npm start` writes the URL of its embedded cluster, so the CLIs can find it. */
export const databaseUrlFile = (dataDir: string): string => path.resolve(dataDir, 'postgres.url');

export type ResolvedDatabaseUrl = Readonly<{ url: string; source: string }>;

type DatabaseSettings = Readonly<{ databaseUrl: string | null; dataDir: string }>;

/**
 * For the CLIs (npm run audit / projections / demo): DATABASE_URL, else the embedded cluster of a running
 * `npm start` found through `<DATA_DIR>/postgres.url`. Takes the loaded config, or the environment itself so a CLI
 * need not validate settings it does not use. Throws a message that says what to do when there is neither.
 */
export function resolveDatabaseUrl(from: DatabaseSettings | NodeJS.ProcessEnv = process.env): ResolvedDatabaseUrl {
  const settings: DatabaseSettings =
    'dataDir' in from && typeof from.dataDir === 'string'
      ? (from as DatabaseSettings)
      : { databaseUrl: (from as NodeJS.ProcessEnv).DATABASE_URL?.trim() || null, dataDir: (from as NodeJS.ProcessEnv).DATA_DIR?.trim() || '.data' };
  if (settings.databaseUrl) return { url: settings.databaseUrl, source: 'DATABASE_URL' };
  const file = databaseUrlFile(settings.dataDir);
  const url = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (url) return { url, source: file };
  throw new Error(
    `no database: DATABASE_URL is not set and ${file} does not exist (DATA_DIR=${settings.dataDir}; a running npm start ` +
      'writes DATA_DIR/postgres.url). Start the platform (npm start), give this command the DATA_DIR the platform uses, ' +
      'or set DATABASE_URL=postgres://…',
  );
}

/** The URL without its password, for logs. */
export const redactUrl = (url: string): string => url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, '$1:***@');
