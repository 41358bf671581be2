import type { Projection } from '@klantcentraal/projections';
import type { CustomerDefinitionProvider } from './customer-definition/customer-definition.store';
import { CustomerProfileProjection } from './customer-profile/customer-profile.projection';
import { FunnelProjection } from './funnel/funnel.projection';
import { NpsResponsesProjection } from './nps/nps.projection';

export type ReadModelProjectionsOptions = Readonly<{
  /**
   * The customer definition the writers derive phases and NPS categories with. Default: the active (highest)
   * version in `read_models.customer_definitions`, read in the runner's transaction once per batch.
   */
  definitionProvider?: CustomerDefinitionProvider;
}>;

/** Every read-model writer, to register with the projection runner. */
export function createProjections(options: ReadModelProjectionsOptions = {}): Projection[] {
  return [new CustomerProfileProjection(options), new NpsResponsesProjection(options), new FunnelProjection()];
}

/** The writers with the stored (active) customer definition. */
export const ALL_PROJECTIONS: readonly Projection[] = createProjections();
