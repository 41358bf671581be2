export { redactUrl, resolveDatabaseUrl, type ResolvedDatabaseUrl } from '@klantcentraal/postgres';
