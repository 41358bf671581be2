import { Query } from '@nestjs/cqrs';
import type { BasketAnalysis, BasketLevel, CohortPeriod, CohortRow, RfmRow, TouchpointDimension, TouchpointsRow } from '@klantcentraal/warehouse';

/** Touchpoints in [from, to) (to default: now) by the given dimensions. */
export class GetWarehouseTouchpointsQuery extends Query<{ rows: TouchpointsRow[] }> {
  constructor(
    readonly period: Readonly<{ from?: string; to?: string }>,
    readonly groupBy: readonly TouchpointDimension[],
  ) {
    super();
  }
}

/** Association rules over the orders placed in [from, to). */
export class GetWarehouseBasketQuery extends Query<BasketAnalysis> {
  constructor(
    readonly options: Readonly<{ level?: BasketLevel; minSupport?: number; minConfidence?: number; limit?: number; from?: string; to?: string }>,
  ) {
    super();
  }
}

/** Retention per first-purchase cohort, as of a moment (default: now). */
export class GetWarehouseCohortsQuery extends Query<{ rows: CohortRow[] }> {
  constructor(
    readonly by: CohortPeriod | undefined,
    readonly asOf: string | undefined,
  ) {
    super();
  }
}

/** Recency, frequency and monetary quintiles per customer, as of a moment (default: now). */
export class GetWarehouseRfmQuery extends Query<{ asOf: string; rows: RfmRow[] }> {
  constructor(readonly asOf: string | undefined) {
    super();
  }
}
