import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ApiKeySpec } from '@klantcentraal/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { ApiKeyGuard, AUTH_KEYS_HINT } from './api-key.guard';
import { RateLimitGuard, throttlerOptions, type RateLimitOptions } from './rate-limit.guard';
import { ApiKeyRegistry } from './api-key-registry';
import { SessionController } from './session.controller';

export type AuthModuleOptions = Readonly<{
  keys: readonly ApiKeySpec[];
  /** Where a caller finds a key, for 401 messages, e.g. "the dev keys are in .data/dev-api-keys.json (DATA_DIR)". */
  keysHint?: string;
  /** Per-key and failed-authentication limits (defaults: RATE_LIMIT_PER_MINUTE's default, 30 failures a minute). */
  rateLimit?: RateLimitOptions;
}>;

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
      imports: [ThrottlerModule.forRoot(throttlerOptions(options.rateLimit))],
      providers: [
        RateLimitGuard,
        { provide: ApiKeyRegistry, useValue: new ApiKeyRegistry(options.keys) },
        { provide: AUTH_KEYS_HINT, useValue: options.keysHint ?? null },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
      exports: [ApiKeyRegistry],
    };
  }
}
