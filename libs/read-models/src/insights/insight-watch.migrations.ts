import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The insights projection's tables in schema `read_models` (see insights.projection.ts):
 *
 * - `insight_watch` (owned, rebuilt like any read model): per customer the fold state the insight rules compare
 *   (personal data removed), up to when time-caused insights were reported (`checked_until`), when the next one
 *   falls due (`wake_at`, null when nothing is pending) and when its latest applied event was recorded
 *   (`last_recorded`). The timer selects `wake_at <= now` through the partial index.
 * - `insight_emission` (shared, never rebuilt): one row that says "this schema emits insights to the outbox". A
 *   rebuild gives its replay an empty copy of every shared table (libs/projections), so a replay finds no row and
 *   writes nothing to `feed.insight_outbox`: history is not emitted again. The live table, with its row, is carried
 *   over at the swap.
 */
export class InsightWatchSchema1767744000000 implements MigrationInterface {
  readonly name = 'InsightWatchSchema1767744000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS read_models`);
    await q.query(`
      CREATE TABLE read_models.insight_watch (
        customer_id   TEXT        COLLATE "C" NOT NULL,
        state         JSONB       NOT NULL,
        checked_until TIMESTAMPTZ NULL,
        wake_at       TIMESTAMPTZ NULL,
        last_recorded TIMESTAMPTZ NOT NULL,
        last_position BIGINT      NOT NULL,
        CONSTRAINT insight_watch_pkey PRIMARY KEY (customer_id)
      )`);
    // Rewritten whenever the customer has a new event: stored uncompressed (as customer_profiles.state).
    await q.query(`ALTER TABLE read_models.insight_watch ALTER COLUMN state SET STORAGE EXTERNAL`);
    await q.query(`CREATE INDEX insight_watch_wake_at_idx ON read_models.insight_watch (wake_at) WHERE wake_at IS NOT NULL`);
    await q.query(`COMMENT ON TABLE read_models.insight_watch IS
      'Insights projection: per customer the fold state the insight rules compare (no names, e-mail addresses or free text), '
      'the instant up to which time-caused insights were reported (checked_until) and when the next one falls due (wake_at).'`);

    await q.query(`
      CREATE TABLE read_models.insight_emission (
        emits BOOLEAN NOT NULL,
        CONSTRAINT insight_emission_pkey PRIMARY KEY (emits),
        CONSTRAINT insight_emission_emits_check CHECK (emits)
      )`);
    await q.query(`INSERT INTO read_models.insight_emission (emits) VALUES (true)`);
    await q.query(`COMMENT ON TABLE read_models.insight_emission IS
      'One row: this schema emits insights to feed.insight_outbox. A rebuild replays into an empty copy, which emits nothing.'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS read_models.insight_emission`);
    await q.query(`DROP TABLE IF EXISTS read_models.insight_watch`);
  }
}
