import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `feed`: the insight outbox. Deliberately NOT in `read_models`: read models are dropped, rebuilt and swapped,
 * while the outbox is a durable record of what was (or still has to be) published. A rebuild that re-derives an
 * insight finds its id here already and writes nothing (`ON CONFLICT (id) DO NOTHING`), so nothing is sent twice
 * because of a rebuild.
 *
 * - `seq`: publication order (the order the projector wrote the insights in); also the SSE history cursor.
 * - `id`: the CloudEvent id, stable across redelivery and replay.
 * - `sent_at`, `attempts`, `last_error`: the relay's bookkeeping. The partial index keeps "what is still unsent"
 *   cheap however large the table grows.
 */
export class FeedOutboxSchema1767398400000 implements MigrationInterface {
  readonly name = 'FeedOutboxSchema1767398400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS feed`);
    await q.query(`
      CREATE TABLE feed.insight_outbox (
        seq             BIGSERIAL   NOT NULL,
        id              TEXT        NOT NULL,
        customer_id     TEXT        COLLATE "C" NOT NULL,
        type            TEXT        NOT NULL,
        time            TIMESTAMPTZ NOT NULL,
        global_position BIGINT      NOT NULL,
        account_manager TEXT        NULL,
        data            JSONB       NOT NULL,
        created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
        sent_at         TIMESTAMPTZ NULL,
        attempts        INT         NOT NULL DEFAULT 0,
        last_error      TEXT        NULL,
        CONSTRAINT insight_outbox_pkey PRIMARY KEY (seq),
        CONSTRAINT insight_outbox_id_key UNIQUE (id),
        CONSTRAINT insight_outbox_type_check CHECK (type ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        CONSTRAINT insight_outbox_data_check CHECK (jsonb_typeof(data) = 'object')
      )`);
    // The relay's work queue.
    await q.query(`CREATE INDEX insight_outbox_unsent_idx ON feed.insight_outbox (seq) WHERE sent_at IS NULL`);
    // SSE history (`Last-Event-ID` resumes after a seq), filtered by account manager and/or insight type.
    await q.query(`CREATE INDEX insight_outbox_account_manager_idx ON feed.insight_outbox (account_manager, seq)`);
    await q.query(`CREATE INDEX insight_outbox_type_idx ON feed.insight_outbox (type, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS feed.insight_outbox`);
  }
}

/**
 * `traceparent`: the W3C trace context of the projection that wrote the insight (contract v1.2 "Traces"), for the
 * relay's publish span and the Kafka header of the same name. NULL when tracing was off or the event carried none.
 */
export class FeedOutboxTraceparent1768003200000 implements MigrationInterface {
  readonly name = 'FeedOutboxTraceparent1768003200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE feed.insight_outbox ADD COLUMN IF NOT EXISTS traceparent TEXT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE feed.insight_outbox DROP COLUMN IF EXISTS traceparent`);
  }
}

/** The messaging lib's migrations (independent of the read-model migrations; any order relative to them). */
export const MESSAGING_MIGRATIONS = [FeedOutboxSchema1767398400000, FeedOutboxTraceparent1768003200000] as const;
