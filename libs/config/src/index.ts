export * from './platform-config';
export * from './database-url';
