import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { validationException } from '@klantcentraal/http';
import { complaintsInsight, experienceInsight, funnelInsight, lifecyclePhaseCounts, npsInsight } from '@klantcentraal/read-models';
import { READ_MODELS, type ReadModels } from '../query-api.tokens';
import {
  GetComplaintsInsightQuery,
  GetExperienceInsightQuery,
  GetFunnelInsightQuery,
  GetLifecycleInsightQuery,
  GetNpsInsightQuery,
} from './get-insight.queries';

/** A period's end defaults to now: what has occurred so far. */
const upToNow = (period: { from?: string | null; to?: string | null }, now: string) => ({ from: period.from ?? null, to: period.to ?? now });

@QueryHandler(GetNpsInsightQuery)
export class GetNpsInsightHandler implements IQueryHandler<GetNpsInsightQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ period, size, accountManager }: GetNpsInsightQuery) {
    const { pool, now, definition } = this.readModels;
    return npsInsight(pool, { ...upToNow(period, now()), size, accountManager }, await definition());
  }
}

@QueryHandler(GetComplaintsInsightQuery)
export class GetComplaintsInsightHandler implements IQueryHandler<GetComplaintsInsightQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ period }: GetComplaintsInsightQuery) {
    const { pool, now, definition } = this.readModels;
    const moment = now();
    return complaintsInsight(pool, upToNow(period, moment), moment, await definition());
  }
}

@QueryHandler(GetLifecycleInsightQuery)
export class GetLifecycleInsightHandler implements IQueryHandler<GetLifecycleInsightQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ asOf }: GetLifecycleInsightQuery) {
    return lifecyclePhaseCounts(this.readModels.pool, asOf ?? this.readModels.now());
  }
}

@QueryHandler(GetFunnelInsightQuery)
export class GetFunnelInsightHandler implements IQueryHandler<GetFunnelInsightQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ period }: GetFunnelInsightQuery) {
    const { from, to } = upToNow(period, this.readModels.now());
    if (from !== null && Date.parse(from) >= Date.parse(to)) {
      throw validationException([{ path: 'from', message: `must be earlier than to (default: now, ${to})` }]);
    }
    return funnelInsight(this.readModels.pool, { from, to });
  }
}

@QueryHandler(GetExperienceInsightQuery)
export class GetExperienceInsightHandler implements IQueryHandler<GetExperienceInsightQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ period }: GetExperienceInsightQuery) {
    return experienceInsight(this.readModels.pool, upToNow(period, this.readModels.now()));
  }
}

export const INSIGHT_HANDLERS = [
  GetNpsInsightHandler,
  GetComplaintsInsightHandler,
  GetLifecycleInsightHandler,
  GetFunnelInsightHandler,
  GetExperienceInsightHandler,
];
