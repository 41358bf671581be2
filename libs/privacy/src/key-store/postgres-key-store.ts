import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { DATA_KEY_BYTES } from '../crypto/field-cipher';
import type { KeyEncryptionKey } from '../crypto/key-encryption-key';
import { subjectKey, type DataKey, type KeyStore, type SubjectRef } from './key-store.port';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type KeyRow = { key_id: string; stream: string; subject: string; kek_id: string; wrapped: Buffer | null; erasure_id: string | null };

/**
 * The key store on PostgreSQL (`privacy.data_keys`), with a cache of unwrapped keys so reads and rebuilds unwrap each
 * key once. The cache is trusted only under the `key_generation` it was filled under: `sync()` reads that one row
 * and drops the cache when an erasure (in any process) has advanced it.
 */
export class PostgresKeyStore implements KeyStore {
  private generation: string | null = null;
  private readonly byId = new Map<string, Buffer | null>();
  private readonly active = new Map<string, DataKey>();

  constructor(
    private readonly pool: Pool,
    private readonly kek: KeyEncryptionKey,
  ) {}

  async sync(): Promise<void> {
    const { rows } = await this.pool.query<{ value: string }>({
      name: 'kc_privacy_generation',
      text: 'SELECT value::text AS value FROM privacy.key_generation',
    });
    this.observeGeneration(rows[0]?.value ?? '0');
  }

  async syncedActiveKeys(refs: readonly SubjectRef[]): Promise<ReadonlyMap<string, DataKey>> {
    // Only when no subject has a cached key (a new stream, the common first append) can the generation be read in
    // the key-creating statement itself: a cached key must not be used before the generation is known.
    if (refs.length === 0 || refs.some((ref) => this.active.has(subjectKey(ref)))) {
      await this.sync();
      return this.activeKeys(refs);
    }
    return this.createKeys(new Map(refs.map((ref) => [subjectKey(ref), ref])), new Map(), true);
  }

  /** Drops every cached key when an erasure (in any process) has advanced the generation since the last look. */
  private observeGeneration(current: string): void {
    if (current !== this.generation) {
      this.byId.clear();
      this.active.clear();
      this.generation = current;
    }
  }

  async activeKeys(refs: readonly SubjectRef[]): Promise<ReadonlyMap<string, DataKey>> {
    const result = new Map<string, DataKey>();
    const missing = new Map<string, SubjectRef>();
    for (const ref of refs) {
      const k = subjectKey(ref);
      const cached = this.active.get(k);
      if (cached) result.set(k, cached);
      else missing.set(k, ref);
    }
    if (missing.size === 0) return result;
    return this.createKeys(missing, result, false);
  }

  /**
   * Creates a key for every missing subject; a concurrent creator wins the unique index and ours is dropped. With
   * `readGeneration`, the same statement reads the erasure generation (one snapshot), standing in for `sync()`.
   */
  private async createKeys(
    missing: ReadonlyMap<string, SubjectRef>,
    result: Map<string, DataKey>,
    readGeneration: boolean,
  ): Promise<ReadonlyMap<string, DataKey>> {
    const wanted = [...missing.values()];
    // One CSPRNG call for every new key of the request (a first append may bring dozens of contacts).
    const material = randomBytes(DATA_KEY_BYTES * wanted.length);
    const fresh = await Promise.all(wanted.map(async (_, i) => {
      const key = material.subarray(i * DATA_KEY_BYTES, (i + 1) * DATA_KEY_BYTES);
      return { keyId: randomUUID(), key, wrapped: await this.kek.wrap(key) };
    }));
    const insert = `INSERT INTO privacy.data_keys (key_id, stream, subject, kek_id, wrapped)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bytea[])
       ON CONFLICT (stream, subject) WHERE erasure_id IS NULL DO NOTHING
       RETURNING key_id, stream, subject, kek_id, wrapped, erasure_id`;
    const params = [fresh.map((f) => f.keyId), wanted.map((r) => r.stream), wanted.map((r) => r.subject), wanted.map(() => this.kek.id), fresh.map((f) => f.wrapped)];
    let insertedRows: KeyRow[];
    if (readGeneration) {
      // One row at least (the generation), with the inserted keys joined on; a CTE's parts share one snapshot.
      const { rows } = await this.pool.query<KeyRow & { generation: string }>(
        `WITH ins AS (${insert})
         SELECT g.value::text AS generation, ins.* FROM privacy.key_generation g LEFT JOIN ins ON TRUE`,
        params,
      );
      this.observeGeneration(rows[0]?.generation ?? '0');
      insertedRows = rows.filter((row) => row.key_id !== null);
    } else {
      insertedRows = (await this.pool.query<KeyRow>(insert, params)).rows;
    }
    // Only subjects another process gave a key meanwhile need a second look (one round trip in the common case).
    const inserted = { rows: insertedRows };
    const created = new Set(inserted.rows.map((row) => subjectKey(row)));
    const raced = wanted.filter((ref) => !created.has(subjectKey(ref)));
    const rows = [...inserted.rows];
    if (raced.length > 0) {
      const existing = await this.pool.query<KeyRow>(
        `SELECT d.key_id, d.stream, d.subject, d.kek_id, d.wrapped, d.erasure_id
         FROM privacy.data_keys d JOIN unnest($1::text[], $2::text[]) AS w(stream, subject) USING (stream, subject)
         WHERE d.erasure_id IS NULL`,
        [raced.map((r) => r.stream), raced.map((r) => r.subject)],
      );
      rows.push(...existing.rows);
    }
    const ours = new Map<string, Buffer>(fresh.map((f) => [f.keyId, f.key]));
    for (const row of rows) {
      const key = ours.get(row.key_id) ?? (await this.unwrap(row));
      if (key === null) continue;
      const dataKey = { keyId: row.key_id, key };
      const k = subjectKey(row);
      this.active.set(k, dataKey);
      this.byId.set(row.key_id, key);
      result.set(k, dataKey);
    }
    for (const k of missing.keys()) if (!result.has(k)) throw new Error('a data key could not be created');
    return result;
  }

  async keysById(keyIds: readonly string[]): Promise<ReadonlyMap<string, Buffer | null>> {
    const result = new Map<string, Buffer | null>();
    const missing: string[] = [];
    for (const id of new Set(keyIds)) {
      if (!UUID.test(id)) result.set(id, null);
      else if (this.byId.has(id)) result.set(id, this.byId.get(id)!);
      else missing.push(id);
    }
    if (missing.length === 0) return result;
    const { rows } = await this.pool.query<KeyRow>(
      `SELECT key_id, stream, subject, kek_id, wrapped, erasure_id FROM privacy.data_keys WHERE key_id = ANY($1::uuid[])`,
      [missing],
    );
    const found = new Map(rows.map((r) => [r.key_id, r]));
    await Promise.all(missing.map(async (id) => {
      const row = found.get(id);
      const key = row ? await this.unwrap(row) : null;
      this.byId.set(id, key);
      result.set(id, key);
    }));
    return result;
  }

  private async unwrap(row: KeyRow): Promise<Buffer | null> {
    if (row.erasure_id !== null || row.wrapped === null) return null;
    if (row.kek_id !== this.kek.id) {
      throw new Error(`data key ${row.key_id} was wrapped by key-encryption key ${row.kek_id}, not the configured ${this.kek.id} (check MASTER_KEY)`);
    }
    return this.kek.unwrap(row.wrapped);
  }
}
