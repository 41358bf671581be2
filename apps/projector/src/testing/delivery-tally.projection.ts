import { CUSTOMER_EVENT_TYPES } from '@klantcentraal/domain';
import type { Projection } from '@klantcentraal/projections';

/** Created by the crash test (not a migration: it is no read model). */
export const DELIVERY_TALLY_TABLE_SQL = `CREATE TABLE read_models.crash_test_tally (stream text PRIMARY KEY, deliveries int NOT NULL)`;

/**
 * Counts every event delivered to it, per stream — deliberately NOT idempotent. The read models skip redeliveries by
 * themselves (they keep each customer's last position), so a runner that applied a batch twice would leave their rows
 * unchanged; this tally would show it.
 */
export const deliveryTallyProjection: Projection = {
  name: 'crash-test-tally',
  tables: ['crash_test_tally'],
  eventTypes: CUSTOMER_EVENT_TYPES,
  async apply(events, { client, schema }) {
    await client.query(
      `INSERT INTO "${schema}".crash_test_tally AS t (stream, deliveries)
       SELECT stream, count(*) FROM unnest($1::text[]) AS s(stream) GROUP BY stream
       ON CONFLICT (stream) DO UPDATE SET deliveries = t.deliveries + EXCLUDED.deliveries`,
      [events.map((e) => e.stream)],
    );
  },
};
