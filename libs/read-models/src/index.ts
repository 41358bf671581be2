export { READ_MODEL_MIGRATIONS, ReadModelsSchema1767312000000 } from './read-models.migrations';
export { READ_MODEL_SCHEMA, END_OF_TIME, type Queryable } from './read-model-schema';
export { toStoredCustomerEvent, toStoredCustomerEvents, toStoredCustomerStreamEvent, toStoredCustomerStreamEvents, customerIdOf } from './recorded-event';
export type { Period } from './period';
export { createProjections, ALL_PROJECTIONS, type ReadModelProjectionsOptions } from './projections';

export * from './customer-definition/customer-definition.store';

export {
  CustomerProfileProjection,
  customerProfileRow,
  CUSTOMER_PROFILES_TABLE,
  type CustomerProfileRow,
  type CustomerProfileProjectionOptions,
} from './customer-profile/customer-profile.projection';
export * from './customer-profile/customer-profile.query';

export { LIFECYCLE_PHASE_HISTORY_TABLE } from './lifecycle/lifecycle-phase-history.writer';
export * from './lifecycle/lifecycle.query';

export { NpsResponsesProjection, NPS_RESPONSES_TABLE, type NpsResponsesProjectionOptions } from './nps/nps.projection';
export * from './nps/nps.query';

export { COMPLAINTS_TABLE } from './complaints/complaints.writer';
export * from './complaints/complaints.query';

export { EXPERIENCES_TABLE } from './experience/experience.writer';
export * from './experience/experience.query';

export { FunnelProjection, OPPORTUNITY_STAGES_TABLE } from './funnel/funnel.projection';
export * from './funnel/funnel.query';

export { InsightsProjection, INSIGHTS_PROJECTION, type InsightsProjectionOptions } from './insights/insights.projection';
export {
  InsightTimer,
  startInsightTimer,
  type InsightTimerOptions,
  type InsightTimerTick,
  type RunningInsightTimer,
} from './insights/insight-timer';
export { InsightWatchSchema1767744000000 } from './insights/insight-watch.migrations';
export { INSIGHT_WATCH_TABLE, INSIGHT_EMISSION_TABLE } from './insights/insight-watch.store';
