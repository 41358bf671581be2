import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `event_store` (owned by these migrations, never by `synchronize`).
 *
 * - `events`: the global log. `global_position` is the primary key (read all by position); UNIQUE(stream,
 *   stream_revision) both enforces optimistic concurrency and serves "read stream"; UNIQUE(event_id) is the
 *   idempotency key and serves "find by event id". No further indexes: every write pays for each one.
 * - `streams`: one row per stream with its last revision — the row appenders lock to serialise appends to one
 *   stream. `last_hash` is reserved for the auditing feature (hash chain); it stays NULL until that fills it.
 * - `global_position`: a one-row counter. Appenders take its row lock as the last step before COMMIT, so positions
 *   are handed out in commit order (see postgres-event-store.ts for why that matters).
 * - `revision_conflict()`: how the single append statement reports a failed expectation (SQLSTATE KC409).
 */
export class EventStoreSchema1767225600000 implements MigrationInterface {
  readonly name = 'EventStoreSchema1767225600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS event_store`);
    await q.query(`
      CREATE TABLE event_store.events (
        global_position BIGINT      NOT NULL,
        stream          TEXT        NOT NULL,
        stream_revision INT         NOT NULL,
        event_id        UUID        NOT NULL,
        type            TEXT        NOT NULL,
        data            JSONB       NOT NULL,
        metadata        JSONB       NOT NULL,
        payload_hash    TEXT        NOT NULL,
        recorded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT events_pkey PRIMARY KEY (global_position),
        CONSTRAINT events_stream_revision_key UNIQUE (stream, stream_revision),
        CONSTRAINT events_event_id_key UNIQUE (event_id),
        CONSTRAINT events_stream_revision_check CHECK (stream_revision >= 0),
        CONSTRAINT events_global_position_check CHECK (global_position > 0)
      )`);
    await q.query(`
      CREATE TABLE event_store.streams (
        stream     TEXT NOT NULL,
        revision   INT  NOT NULL,
        last_hash  TEXT NULL,
        CONSTRAINT streams_pkey PRIMARY KEY (stream),
        CONSTRAINT streams_revision_check CHECK (revision >= 0)
      )`);
    // One row, updated by every append: a low fillfactor keeps its updates HOT and the page small.
    await q.query(`
      CREATE TABLE event_store.global_position (
        id    BOOLEAN NOT NULL DEFAULT TRUE,
        value BIGINT  NOT NULL,
        CONSTRAINT global_position_pkey PRIMARY KEY (id),
        CONSTRAINT global_position_single_row CHECK (id)
      ) WITH (fillfactor = 10)`);
    await q.query(`INSERT INTO event_store.global_position (id, value) VALUES (TRUE, 0)`);
    // Raised by the append statement when an expectation fails (SQLSTATE KC409, detail: {"stream","actual"}).
    await q.query(`
      CREATE FUNCTION event_store.revision_conflict(stream TEXT, actual INT) RETURNS BIGINT
      LANGUAGE plpgsql VOLATILE AS $fn$
      BEGIN
        RAISE EXCEPTION 'revision conflict on stream %', stream
          USING ERRCODE = 'KC409', DETAIL = json_build_object('stream', stream, 'actual', actual)::text;
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS event_store.revision_conflict(TEXT, INT)`);
    await q.query(`DROP TABLE IF EXISTS event_store.global_position`);
    await q.query(`DROP TABLE IF EXISTS event_store.streams`);
    await q.query(`DROP TABLE IF EXISTS event_store.events`);
    await q.query(`DROP SCHEMA IF EXISTS event_store`);
  }
}

/** The event store's migrations, in order; pass them to `runMigrations` with the other libs' migrations. */
export const EVENT_STORE_MIGRATIONS = [EventStoreSchema1767225600000] as const;
