import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import type { EventStore } from '@klantcentraal/event-store';
import { activeCustomerDefinition, type CustomerDefinitionProvider } from '@klantcentraal/read-models';
import { CustomerDefinitionController } from './admin/customer-definition.controller';
import { GetCustomerDefinitionHandler } from './admin/get-customer-definition.handler';
import { SetCustomerDefinitionHandler } from './admin/set-customer-definition.handler';
import { MinPositionInterceptor } from './consistency/min-position.interceptor';
import { CustomersController } from './customers/customers.controller';
import { FindCustomersHandler } from './customers/find-customers.handler';
import { GetCustomerProfileHandler } from './customers/get-customer-profile.handler';
import { INSIGHT_HANDLERS } from './insights/get-insight.handlers';
import { InsightsController } from './insights/insights.controller';
import {
  EVENT_STORE,
  READ_MODELS,
  REQUEST_REBUILD,
  WAIT_FOR_POSITION,
  type Clock,
  type ReadModels,
  type RequestRebuild,
  type WaitForPosition,
} from './query-api.tokens';
import { GetTouchpointsHandler } from './touchpoints/get-touchpoints.handler';
import { TouchpointsController } from './touchpoints/touchpoints.controller';
import { WAREHOUSE_CONTROLLERS, warehouseProviders } from './warehouse/warehouse.providers';

export type QueryApiOptions = Readonly<{
  /** The database holding schema `read_models` (READ_MODEL_MIGRATIONS applied). */
  pool: Pool;
  /**
   * `X-Min-Position`: resolve once the projections have processed the position, reject with ProjectionLagError
   * after `timeoutMs` — wire `(p, t) => runner.waitForPosition(p, t)` of the ProjectionRunner. Without it the header
   * is answered with 503 projection-lag.
   */
  waitForPosition?: WaitForPosition;
  /** "Now" for segments, profiles without `asOf`, complaint figures and period ends. Default: the system clock. */
  clock?: Clock;
  /**
   * Called (not awaited) after `PUT /v1/admin/customer-definition` stored a new version: start a rebuild of the
   * read-model projections, e.g. `() => runner.rebuild()`. Without it the response says `rebuild: not-configured`.
   */
  requestRebuild?: RequestRebuild;
  /** The customer definition to view with. Default: the active version in read_models.customer_definitions. */
  definitionProvider?: CustomerDefinitionProvider;
  /** `X-Min-Position` on `/v1/warehouse/*`: `(p, t) => warehouseRunner.waitForPosition(p, t)` (its own runner, schema warehouse). */
  waitForWarehousePosition?: WaitForPosition;
  /** The event store `GET /v1/customers/{id}/touchpoints` reads from; without it that endpoint is not served. */
  eventStore?: EventStore;
}>;

/**
 * The analysts' and sales' read API: `GET /v1/customers/{id}`, `GET /v1/customers` (segments),
 * `GET /v1/customers/{id}/touchpoints` (from the event store), `GET /v1/insights/{nps,complaints,lifecycle,funnel,experience}` (roles analyst or sales) and the customer
 * definition (`GET`/`PUT /v1/admin/customer-definition`). The root module supplies the HTTP shell
 * (configureHttpApp) and authentication (AuthModule).
 */
@Module({})
export class QueryApiModule {
  static register(options: QueryApiOptions): DynamicModule {
    const clock = options.clock ?? (() => new Date());
    const definitionProvider = options.definitionProvider ?? activeCustomerDefinition;
    const readModels: ReadModels = {
      pool: options.pool,
      now: () => clock().toISOString(),
      definition: () => definitionProvider(options.pool),
    };
    return {
      module: QueryApiModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        CustomersController,
        ...(options.eventStore ? [TouchpointsController] : []),
        InsightsController,
        CustomerDefinitionController,
        ...WAREHOUSE_CONTROLLERS,
      ],
      providers: [
        { provide: READ_MODELS, useValue: readModels },
        { provide: WAIT_FOR_POSITION, useValue: options.waitForPosition ?? null },
        { provide: REQUEST_REBUILD, useValue: options.requestRebuild ?? null },
        MinPositionInterceptor,
        GetCustomerProfileHandler,
        FindCustomersHandler,
        ...INSIGHT_HANDLERS,
        GetCustomerDefinitionHandler,
        SetCustomerDefinitionHandler,
        ...warehouseProviders(options.waitForWarehousePosition),
        ...(options.eventStore ? [{ provide: EVENT_STORE, useValue: options.eventStore }, GetTouchpointsHandler] : []),
      ],
    };
  }
}
