import type { Projection } from '@klantcentraal/projections';
import type { CustomerDefinitionProvider } from './customer-definition/customer-definition.store';
import { CustomerProfileProjection } from './customer-profile/customer-profile.projection';
import { FunnelProjection } from './funnel/funnel.projection';
import { InsightsProjection } from './insights/insights.projection';
import { NpsResponsesProjection } from './nps/nps.projection';

export type ReadModelProjectionsOptions = Readonly<{
  /**
   * The customer definition the writers derive phases and NPS categories with. Default: the active (highest)
   * version in `read_models.customer_definitions`, read in the runner's transaction once per batch.
   */
  definitionProvider?: CustomerDefinitionProvider;
  /**
   * The insights projection (`insights`: the real-time feed's source), which writes `feed.insight_outbox`: run
   * libs/messaging's MESSAGING_MIGRATIONS too. Default false (ALL_PROJECTIONS has it).
   */
  insights?: boolean;
}>;

/** The read-model writers, to register with the projection runner (with `insights: true` also the insights one). */
export function createProjections(options: ReadModelProjectionsOptions = {}): Projection[] {
  const projections: Projection[] = [new CustomerProfileProjection(options), new NpsResponsesProjection(options), new FunnelProjection()];
  if (options.insights) projections.push(new InsightsProjection(options));
  return projections;
}

/** Every read-model writer, insights included, with the stored (active) customer definition. */
export const ALL_PROJECTIONS: readonly Projection[] = createProjections({ insights: true });
