import { resolveDatabaseUrl as resolve, type ResolvedDatabaseUrl } from '@klantcentraal/postgres';

export { redactUrl } from '@klantcentraal/postgres';

/** DATABASE_URL, else `<DATA_DIR or .data>/postgres.url` of a running `npm start`. */
export const resolveDatabaseUrl = (env: NodeJS.ProcessEnv = process.env): ResolvedDatabaseUrl =>
  resolve({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
