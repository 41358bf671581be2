import { npsCategory, type NpsResponded, type StoredCustomerEvent } from '@klantcentraal/domain';
import type { RecordedEvent } from '@klantcentraal/event-store';
import type { Projection, ProjectionContext } from '@klantcentraal/projections';
import { activeCustomerDefinition, type CustomerDefinitionProvider } from '../customer-definition/customer-definition.store';
import { deleteCustomers, qualified } from '../read-model-schema';
import { customerIdsOfStreams, toStoredCustomerEvents } from '../recorded-event';

export const NPS_RESPONSES_TABLE = 'nps_responses';

export type NpsResponsesProjectionOptions = Readonly<{ definitionProvider?: CustomerDefinitionProvider }>;

/**
 * One row per NpsResponded, keyed by the event's global position: a response is counted once, however often it
 * is delivered (`ON CONFLICT DO NOTHING`). The improvement text (personal data) stays in the profile state.
 */
export class NpsResponsesProjection implements Projection {
  readonly name = 'nps-responses';
  readonly tables = [NPS_RESPONSES_TABLE] as const;
  readonly eventTypes = ['NpsResponded'] as const;
  private readonly definitionProvider: CustomerDefinitionProvider;

  constructor(options: NpsResponsesProjectionOptions = {}) {
    this.definitionProvider = options.definitionProvider ?? activeCustomerDefinition;
  }

  async apply(events: readonly RecordedEvent[], { client, schema }: ProjectionContext): Promise<void> {
    const responses = toStoredCustomerEvents(events).filter(
      (event): event is StoredCustomerEvent<NpsResponded> => event.type === 'NpsResponded',
    );
    if (responses.length === 0) return;
    const definition = await this.definitionProvider(client);
    const rows = responses.map((event) => ({
      global_position: event.globalPosition,
      customer_id: event.customerId,
      survey_id: event.data.surveyId,
      contact_id: event.data.contactId ?? null,
      occurred_at: event.occurredAt,
      score: event.data.score,
      category: npsCategory(event.data.score, definition),
      definition_version: definition.version,
    }));
    await client.query(
      `INSERT INTO ${qualified(schema, NPS_RESPONSES_TABLE)}
         (global_position, customer_id, survey_id, contact_id, occurred_at, score, category, definition_version)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(global_position bigint, customer_id text, survey_id text,
         contact_id text, occurred_at timestamptz, score smallint, category text, definition_version int)
       ON CONFLICT (global_position) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  async resetStreams(streams: readonly string[], { client, schema }: ProjectionContext): Promise<void> {
    await deleteCustomers(client, schema, this.tables, customerIdsOfStreams(streams));
  }
}
