import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `customer_profiles.ready`: the ready-to-serve profile (libs/domain `ReadyCustomerProfile`), written with the state.
 * `GET /v1/customers/{id}` for any moment from the customer's last event on reads this small document instead of
 * the whole fold state (which grows with the stream). Rows written before this column answer from the state until
 * the customer's next event or a rebuild fills it.
 */
export class CustomerProfileReady1767830400000 implements MigrationInterface {
  readonly name = 'CustomerProfileReady1767830400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_models.customer_profiles ADD COLUMN IF NOT EXISTS ready JSONB NULL`);
    await q.query(
      `COMMENT ON COLUMN read_models.customer_profiles.ready IS 'ReadyCustomerProfile: the profile view as of last_occurred_at plus what time passing needs; null: not registered, or written before this column'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_models.customer_profiles DROP COLUMN IF EXISTS ready`);
  }
}
