import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ApiKeySpec } from '@klantcentraal/config';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyRegistry } from './api-key-registry';
import { SessionController } from './session.controller';

export type AuthModuleOptions = Readonly<{ keys: readonly ApiKeySpec[] }>;

/**
 * Import once, in the root module: installs ApiKeyGuard for every route of the application, and `GET /v1/session`
 * (the calling key's name and roles).
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      controllers: [SessionController],
      providers: [
        { provide: ApiKeyRegistry, useValue: new ApiKeyRegistry(options.keys) },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
      exports: [ApiKeyRegistry],
    };
  }
}
