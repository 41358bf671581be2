import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { DEFAULT_CUSTOMER_DEFINITION, type CustomerDefinition } from '@klantcentraal/domain';
import type { EventStore } from '@klantcentraal/event-store';
import { activeCustomerDefinition } from '@klantcentraal/read-models';
import { CLOCK, DEFINITION, EVENT_STORE, type Clock, type DefinitionProvider } from './audit-api.tokens';
import { CustomerHistoryController } from './history/customer-history.controller';
import { ReadCustomerHistoryHandler } from './history/read-customer-history.handler';
import { CustomerStateController } from './state/customer-state.controller';
import { GetCustomerStateHandler } from './state/get-customer-state.handler';
import { CustomerVerificationController } from './verify/customer-verification.controller';
import { VerifyCustomerStreamHandler } from './verify/verify-customer-stream.handler';

export type AuditApiOptions = Readonly<{
  eventStore: EventStore;
  /**
   * The platform database: the as-of profile is viewed with the active customer definition of
   * `read_models.customer_definitions`, as the query API does. Without it (and without `definitionProvider`): the
   * default definition.
   */
  pool?: Pool;
  /** "Now" for `state` without `asOf`. Default: the system clock. */
  clock?: Clock;
  /** Overrides the definition the as-of profile is viewed with. */
  definitionProvider?: DefinitionProvider;
}>;

/**
 * The auditors' API (role `auditor`; `admin` may too): `GET /v1/audit/customers/{id}/events` (the whole stream,
 * JSON or NDJSON, streamed), `…/state?asOf=&basis=recorded|occurred` (bitemporal replay) and `…/verify` (hash
 * chain). The root module supplies the HTTP shell (configureHttpApp) and authentication (AuthModule).
 */
@Module({})
export class AuditApiModule {
  static register(options: AuditApiOptions): DynamicModule {
    const pool = options.pool;
    const definition: DefinitionProvider =
      options.definitionProvider ?? (pool ? () => activeDefinitionOrDefault(pool) : async () => DEFAULT_CUSTOMER_DEFINITION);
    return {
      module: AuditApiModule,
      imports: [CqrsModule.forRoot()],
      controllers: [CustomerHistoryController, CustomerStateController, CustomerVerificationController],
      providers: [
        { provide: EVENT_STORE, useValue: options.eventStore },
        { provide: CLOCK, useValue: options.clock ?? (() => new Date()) },
        { provide: DEFINITION, useValue: definition },
        ReadCustomerHistoryHandler,
        GetCustomerStateHandler,
        VerifyCustomerStreamHandler,
      ],
    };
  }
}

/** The active stored definition; the default one where the read-model schema does not exist (an audit-only database). */
async function activeDefinitionOrDefault(pool: Pool): Promise<CustomerDefinition> {
  try {
    return await activeCustomerDefinition(pool);
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return DEFAULT_CUSTOMER_DEFINITION; // undefined_table
    throw err;
  }
}
