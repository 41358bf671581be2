export * from './embedded-postgres';
export * from './migrations';
export * from './pool';
export * from './app-role';
export * from './database-unavailable';
export * from './postgres-supervisor';
