import { MigrationInterface, QueryRunner } from 'typeorm';
import { GENESIS_HASH } from '../hash-chain';

/** The LISTEN/NOTIFY channel; the payload is the last global position of the committed append. */
export const EVENT_STORE_NOTIFY_CHANNEL = 'kc_events';

/** Expectation codes per stream, checked in SQL (event_store.revision_conflict raises SQLSTATE KC409). */
export const REQUIRE_ANY = -2;
export const REQUIRE_NO_STREAM = -1;
export const REQUIRE_IMPOSSIBLE = -3;

/**
 * `event_store.append(…)`: the whole append as one function, called by ONE autocommit statement (see
 * postgres-event-store.ts for why an append is one statement and positions are taken last).
 *
 * Why a function: as a parameterised statement the append was re-planned on every call on PostgreSQL 15 (its cost
 * estimates never let the plan cache settle on a generic plan: 0 generic against 2 026 custom plans in one trace).
 * PL/pgSQL keeps the plan of its query per session, and `SET plan_cache_mode = force_generic_plan` on the function
 * makes that one plan, planned once per connection.
 *
 * Why the payload travels once: the hash chain needs each event's canonical envelope, which contains data and
 * metadata. The client sends data and metadata as canonical JSON text only (each event's text joined with U+001F,
 * which canonical JSON never contains raw); the function parses them to JSONB for storage and builds the envelope
 * fragments around the same text, so what is hashed is exactly what is stored and each payload crosses the wire
 * once (it used to travel a second time inside the fragments).
 *
 * The statement, in this order (data dependencies force it):
 *  1. `up`: lock and advance the request's stream rows, in the given (sorted) order so concurrent multi-stream
 *     appends cannot deadlock: a new stream is inserted at revision n-1, an existing one is locked and advanced by n
 *     (so a returned revision of n-1 means "did not exist": an existing one ends at >= n); it also returns the
 *     stream's last hash, where its chain continues;
 *  2. `chk`/`ok`: the stream's revision before the append (-1 = none) against the expectation; a mismatch raises
 *     KC409 and the statement (its own transaction) rolls back — nothing stored;
 *  3. `frag`: the payload parsed and the hash fragments built — joined into `ok`, so this happens before the counter
 *     row is taken, not while it is held;
 *  4. `pos`: only then the counter row (its lock is held until COMMIT); `ok` is an InitPlan of its SET expression, so
 *     steps 1–3 are complete before the counter row is even looked at; NOTIFY with the new head;
 *  5. `chain`: the hashes, by `event_store.chain_hashes` (one call: each stream's events chain in revision order from
 *     the stream's last hash; position, time and revision are spliced into the fragments; it also sets
 *     `streams.last_hash`);
 *  6. `ins`: the batch, one multi-row INSERT, positions base+1… in request order, revisions continuing each stream.
 * Arguments: streams (distinct, sorted), events per stream, expectation code per stream, event count; per event:
 * stream, offset within its stream in this request, id, type, payload hash; data and metadata texts (joined); the
 * hash fragment "stream" per stream; the tail fragments (joined); the stream's index in `streams` per event.
 */
