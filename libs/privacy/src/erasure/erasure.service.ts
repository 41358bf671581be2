import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '@klantcentraal/postgres';
import { customerStreamName, PERSONAL_DATA_ERASED, SCHEMA_VERSION, type ErasureBasis, type RecordedBy } from '@klantcentraal/domain';
import type { EventStore } from '@klantcentraal/event-store';

export type ErasureRequest = Readonly<{ customerId: string; contactId?: string | null; basis: ErasureBasis }>;
export type ErasureAnswer = Readonly<{ customerId: string; contactId: string | null; erasedAt: string; globalPosition: number }>;
export type ErasureOutcome =
  | Readonly<{ kind: 'not-found'; message: string }>
  /** `created` false: the subject was erased already (or this erasure was in flight): the first answer. */
  | Readonly<{ kind: 'erased'; created: boolean; answer: ErasureAnswer }>;

type LedgerRow = { erasure_id: string; customer_id: string; contact_id: string | null; basis: ErasureBasis; erased_at: Date; global_position: string | null; completed_at: Date | null };

export type ErasureServiceOptions = Readonly<{
  /** TEST HOOK — runs after the erasure event is stored, before the keys are destroyed (simulates a crash there). */
  afterEvent?: () => Promise<void>;
}>;

/**
 * Erasure by crypto-shredding (contract v1.1 "Personal data"), in three steps, each safe to repeat:
 *  1. one transaction records the erasure in the ledger (`privacy.erasures`, not yet completed), marks the subject's
 *     usable keys with it and advances `key_generation` — from its commit on, no process decrypts with those keys;
 *  2. `PersonalDataErased` is appended with the erasure's id as eventId (a repeat is an idempotent no-op), so the
 *     read models null their plaintext copies and a replay finds the erasure in the log;
 *  3. the marked keys are destroyed (wrapped bytes deleted) and the ledger row completed with the event's position.
 * A crash after 1 or 2 leaves a ledger row without `completed_at`; `recover()` (run at every start) finishes it.
 */
export class ErasureService {
  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly options: ErasureServiceOptions = {},
  ) {}

  async erase(request: ErasureRequest, recordedBy: RecordedBy): Promise<ErasureOutcome> {
    const { customerId } = request;
    const contactId = request.contactId ?? null;
    const stream = customerStreamName(customerId);
    if ((await this.store.streamRevision(stream)) === null) return { kind: 'not-found', message: `customer ${customerId} has no event stream` };
    if (contactId !== null && !(await this.contactExists(stream, contactId))) {
      return { kind: 'not-found', message: `customer ${customerId} has no contact ${contactId}` };
    }

    const { row, created } = await withTransaction(this.pool, async (client): Promise<{ row: LedgerRow; created: boolean }> => {
      // One erasure of a subject at a time: concurrent requests for it queue here and see each other's ledger row.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`klantcentraal:erasure:${stream}`]);
      const previous = await latestErasure(client, customerId, contactId);
      const live = await usableKeys(client, stream, contactId);
      if (previous && (previous.completed_at === null || live === 0)) {
        return { row: previous, created: false }; // in flight (finished below) or done with nothing new: the first answer
      }
      const erasureId = randomUUID();
      const inserted = await client.query<LedgerRow>(
        `INSERT INTO privacy.erasures (erasure_id, customer_id, contact_id, basis, erased_at)
         VALUES ($1, $2, $3, $4, date_trunc('milliseconds', clock_timestamp())) RETURNING *`,
        [erasureId, customerId, contactId, request.basis],
      );
      await client.query(
        `UPDATE privacy.data_keys SET erasure_id = $1
         WHERE stream = $2 AND erasure_id IS NULL AND ($3::text IS NULL OR subject = 'contact:' || $3)`,
        [erasureId, stream, contactId],
      );
      await client.query('UPDATE privacy.key_generation SET value = value + 1');
      return { row: inserted.rows[0], created: true };
    });
    const answer = row.completed_at === null ? await this.finish(row, recordedBy) : toAnswer(row);
    return { kind: 'erased', created, answer };
  }

  /** Finishes every erasure a crash left half done (event and/or key destruction). Returns how many. */
  async recover(): Promise<number> {
    const { rows } = await this.pool.query<LedgerRow>(`SELECT * FROM privacy.erasures WHERE completed_at IS NULL ORDER BY erased_at`);
    for (const row of rows) await this.finish(row, { userId: 'privacy-recovery' });
    return rows.length;
  }

  private async finish(row: LedgerRow, recordedBy: RecordedBy): Promise<ErasureAnswer> {
    const stream = customerStreamName(row.customer_id);
    const erasedAt = row.erased_at.toISOString();
    const appended = await this.store.appendToStream(stream, 'any', [
      {
        eventId: row.erasure_id,
        type: PERSONAL_DATA_ERASED,
        data: { ...(row.contact_id !== null ? { contactId: row.contact_id } : {}), basis: row.basis },
        metadata: { occurredAt: erasedAt, recordedBy, schemaVersion: SCHEMA_VERSION, customerId: row.customer_id },
        // Fixed by the ledger row, so a repeat after a crash is recognised as the same event.
        idempotencyPayload: { type: PERSONAL_DATA_ERASED, erasureId: row.erasure_id },
      },
    ]);
    await this.options.afterEvent?.();
    await withTransaction(this.pool, async (client) => {
      await client.query(`UPDATE privacy.data_keys SET wrapped = NULL, destroyed_at = now() WHERE erasure_id = $1 AND destroyed_at IS NULL`, [row.erasure_id]);
      await client.query(`UPDATE privacy.erasures SET global_position = $2, completed_at = now() WHERE erasure_id = $1`, [row.erasure_id, appended.lastPosition]);
    });
    return { customerId: row.customer_id, contactId: row.contact_id, erasedAt, globalPosition: appended.lastPosition };
  }

  private async contactExists(stream: string, contactId: string): Promise<boolean> {
    for await (const event of this.store.readStream(stream, { types: ['ContactAdded'] })) {
      if (event.data['contactId'] === contactId) return true;
    }
    return false;
  }
}

const toAnswer = (row: LedgerRow): ErasureAnswer => ({
  customerId: row.customer_id,
  contactId: row.contact_id,
  erasedAt: row.erased_at.toISOString(),
  globalPosition: Number(row.global_position),
});

async function latestErasure(client: PoolClient, customerId: string, contactId: string | null): Promise<LedgerRow | null> {
  const { rows } = await client.query<LedgerRow>(
    `SELECT * FROM privacy.erasures WHERE customer_id = $1 AND contact_id IS NOT DISTINCT FROM $2 ORDER BY erased_at DESC LIMIT 1`,
    [customerId, contactId],
  );
  return rows[0] ?? null;
}

/** Usable keys a new erasure of this subject would cover (a contact's, or any of the stream's). */
async function usableKeys(client: PoolClient, stream: string, contactId: string | null): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM privacy.data_keys
     WHERE stream = $1 AND erasure_id IS NULL AND ($2::text IS NULL OR subject = 'contact:' || $2)`,
    [stream, contactId],
  );
  return rows[0].n;
}
