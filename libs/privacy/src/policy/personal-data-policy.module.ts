import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Pool } from 'pg';
import { PERSONAL_DATA_POOL, PersonalDataInterceptor } from './personal-data.interceptor';

/**
 * Import into the root module of every process that serves reads of personal data (the all-in-one platform, and each
 * service started on its own): installs the personal-data policy (scoping, masking, access log) for all its routes.
 */
@Module({})
export class PersonalDataPolicyModule {
  static register(options: Readonly<{ pool: Pool }>): DynamicModule {
    return {
      module: PersonalDataPolicyModule,
      providers: [
        { provide: PERSONAL_DATA_POOL, useValue: options.pool },
        { provide: APP_INTERCEPTOR, useClass: PersonalDataInterceptor },
      ],
    };
  }
}