export class EventStoreAppendFunction1767916800000 implements MigrationInterface {
  readonly name = 'EventStoreAppendFunction1767916800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION event_store.append(
        a_streams TEXT[], a_counts INT[], a_required INT[], a_total BIGINT,
        a_event_streams TEXT[], a_offsets INT[], a_ids UUID[], a_types TEXT[], a_payload_hashes TEXT[],
        a_data TEXT, a_metadata TEXT, a_stream_parts TEXT[], a_tails TEXT, a_stream_of INT[])
      RETURNS TABLE (base BIGINT, stream TEXT, actual INT)
      LANGUAGE plpgsql VOLATILE
      SET plan_cache_mode = force_generic_plan
      AS $fn$
      #variable_conflict use_column
      BEGIN
        RETURN QUERY
        WITH req AS MATERIALIZED (
          SELECT r.i, r.stream, r.n, r.required
          FROM unnest(a_streams, a_counts, a_required) WITH ORDINALITY AS r(stream, n, required, i)
          ORDER BY r.i
        ), up AS (
          INSERT INTO event_store.streams AS s (stream, revision)
          SELECT req.stream, req.n - 1 FROM req
          ON CONFLICT (stream) DO UPDATE SET revision = s.revision + EXCLUDED.revision + 1
          RETURNING s.stream, s.revision, s.last_hash
        ), chk AS MATERIALIZED (
          SELECT req.i, up.stream, CASE WHEN up.revision = req.n - 1 THEN -1 ELSE up.revision - req.n END AS actual, req.required,
            COALESCE(up.last_hash, '${GENESIS_HASH}') AS last_hash
          FROM up JOIN req ON req.stream = up.stream
        ), txt AS MATERIALIZED (
          SELECT string_to_array(a_data, E'\\x1f') AS data, string_to_array(a_metadata, E'\\x1f') AS metadata
        ), frag AS MATERIALIZED (
          -- unnest and ARRAY(subquery) keep the array order: element i of every array is event i.
          SELECT ARRAY(SELECT '{"data":' || x.d || ',"eventId":"' || x.id::text || '","globalPosition":'
                       FROM unnest(txt.data, a_ids) AS x(d, id)) AS heads,
            ARRAY(SELECT ',"metadata":' || m || ',"recordedAt":"' FROM unnest(txt.metadata) AS m) AS middles,
            string_to_array(a_tails, E'\\x1f') AS tails,
            ARRAY(SELECT d::jsonb FROM unnest(txt.data) AS d) AS data,
            ARRAY(SELECT m::jsonb FROM unnest(txt.metadata) AS m) AS metadata
          FROM txt
        ), ok AS MATERIALIZED (
          SELECT COALESCE(SUM(CASE WHEN chk.required = ${REQUIRE_ANY} OR chk.required = chk.actual THEN 0
                                   ELSE event_store.revision_conflict(chk.stream, chk.actual) END), 0)::bigint AS zero
          FROM chk, frag
        ), pos AS (
          UPDATE event_store.global_position g SET value = g.value + a_total + (SELECT ok.zero FROM ok) WHERE g.id
          RETURNING g.value - a_total AS base, date_trunc('milliseconds', clock_timestamp()) AS ts,
            pg_notify('${EVENT_STORE_NOTIFY_CHANNEL}', g.value::text) AS notified
        ), chain AS MATERIALIZED (
          SELECT pos.base, pos.ts, h.hashes, h.previous
          FROM pos, frag,
            LATERAL (SELECT array_agg(chk.last_hash ORDER BY chk.i) AS last_hashes, array_agg(chk.actual ORDER BY chk.i) AS actuals FROM chk) AS c,
            event_store.chain_hashes(a_streams, c.last_hashes, c.actuals, a_stream_parts, pos.base,
              to_char(pos.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), a_stream_of, a_offsets, frag.heads, frag.middles, frag.tails) AS h
        ), ins AS (
          INSERT INTO event_store.events
            (global_position, stream, stream_revision, event_id, type, data, metadata, payload_hash, recorded_at, hash, previous_hash)
          SELECT chain.base + e.ord, e.stream, chk.actual + 1 + e.off, e.id, e.type, e.data, e.meta, e.hash, chain.ts, e.chain_hash, e.previous_hash
          FROM chain, frag, ROWS FROM (
            unnest(a_event_streams), unnest(a_offsets), unnest(a_ids), unnest(a_types), unnest(a_payload_hashes),
            unnest(frag.data), unnest(frag.metadata), unnest(chain.hashes), unnest(chain.previous)
          ) WITH ORDINALITY AS e(stream, off, id, type, hash, data, meta, chain_hash, previous_hash, ord)
          JOIN chk ON chk.stream = e.stream
        )
        SELECT pos.base, chk.stream, chk.actual FROM pos, chk;
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION IF EXISTS event_store.append(TEXT[], INT[], INT[], BIGINT, TEXT[], INT[], UUID[], TEXT[], TEXT[], TEXT, TEXT, TEXT[], TEXT, INT[])`,
    );
  }
}
