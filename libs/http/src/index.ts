export * from './configure-http-app';
export * from './error-body.dto';
export * from './http-error.filter';
export * from './validation';
export * from './validators';
export { HealthModule } from './health/health.module';
export type { HealthCheck, HealthModuleOptions } from './health/health.options';
export { Readiness } from './health/readiness';
export * from './standalone-service';
