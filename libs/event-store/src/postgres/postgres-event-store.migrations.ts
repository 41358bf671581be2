import { MigrationInterface, QueryRunner } from 'typeorm';
import { computeEventHash, GENESIS_HASH } from '../hash-chain';
import { EventStoreAppendFunction1767916800000 } from './postgres-append.migrations';

/**
 * Schema `event_store` (owned by these migrations, never by `synchronize`).
 *
 * - `events`: the global log. `global_position` is the primary key (read all by position); UNIQUE(stream,
 *   stream_revision) both enforces optimistic concurrency and serves "read stream"; UNIQUE(event_id) is the
 *   idempotency key and serves "find by event id". No further indexes: every write pays for each one.
 * - `streams`: one row per stream with its last revision — the row appenders lock to serialise appends to one
 *   stream. `last_hash` is the hash of the stream's last event (filled by EventStoreHashChain below).
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

/**
 * The tamper-evident hash chain (hash-chain.ts, README "Verifying the hash chain yourself").
 *
 * - `events.hash` / `events.previous_hash`: SHA-256 of previous hash (as hex text) ‖ canonical JSON of the stored
 *   envelope, and the stream's previous event's hash (32 zero bytes for revision 0), stored as 32 bytes each and
 *   read as lowercase hex. NOT NULL once existing events are hashed. `streams.last_hash`: the hex hash of the
 *   stream's last event.
 * - `chain_hashes(…)`: called once by the append statement: the hashes (and previous hashes) of the request's events,
 *   each stream chained in revision order from its last hash, with position, recordedAt and revision spliced into the
 *   client's fragments of the canonical envelope; it also stores each stream's new last hash in `streams.last_hash`.
 * - Existing events are hashed here in JS (the reference implementation), stream by stream in revision order, read
 *   and written in pages of 5000. Idempotent: an event that already has a hash keeps it and its chain continues from
 *   it. The migration runs in one transaction; its ALTER TABLE holds appends off until it commits.
 */
export class EventStoreHashChain1767571200000 implements MigrationInterface {
  readonly name = 'EventStoreHashChain1767571200000';

  async up(q: QueryRunner): Promise<void> {
    // BYTEA (32 bytes) rather than hex text (64): every row is 64 bytes narrower, which the append pays for in WAL.
    await q.query(`ALTER TABLE event_store.events ADD COLUMN IF NOT EXISTS hash BYTEA NULL, ADD COLUMN IF NOT EXISTS previous_hash BYTEA NULL`);
    // One call per append, after the positions are taken: a loop over the request's events in request order (a
    // stream's events come in revision order). Event i has position base + i and revision actual[s] + 1 + off[i]
    // (s: its stream's index); its hash is sha256(previous ‖ head ‖ position ‖ middle ‖ recordedAt ‖ stream part ‖
    // revision ‖ tail), and it becomes the stream's previous hash (as hex text in the next message). Then each stream's new last hash
    // goes to streams.last_hash — from here, because the statement's own CTEs cannot update a row a second time
    // (its `up` CTE already advanced the revision); a VOLATILE function's UPDATE is a command of its own and may. The
    // result arrays are allocated at full size first: growing them element by element cost twice as much. About
    // 3 µs per event, most of it SHA-256.
    await q.query(`
      CREATE OR REPLACE FUNCTION event_store.chain_hashes(
        stream_names TEXT[], last_hashes TEXT[], actuals INT[], stream_parts TEXT[], base BIGINT, recorded_at TEXT,
        stream_of INT[], offs INT[], heads TEXT[], middles TEXT[], tails TEXT[],
        OUT hashes BYTEA[], OUT previous BYTEA[])
      LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        last TEXT[] := last_hashes;   -- hex: what the next event's message starts with
        last_raw BYTEA[];             -- the same 32 bytes: what previous_hash stores
        n INT := COALESCE(array_length(heads, 1), 0);
        s INT;
        h BYTEA;
      BEGIN
        hashes := array_fill(NULL::BYTEA, ARRAY[n]);
        previous := hashes;
        last_raw := array_fill(NULL::BYTEA, ARRAY[array_length(last, 1)]);
        FOR j IN 1 .. array_length(last, 1) LOOP
          last_raw[j] := decode(last[j], 'hex');
        END LOOP;
        FOR i IN 1 .. n LOOP
          s := stream_of[i];
          previous[i] := last_raw[s];
          h := sha256(convert_to(
                 last[s] || heads[i] || (base + i)::text || middles[i] || recorded_at || stream_parts[s]
                 || (actuals[s] + 1 + offs[i])::text || tails[i], 'UTF8'));
          hashes[i] := h;
          last_raw[s] := h;
          last[s] := encode(h, 'hex');
        END LOOP;
        FOR j IN 1 .. COALESCE(array_length(stream_names, 1), 0) LOOP
          UPDATE event_store.streams SET last_hash = last[j] WHERE stream = stream_names[j];
        END LOOP;
      END
      $fn$`);

    await hashExistingEvents(q);
    await q.query(`
      UPDATE event_store.streams s SET last_hash = encode(e.hash, 'hex')
      FROM event_store.events e
      WHERE e.stream = s.stream AND e.stream_revision = s.revision AND s.last_hash IS DISTINCT FROM encode(e.hash, 'hex')`);
    await q.query(`ALTER TABLE event_store.events ALTER COLUMN hash SET NOT NULL, ALTER COLUMN previous_hash SET NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS event_store.chain_hashes(TEXT[], TEXT[], INT[], TEXT[], BIGINT, TEXT, INT[], INT[], TEXT[], TEXT[], TEXT[])`);
    await q.query(`UPDATE event_store.streams SET last_hash = NULL`);
    await q.query(`ALTER TABLE event_store.events DROP COLUMN IF EXISTS hash, DROP COLUMN IF EXISTS previous_hash`);
  }
}

