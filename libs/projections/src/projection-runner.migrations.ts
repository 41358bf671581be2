import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `read_models`: the ACTIVE read-model schema every query reads (the read-model lib's migrations create the
 * read-model tables in it), plus the runner's own bookkeeping, which lives next to the rows it describes so that a
 * rebuild swaps rows, checkpoints and parked events together:
 *
 * - `checkpoints`: per projection, the global position up to which its rows are complete. Written in the same
 *   transaction as the rows (effectively-once).
 * - `parked_events`: events a projection could not apply (poison events), skipped for that projection only until
 *   `retryParked` succeeds or a rebuild applies them.
 */
export class ProjectionRunnerSchema1767225601000 implements MigrationInterface {
  readonly name = 'ProjectionRunnerSchema1767225601000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS read_models`);
    await createRunnerBookkeeping(q, 'read_models');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS read_models.parked_events`);
    await q.query(`DROP TABLE IF EXISTS read_models.checkpoints`);
  }
}

/**
 * The runner's bookkeeping tables (`checkpoints`, `parked_events`) in `schema`: every schema a runner writes
 * (read_models, warehouse) needs them with exactly these definitions. `schema` is a trusted identifier.
 */
export async function createRunnerBookkeeping(q: QueryRunner, schema: string): Promise<void> {
  await q.query(`
    CREATE TABLE ${schema}.checkpoints (
      projection TEXT        NOT NULL,
      position   BIGINT      NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      CONSTRAINT checkpoints_pkey PRIMARY KEY (projection),
      CONSTRAINT checkpoints_position_check CHECK (position >= 0)
    )`);
  await q.query(`
    CREATE TABLE ${schema}.parked_events (
      projection      TEXT        NOT NULL,
      global_position BIGINT      NOT NULL,
      event_id        UUID        NOT NULL,
      stream          TEXT        NOT NULL,
      event_type      TEXT        NOT NULL,
      error           TEXT        NOT NULL,
      attempts        INT         NOT NULL,
      parked_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
      retried_at      TIMESTAMPTZ NULL,
      CONSTRAINT parked_events_pkey PRIMARY KEY (projection, global_position)
    )`);
}

/**
 * Schema `projector`: `partition_leases`, one row per partition of the projections with its current owner and a
 * fencing epoch that grows with every change of owner (partition-coordinator.ts). Outside the read-model schemas, so
 * a rebuild's schema swap never moves it.
 */
export class ProjectorPartitionLeases1767830400000 implements MigrationInterface {
  readonly name = 'ProjectorPartitionLeases1767830400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS projector`);
    await q.query(`
      CREATE TABLE projector.partition_leases (
        partition   INT         NOT NULL,
        partitions  INT         NOT NULL,
        owner       TEXT        NOT NULL,
        epoch       BIGINT      NOT NULL,
        acquired_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT partition_leases_pkey PRIMARY KEY (partition),
        CONSTRAINT partition_leases_partition_check CHECK (partition >= 0 AND partition < partitions)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS projector.partition_leases`);
  }
}

/** The runner's migrations; run them before the read-model lib's (which create tables in `read_models`). */
export const PROJECTION_RUNNER_MIGRATIONS = [ProjectionRunnerSchema1767225601000, ProjectorPartitionLeases1767830400000] as const;
