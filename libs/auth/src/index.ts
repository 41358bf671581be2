export * from './api-key-registry';
export * from './api-key.guard';
export { Principal, Public, Roles, PUBLIC_KEY, ROLES_KEY, principalOf } from './auth.decorators';
export * from './auth.module';
export * from './dev-keys';
export { SessionController, SessionDto } from './session.controller';
export * from './rate-limit.guard';