const BACKFILL_PAGE = 5000;

// The rows as this migration reads them, frozen here: a migration must keep doing what it did when it was written,
// whatever the live adapter's row mapping becomes later. (The hash function itself is the published recipe.)
const BACKFILL_COLUMNS = `global_position, stream, stream_revision, event_id, type, data, metadata, recorded_at,
  encode(hash, 'hex') AS hash`;

type BackfillRow = {
  global_position: number | string;
  stream: string;
  stream_revision: number;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date | string;
  hash: string | null;
};

const envelopeOf = (r: BackfillRow) => ({
  eventId: r.event_id,
  stream: r.stream,
  type: r.type,
  data: r.data,
  metadata: r.metadata,
  streamRevision: r.stream_revision,
  globalPosition: Number(r.global_position),
  recordedAt: (r.recorded_at instanceof Date ? r.recorded_at : new Date(r.recorded_at)).toISOString(),
});

/** Hashes every event without a hash, in (stream, revision) order, keyset-paged; see the migration above. */
async function hashExistingEvents(q: QueryRunner): Promise<void> {
  const [{ missing }] = (await q.query(`SELECT count(*)::int AS missing FROM event_store.events WHERE hash IS NULL`)) as { missing: number }[];
  if (missing === 0) return;
  const report = missing >= 100_000 ? (done: number) => process.stderr.write(`event store: hashed ${done}/${missing} existing events\n`) : null;
  let after: { stream: string; revision: number } | null = null;
  let stream: string | null = null;
  let previous = GENESIS_HASH;
  let done = 0;
  for (;;) {
    const rows = (await (after === null
      ? q.query(`SELECT ${BACKFILL_COLUMNS} FROM event_store.events ORDER BY stream, stream_revision LIMIT ${BACKFILL_PAGE}`)
      : q.query(
          `SELECT ${BACKFILL_COLUMNS} FROM event_store.events WHERE (stream, stream_revision) > ($1, $2)
           ORDER BY stream, stream_revision LIMIT ${BACKFILL_PAGE}`,
          [after.stream, after.revision],
        ))) as BackfillRow[];
    if (rows.length === 0) break;
    const positions: number[] = [];
    const hashes: string[] = [];
    const previousHashes: string[] = [];
    for (const row of rows) {
      if (row.stream !== stream) {
        stream = row.stream;
        previous = GENESIS_HASH;
      }
      if (row.hash) {
        previous = row.hash; // hashed already (an earlier, partial run): continue its chain
        continue;
      }
      const hash = computeEventHash(previous, envelopeOf(row));
      positions.push(Number(row.global_position));
      hashes.push(hash);
      previousHashes.push(previous);
      previous = hash;
    }
    if (positions.length > 0) {
      await q.query(
        `UPDATE event_store.events e SET hash = decode(u.hash, 'hex'), previous_hash = decode(u.previous_hash, 'hex')
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(global_position, hash, previous_hash)
         WHERE e.global_position = u.global_position`,
        [positions, hashes, previousHashes],
      );
      done += positions.length;
      report?.(done);
    }
    const last = rows[rows.length - 1];
    after = { stream: last.stream, revision: last.stream_revision };
    if (rows.length < BACKFILL_PAGE) break;
  }
}

/** The event store's migrations, in order; pass them to `runMigrations` with the other libs' migrations. */
export const EVENT_STORE_MIGRATIONS = [EventStoreSchema1767225600000, EventStoreHashChain1767571200000, EventStoreAppendFunction1767916800000] as const;
