import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { validationException } from '@klantcentraal/http';
import { basketRules, BASKET_DEFAULTS, cohortRetention, rfmScores, touchpointsByDimensions } from '@klantcentraal/warehouse';
import { READ_MODELS, type ReadModels } from '../query-api.tokens';
import { GetWarehouseBasketQuery, GetWarehouseCohortsQuery, GetWarehouseRfmQuery, GetWarehouseTouchpointsQuery } from './get-warehouse.queries';

@QueryHandler(GetWarehouseTouchpointsQuery)
export class GetWarehouseTouchpointsHandler implements IQueryHandler<GetWarehouseTouchpointsQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ period, groupBy }: GetWarehouseTouchpointsQuery) {
    const to = period.to ?? this.readModels.now();
    if (period.from !== undefined && Date.parse(period.from) >= Date.parse(to)) {
      throw validationException([{ path: 'from', message: `must be earlier than to (default: now, ${to})` }]);
    }
    return touchpointsByDimensions(this.readModels.pool, { from: period.from ?? null, to, groupBy });
  }
}

@QueryHandler(GetWarehouseBasketQuery)
export class GetWarehouseBasketHandler implements IQueryHandler<GetWarehouseBasketQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ options }: GetWarehouseBasketQuery) {
    return basketRules(this.readModels.pool, {
      level: options.level ?? BASKET_DEFAULTS.level,
      minSupport: options.minSupport ?? BASKET_DEFAULTS.minSupport,
      minConfidence: options.minConfidence ?? BASKET_DEFAULTS.minConfidence,
      limit: options.limit ?? BASKET_DEFAULTS.limit,
      from: options.from ?? null,
      to: options.to ?? null,
    });
  }
}

@QueryHandler(GetWarehouseCohortsQuery)
export class GetWarehouseCohortsHandler implements IQueryHandler<GetWarehouseCohortsQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ by, asOf }: GetWarehouseCohortsQuery) {
    return cohortRetention(this.readModels.pool, { by: by ?? 'month', asOf: asOf ?? this.readModels.now() });
  }
}

@QueryHandler(GetWarehouseRfmQuery)
export class GetWarehouseRfmHandler implements IQueryHandler<GetWarehouseRfmQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ asOf }: GetWarehouseRfmQuery) {
    return rfmScores(this.readModels.pool, { asOf: asOf ?? this.readModels.now() });
  }
}

export const WAREHOUSE_HANDLERS = [GetWarehouseTouchpointsHandler, GetWarehouseBasketHandler, GetWarehouseCohortsHandler, GetWarehouseRfmHandler];
