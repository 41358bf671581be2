import { Query } from '@nestjs/cqrs';
import type { CompanySize, ComplaintSummary, NpsSummary } from '@klantcentraal/domain';
import type { ExperienceSummary, funnelInsight, LifecycleCounts, Period } from '@klantcentraal/read-models';

/** NPS of the responses in a period (`to` default: now). */
export class GetNpsInsightQuery extends Query<NpsSummary> {
  constructor(
    readonly period: Period,
    readonly size: CompanySize | undefined,
    readonly accountManager: string | undefined,
  ) {
    super();
  }
}

/** Figures of the complaints filed in a period, resolved or open now. */
export class GetComplaintsInsightQuery extends Query<ComplaintSummary> {
  constructor(readonly period: Period) {
    super();
  }
}

/** Customers per lifecycle phase at a moment (default: now). */
export class GetLifecycleInsightQuery extends Query<LifecycleCounts> {
  constructor(readonly asOf: string | undefined) {
    super();
  }
}

/** Opportunities per stage and stage-to-stage conversion in a period. */
export class GetFunnelInsightQuery extends Query<Awaited<ReturnType<typeof funnelInsight>>> {
  constructor(readonly period: Period) {
    super();
  }
}

/** Delivered quotes and promises in a period by experience. */
export class GetExperienceInsightQuery extends Query<ExperienceSummary> {
  constructor(readonly period: Period) {
    super();
  }
}
