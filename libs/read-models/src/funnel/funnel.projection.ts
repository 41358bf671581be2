import { evolveOpportunity, type OpportunityStageChanged, type StoredCustomerEvent } from '@klantcentraal/domain';
import type { RecordedEvent } from '@klantcentraal/event-store';
import type { Projection, ProjectionContext } from '@klantcentraal/projections';
import { deleteCustomers, qualified } from '../read-model-schema';
import { customerIdsOfStreams, toStoredCustomerEvents } from '../recorded-event';

export const OPPORTUNITY_STAGES_TABLE = 'opportunity_stages';

/**
 * One row per OpportunityStageChanged, keyed by the event's global position (each change counts once). An
 * opportunity's history is its rows in `occurredAt`, `stream_revision` order — what `evolveOpportunity` keeps.
 */
export class FunnelProjection implements Projection {
  readonly name = 'funnel';
  readonly tables = [OPPORTUNITY_STAGES_TABLE] as const;
  readonly eventTypes = ['OpportunityStageChanged'] as const;

  async apply(events: readonly RecordedEvent[], { client, schema }: ProjectionContext): Promise<void> {
    const rows = toStoredCustomerEvents(events)
      .filter((event): event is StoredCustomerEvent<OpportunityStageChanged> => event.type === 'OpportunityStageChanged')
      .map((event) => {
        // The domain's fold normalises the change (occurredAt in UTC, value or null).
        const [change] = evolveOpportunity(null, event).stages;
        return {
          global_position: change.globalPosition,
          customer_id: event.customerId,
          opportunity_id: event.data.opportunityId,
          stream_revision: change.streamRevision,
          stage: change.stage,
          value: change.value,
          occurred_at: change.occurredAt,
        };
      });
    if (rows.length === 0) return;
    await client.query(
      `INSERT INTO ${qualified(schema, OPPORTUNITY_STAGES_TABLE)}
         (global_position, customer_id, opportunity_id, stream_revision, stage, value, occurred_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(global_position bigint, customer_id text, opportunity_id text,
         stream_revision int, stage text, value numeric, occurred_at timestamptz)
       ON CONFLICT (global_position) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  async resetStreams(streams: readonly string[], { client, schema }: ProjectionContext): Promise<void> {
    await deleteCustomers(client, schema, this.tables, customerIdsOfStreams(streams));
  }
}
