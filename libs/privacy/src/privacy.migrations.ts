import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `privacy` (owned by these migrations).
 *
 * - `data_keys`: one row per data key: the subject it belongs to, the key wrapped by the key-encryption key
 *   (`wrapped`, NULL once destroyed), and the erasure that marked it. At most one usable key per subject.
 * - `key_generation`: a counter an erasure advances in the transaction that marks keys; every process compares it
 *   before using its cache of unwrapped keys, so a key erased elsewhere is never used after the erasure committed.
 * - `erasures`: the erasure ledger (ids, basis, times, positions; no personal data). A row with `completed_at`
 *   NULL is an erasure whose event or key destruction has yet to finish (finished on start).
 * - `access_log`: every response that carried personal data (who, when, which customer).
 * - `store_encryption`: each run of the encryption of plaintext personal fields already in the store.
 */
export class PrivacySchema1767834000000 implements MigrationInterface {
  readonly name = 'PrivacySchema1767834000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS privacy`);
    await q.query(`
      CREATE TABLE privacy.data_keys (
        key_id        UUID        NOT NULL PRIMARY KEY,
        stream        TEXT        NOT NULL,
        subject       TEXT        NOT NULL,
        kek_id        TEXT        NOT NULL,
        wrapped       BYTEA       NULL,
        created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
        erasure_id    UUID        NULL,
        destroyed_at  TIMESTAMPTZ NULL,
        CONSTRAINT data_keys_destroyed_check CHECK (destroyed_at IS NULL OR wrapped IS NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX data_keys_usable ON privacy.data_keys (stream, subject) WHERE erasure_id IS NULL`);
    await q.query(`CREATE INDEX data_keys_erasure ON privacy.data_keys (erasure_id) WHERE erasure_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE privacy.key_generation (
        id    BOOLEAN NOT NULL DEFAULT TRUE PRIMARY KEY CHECK (id),
        value BIGINT  NOT NULL
      )`);
    await q.query(`INSERT INTO privacy.key_generation (id, value) VALUES (TRUE, 0)`);
    await q.query(`
      CREATE TABLE privacy.erasures (
        erasure_id      UUID        NOT NULL PRIMARY KEY,
        customer_id     TEXT        NOT NULL,
        contact_id      TEXT        NULL,
        basis           TEXT        NOT NULL,
        erased_at       TIMESTAMPTZ NOT NULL,
        global_position BIGINT      NULL,
        completed_at    TIMESTAMPTZ NULL
      )`);
    await q.query(`CREATE INDEX erasures_subject ON privacy.erasures (customer_id, contact_id)`);
    await q.query(`
      CREATE TABLE privacy.access_log (
        id          BIGSERIAL   PRIMARY KEY,
        at          TIMESTAMPTZ NOT NULL DEFAULT now(),
        key_name    TEXT        NOT NULL,
        roles       TEXT[]      NOT NULL,
        method      TEXT        NOT NULL,
        path        TEXT        NOT NULL,
        customer_id TEXT        NULL
      )`);
    await q.query(`CREATE INDEX access_log_customer ON privacy.access_log (customer_id, id)`);
    await q.query(`
      CREATE TABLE privacy.store_encryption (
        run_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
        events_encrypted  INT         NOT NULL,
        streams_rehashed  INT         NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA IF EXISTS privacy CASCADE`);
  }
}

export const PRIVACY_MIGRATIONS = [PrivacySchema1767834000000] as const;
