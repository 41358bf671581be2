export { startProjector, PROJECTOR_MIGRATIONS, type ProjectorOptions, type RunningProjector } from './projector';
export { resolveDatabaseUrl, type ResolvedDatabaseUrl } from './database-url';
