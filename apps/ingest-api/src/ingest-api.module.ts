import { randomUUID } from 'node:crypto';
import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { EventStore } from '@klantcentraal/event-store';
import { BulkRecordTouchpointsHandler } from './events/bulk-record-touchpoints.handler';
import { EventsController } from './events/events.controller';
import { IngestPipeline } from './events/ingest-pipeline';
import { RecordTouchpointsHandler } from './events/record-touchpoints.handler';
import { CLOCK, EVENT_STORE, ID_GENERATOR, type Clock, type IdGenerator } from './ingest-api.tokens';

export type IngestApiOptions = Readonly<{
  eventStore: EventStore;
  /** Default: the system clock. */
  clock?: Clock;
  /** Ids of events sent without an eventId; default: random UUIDs. */
  idGenerator?: IdGenerator;
}>;

/**
 * `POST /v1/customers/{customerId}/events` and `POST /v1/events` (role `ingest`). The root module supplies the
 * HTTP shell (configureHttpApp) and authentication (AuthModule).
 */
@Module({})
export class IngestApiModule {
  static register(options: IngestApiOptions): DynamicModule {
    return {
      module: IngestApiModule,
      imports: [CqrsModule.forRoot()],
      controllers: [EventsController],
      providers: [
        { provide: EVENT_STORE, useValue: options.eventStore },
        { provide: CLOCK, useValue: options.clock ?? (() => new Date()) },
        { provide: ID_GENERATOR, useValue: options.idGenerator ?? (() => randomUUID()) },
        IngestPipeline,
        RecordTouchpointsHandler,
        BulkRecordTouchpointsHandler,
      ],
    };
  }
}
