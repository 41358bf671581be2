import { DynamicModule, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import type { EventStore } from '@klantcentraal/event-store';
import { PersonalDataPolicyModule, type ErasureService } from '@klantcentraal/privacy';
import { AccessLogController } from './access-log/access-log.controller';
import { ErasuresController } from './erasures/erasures.controller';
import { ExportController } from './export/export.controller';
import { ERASURES, PRIVACY_EVENT_STORE, PRIVACY_POOL } from './privacy-api.tokens';

export type PrivacyApiOptions = Readonly<{
  pool: Pool;
  /** The encrypting event store (createPrivacy().eventStore). */
  eventStore: EventStore;
  erasures: ErasureService;
}>;

/**
 * Privacy over HTTP: erasures and subject-access exports (role `admin`), the access log (role `auditor`), and the
 * personal-data policy every read of the app passes through (scoping, masking, access logging) — a global
 * interceptor, so it covers the routes of the other services composed into the same app.
 */
@Module({})
export class PrivacyApiModule {
  static register(options: PrivacyApiOptions): DynamicModule {
    return {
      module: PrivacyApiModule,
      imports: [PersonalDataPolicyModule.register({ pool: options.pool })],
      controllers: [ErasuresController, ExportController, AccessLogController],
      providers: [
        { provide: PRIVACY_POOL, useValue: options.pool },
        { provide: PRIVACY_EVENT_STORE, useValue: options.eventStore },
        { provide: ERASURES, useValue: options.erasures },
      ],
    };
  }
}
