import { DynamicModule, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HEALTH_OPTIONS, type HealthModuleOptions } from './health.options';
import { Readiness } from './readiness';

/**
 * `GET /health/live` and `GET /health/ready` (public). Register once in the root module; the composition root calls
 * `app.get(Readiness).markReady()` once migrations are done and the services listen.
 */
@Module({})
export class HealthModule {
  static register(options: HealthModuleOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      controllers: [HealthController],
      providers: [Readiness, { provide: HEALTH_OPTIONS, useValue: options }],
      exports: [Readiness],
    };
  }
}
