import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '@klantcentraal/postgres';
import { dataSubjectOf, PERSONAL_FIELDS, subjectName } from '@klantcentraal/domain';
import { computeEventHash, EVENT_COLUMNS, GENESIS_HASH, toRecorded, type EventRow } from '@klantcentraal/event-store';
import { encryptValue, isEncryptedValue } from '../crypto/field-cipher';
import { subjectKey, type KeyStore } from '../key-store/key-store.port';

/** SQL: an event of a personal type with a personal field still in plaintext. */
const PLAINTEXT = Object.entries(PERSONAL_FIELDS)
  .map(([type, fields]) => `(type = '${type}' AND (${fields.map((f) => `(jsonb_typeof(data->'${f}') = 'string' AND left(data->>'${f}', 6) <> 'kc:v1:')`).join(' OR ')}))`)
  .join(' OR ');

export type StoreEncryptionResult = Readonly<{ eventsEncrypted: number; streamsRehashed: number }>;

/**
 * Encrypts the personal fields of events stored before encryption existed (PostgreSQL store), and re-hashes each
 * touched stream's chain from its first changed event on, over the new stored form; `streams.last_hash` follows. One
 * transaction holding off appends (a lock on `event_store.streams`), so the chain is never seen half rewritten; a
 * run is recorded in `privacy.store_encryption`. Idempotent: with nothing in plaintext it returns at once.
 */
export async function encryptStoredPersonalData(pool: Pool, keys: KeyStore): Promise<StoreEncryptionResult> {
  const pending = await pool.query<{ stream: string; first: number }>(
    `SELECT stream, min(stream_revision) AS first FROM event_store.events WHERE ${PLAINTEXT} GROUP BY stream`,
  );
  if (pending.rows.length === 0) return { eventsEncrypted: 0, streamsRehashed: 0 };
  return withTransaction(pool, async (client) => {
    await client.query('LOCK TABLE event_store.streams IN SHARE ROW EXCLUSIVE MODE');
    // Read again under the lock: an append may have come in between.
    const { rows: streams } = await client.query<{ stream: string; first: number }>(
      `SELECT stream, min(stream_revision) AS first FROM event_store.events WHERE ${PLAINTEXT} GROUP BY stream ORDER BY stream`,
    );
    let eventsEncrypted = 0;
    for (const { stream, first } of streams) eventsEncrypted += await rewriteStream(client, keys, stream, first);
    await client.query(`INSERT INTO privacy.store_encryption (events_encrypted, streams_rehashed) VALUES ($1, $2)`, [eventsEncrypted, streams.length]);
    return { eventsEncrypted, streamsRehashed: streams.length };
  });
}

async function rewriteStream(client: PoolClient, keys: KeyStore, stream: string, first: number): Promise<number> {
  const { rows } = await client.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE stream = $1 AND stream_revision >= $2 ORDER BY stream_revision`,
    [stream, first],
  );
  const refs = rows.flatMap((row) =>
    (PERSONAL_FIELDS[row.type] ?? []).some((f) => typeof row.data[f] === 'string') ? [{ stream, subject: subjectName(dataSubjectOf(row.type, row.data)) }] : [],
  );
  await keys.sync();
  const active = await keys.activeKeys(refs);
  let previous = first === 0 ? GENESIS_HASH : (rows[0].previous_hash ?? GENESIS_HASH);
  let encrypted = 0;
  const positions: number[] = [];
  const data: string[] = [];
  const hashes: string[] = [];
  const previousHashes: string[] = [];
  for (const row of rows) {
    let rowData = row.data;
    const fields = (PERSONAL_FIELDS[row.type] ?? []).filter((f) => typeof row.data[f] === 'string' && !isEncryptedValue(row.data[f]));
    if (fields.length > 0) {
      const { keyId, key } = active.get(subjectKey({ stream, subject: subjectName(dataSubjectOf(row.type, row.data)) }))!;
      rowData = { ...row.data };
      for (const f of fields) rowData[f] = encryptValue(key, keyId, `data.${f}`, row.data[f] as string);
      encrypted += 1;
    }
    const hash = computeEventHash(previous, toRecorded({ ...row, data: rowData }));
    positions.push(Number(row.global_position));
    data.push(JSON.stringify(rowData));
    hashes.push(hash);
    previousHashes.push(previous);
    previous = hash;
  }
  await client.query(
    `UPDATE event_store.events e SET data = u.data, hash = decode(u.hash, 'hex'), previous_hash = decode(u.previous_hash, 'hex')
     FROM unnest($1::bigint[], $2::jsonb[], $3::text[], $4::text[]) AS u(global_position, data, hash, previous_hash)
     WHERE e.global_position = u.global_position`,
    [positions, data, hashes, previousHashes],
  );
  await client.query(`UPDATE event_store.streams SET last_hash = $2 WHERE stream = $1`, [stream, previous]);
  return encrypted;
}
