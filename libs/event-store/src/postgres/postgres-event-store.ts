/**
 * PostgreSQL adapter of the event-store port (schema: postgres-event-store.migrations.ts).
 *
 * GLOBAL ORDER WITHOUT SKIPS — why positions come from a locked counter row taken as the last step before COMMIT:
 * readers of the global log (`readAll`, subscriptions, projectors) remember the last position they saw and ask for
 * "everything after it". If positions were handed out at the start of a transaction (a sequence, BIGSERIAL,
 * MAX()+1 …), a transaction holding position 7 could commit *after* one holding position 8; a reader that saw 8 would
 * never read 7 — silently lost for every projection (the bug class behind Marten 9.16.1's skipped events).
 * Here an append is ONE statement (SQL_APPEND) that first does the work that may run in parallel with other appends
 * — lock and advance its stream rows, check the expectations (the JSON is parsed even earlier, when the parameters
 * are bound) — and only then `UPDATE event_store.global_position SET value = value + n`, whose row lock is held until
 * COMMIT, inserts the batch at positions value-n+1..value and queues the NOTIFY. Run in autocommit, the statement
 * is its own transaction, so COMMIT follows immediately on the server, with no client round trip while the lock is
 * held. The next appender waits on that row lock until the previous one has committed (a commit is visible before
 * its locks are released) and then continues from the counter it left: position order == commit order, at every
 * moment the committed positions are exactly 1..head, and no snapshot sees p+1 without p. A rollback undoes the
 * counter too: no gaps. The price is that commits (with their WAL flush) are serialised, so the locked part is kept
 * to one UPDATE, one multi-row INSERT and the commit.
 *
 * HASH CHAIN (hash-chain.ts): each event's `hash` covers its globalPosition and recordedAt, which exist only inside
 * that statement, so the statement computes the hashes itself. The client sends each event's data and metadata as
 * canonical JSON text once; the statement builds the canonical envelope's fragments around that same text
 * (`envelopeFragments`) and, after taking the positions, calls `event_store.chain_hashes` once, which splices in
 * position, time and revision, chains each stream's events in revision order (sha256 of previous hash ‖ envelope)
 * starting from `streams.last_hash`, and stores each stream's new last hash there. The hashing is the only extra work
 * inside the lock: about 3 µs per event. The statement is the function `event_store.append`
 * (postgres-append.migrations.ts), whose plan is made once per connection.
 *
 * Pool ownership: a store built with `new PostgresEventStore(pool)` uses that pool and `close()` leaves it open (its
 * owner ends it); `PostgresEventStore.connect(url)` creates its own pool, which `close()` ends.
 */
import { Pool, PoolClient, PoolConfig } from 'pg';
import { RevisionConflictError } from '../errors';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  MultiAppendResult,
  ReadAllOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { streamFragment } from '../hash-chain';
import { NotificationListener } from './notification-listener';
import { EVENT_STORE_NOTIFY_CHANNEL } from './postgres-append.migrations';
import { EVENT_COLUMNS, SQL_READ_ALL, SQL_READ_ALL_WITHOUT_HASHES, SQL_READ_STREAM, toRecorded, type EventRow } from './postgres-event-row';
import { UUID, idempotentAnswerFor, planAppend, prepare, revisionConflict, type PreparedBatch, type StoredRef } from './postgres-append-plan';
import { AppendGroups } from './postgres-append-group';

export { EVENT_STORE_NOTIFY_CHANNEL };
// Re-exported: the package index and the chain verification take the row mapping from here.
export { EVENT_COLUMNS, toRecorded, type EventRow };

export type PostgresEventStoreOptions = Readonly<{
  /** Rows per query when paging through a stream (default 1000). */
  readPageSize?: number;
  /** Subscriptions re-read the log at least this often when no notification arrives (default 500 ms). */
  pollIntervalMs?: number;
  /**
   * TEST HOOK — runs inside every append transaction after the append statement (positions taken, counter row
   * locked, batch inserted), immediately before COMMIT. Throwing rolls the append back and the error is rethrown.
   * With a hook the (same) statement runs in an explicit BEGIN … COMMIT instead of autocommit. Used by the no-skip
   * proof to widen races (pg_sleep before commit) and to force rollbacks. Not for production.
   */
  beforeCommit?: (client: PoolClient) => Promise<void>;
  /**
   * Append statements in flight at once (default 2); appends arriving meanwhile wait and go together as one
   * statement (group commit, postgres-append-group.ts). 0 turns grouping off: every append is its own statement.
   * With `beforeCommit` appends are never grouped (the hook sees one append per transaction).
   */
  maxConcurrentAppends?: number;
}>;

const REVISION_CONFLICT_SQLSTATE = 'KC409';
/** Separates the events' texts in one text parameter (see event_store.append). */
const FRAGMENT_SEPARATOR = '\u001f';

/** The whole append (postgres-append.migrations.ts); autocommit, so the statement is the transaction. */
const SQL_APPEND = `SELECT base, stream, actual FROM event_store.append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;

const SQL_FIND_FOR_IDEMPOTENCY = `
  SELECT event_id, stream, stream_revision, global_position, payload_hash
  FROM event_store.events WHERE event_id = ANY($1::uuid[])`;


function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === constraint;
}


export class PostgresEventStore implements EventStore {
  private readonly readPageSize: number;
  private readonly pollIntervalMs: number;
  private listener: NotificationListener | null = null;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;
  private readonly groups: AppendGroups | null;

  /** `pool` stays the caller's: `close()` does not end it. */
  constructor(
    private readonly pool: Pool,
    private readonly options: PostgresEventStoreOptions = {},
    private readonly ownsPool = false,
  ) {
    this.readPageSize = options.readPageSize ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    const concurrent = options.beforeCommit ? 0 : (options.maxConcurrentAppends ?? 2);
    this.groups =
      concurrent > 0
        ? new AppendGroups(concurrent, (batch) => this.writeTogether(batch), (appends, batch) => this.appendAlone(appends, batch))
        : null;
  }

  /** A store with its own pool, which `close()` ends. Run EVENT_STORE_MIGRATIONS first. */
  static connect(url: string, poolConfig: Omit<PoolConfig, 'connectionString'> = {}, options: PostgresEventStoreOptions = {}): PostgresEventStore {
    const pool = new Pool({ connectionString: url, max: 20, ...poolConfig });
    pool.on('error', () => undefined); // an idle client losing its connection must not crash the process
    return new PostgresEventStore(pool, options, true);
  }

  async appendToStream(stream: string, expectedRevision: ExpectedRevision, events: readonly EventToAppend[]): Promise<AppendResult> {
    const [one] = (await this.append([{ stream, expectedRevision, events }])).streams;
    return { written: one.written, firstRevision: one.firstRevision, lastRevision: one.lastRevision, firstPosition: one.firstPosition, lastPosition: one.lastPosition };
  }

  appendMany(appends: readonly StreamAppend[]): Promise<MultiAppendResult> {
    return this.append(appends);
  }

  private async append(appends: readonly StreamAppend[]): Promise<MultiAppendResult> {
    const batch = prepare(appends);
    return this.groups ? this.groups.submit(appends, batch) : this.appendAlone(appends, batch);
  }

  /** One statement for a merged group (postgres-append-group.ts); throws whatever it fails with. */
  private async writeTogether(batch: PreparedBatch): Promise<MultiAppendResult> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      return await this.write(client, batch);
    } catch (err) {
      if ((err as { brokenConnection?: boolean })?.brokenConnection) broken = err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
  }

  private async appendAlone(appends: readonly StreamAppend[], batch: PreparedBatch): Promise<MultiAppendResult> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      // Idempotency comes first, checked optimistically: the UNIQUE(event_id) index is the lookup on the fast path
      // (a separate SELECT before every append cost ~1 ms per 100 events and the ingest API asks findByEventIds
      // anyway). Every way an append of already stored ids can fail — a stale expectation (the retry of a batch
      // moved the stream on) or the unique violation on event_id (also the race of two identical concurrent
      // appends) — rolls back and asks the store which ids exist; that answer wins over the original error. So an
      // identical retry answers with the original result even when its expectation is stale by now.
      try {
        return await this.write(client, batch);
      } catch (err) {
        if (err instanceof RevisionConflictError || isUniqueViolation(err, 'events_event_id_key')) {
          const known = idempotentAnswerFor(appends, await this.findForIdempotency(client, batch.ids));
          if (known) return known;
        }
        throw err;
      }
    } catch (err) {
      if ((err as { brokenConnection?: boolean })?.brokenConnection) broken = err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
  }

  private async findForIdempotency(client: PoolClient, ids: string[]): Promise<StoredRef[]> {
    const { rows } = await client.query<StoredRef>({ name: 'kc_es_find_for_idempotency', text: SQL_FIND_FOR_IDEMPOTENCY, values: [ids] });
    return rows;
  }

  private async write(client: PoolClient, batch: PreparedBatch): Promise<MultiAppendResult> {
    const plan = planAppend(batch);
    const streamIndex = new Map(plan.streams.map((stream, i) => [stream, i + 1]));
    const values = [
      plan.streams,
      plan.streams.map((s) => plan.counts.get(s)!),
      plan.streams.map((s) => plan.required.get(s)!),
      batch.ids.length,
      plan.eventStreams,
      plan.offsets,
      batch.ids,
      plan.types,
      plan.hashes,
      // Joined with U+001F, which canonical JSON never contains raw (control characters are escaped): no escaping on
      // either side, where a text[] literal or a JSON array of strings would escape every quote.
      plan.data.join(FRAGMENT_SEPARATOR),
      plan.metadata.join(FRAGMENT_SEPARATOR),
      plan.streams.map(streamFragment),
      plan.tails.join(FRAGMENT_SEPARATOR),
      plan.eventStreams.map((stream) => streamIndex.get(stream) as number),
    ];
    let rows: { base: number | string; stream: string; actual: number }[];
    try {
      if (this.options.beforeCommit) {
        // Test hook: the same statement in an explicit transaction, so the hook runs between it and COMMIT.
        await client.query('BEGIN');
        try {
          rows = (await client.query({ name: 'kc_es_append', text: SQL_APPEND, values })).rows;
          await this.options.beforeCommit(client);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {
            if (err && typeof err === 'object') (err as { brokenConnection?: boolean }).brokenConnection = true;
          });
          throw err;
        }
      } else {
        // Autocommit: the statement is the transaction; the server commits right after it, the lock never waits
        // for a client round trip.
        rows = (await client.query({ name: 'kc_es_append', text: SQL_APPEND, values })).rows;
      }
    } catch (err) {
      const e = err as { code?: string; detail?: string };
      if (e?.code === REVISION_CONFLICT_SQLSTATE && e.detail) {
        const { stream, actual } = JSON.parse(e.detail) as { stream: string; actual: number };
        throw revisionConflict(batch, stream, actual < 0 ? null : actual);
      }
      throw err;
    }

    const base = Number(rows[0].base);
    const revision = new Map(rows.map((r) => [r.stream, r.actual])); // -1: the stream was new
    let offset = 0;
    const streams = batch.appends.map((a) => {
      const first = revision.get(a.stream)! + 1;
      revision.set(a.stream, first + a.events.length - 1);
      const result = {
        stream: a.stream,
        written: true,
        firstRevision: first,
        lastRevision: first + a.events.length - 1,
        firstPosition: base + offset + 1,
        lastPosition: base + offset + a.events.length,
      };
      offset += a.events.length;
      return result;
    });
    return { written: true, count: batch.ids.length, firstPosition: base + 1, lastPosition: base + batch.ids.length, streams };
  }

  async *readStream(
    stream: string,
    options: { fromRevision?: number; toPosition?: number; types?: readonly string[] } = {},
  ): AsyncIterable<RecordedEvent> {
    let from = options.fromRevision ?? 0;
    const toPosition = options.toPosition ?? null;
    const types = options.types ? [...options.types] : null;
    for (;;) {
      const { rows } = await this.pool.query<EventRow>({
        name: 'kc_es_read_stream',
        text: SQL_READ_STREAM,
        values: [stream, from, toPosition, types, this.readPageSize],
      });
      for (const row of rows) yield toRecorded(row);
      if (rows.length < this.readPageSize) return;
      from = rows[rows.length - 1].stream_revision + 1;
    }
  }

  async findByEventIds(eventIds: readonly string[]): Promise<readonly (RecordedEvent & { payloadHash: string })[]> {
    const ids = [...new Set(eventIds.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<EventRow & { payload_hash: string }>({
      name: 'kc_es_find_by_event_ids',
      text: `SELECT ${EVENT_COLUMNS}, payload_hash FROM event_store.events WHERE event_id = ANY($1::uuid[]) ORDER BY global_position`,
      values: [ids],
    });
    return rows.map((r) => ({ ...toRecorded(r), payloadHash: r.payload_hash }));
  }

  async streamRevision(stream: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ revision: number }>({
      name: 'kc_es_stream_revision',
      text: 'SELECT revision FROM event_store.streams WHERE stream = $1',
      values: [stream],
    });
    return rows.length ? rows[0].revision : null;
  }

  async streamHead(stream: string): Promise<{ revision: number; lastHash: string | null } | null> {
    const { rows } = await this.pool.query<{ revision: number; last_hash: string | null }>({
      name: 'kc_es_stream_head',
      text: 'SELECT revision, last_hash FROM event_store.streams WHERE stream = $1',
      values: [stream],
    });
    return rows.length ? { revision: rows[0].revision, lastHash: rows[0].last_hash } : null;
  }

  async readAll(fromPosition: number, limit: number, options: ReadAllOptions = {}): Promise<readonly RecordedEvent[]> {
    if (!Number.isInteger(limit) || limit <= 0) throw new TypeError('readAll: limit must be a positive integer');
    const query =
      options.hashes === false
        ? { name: 'kc_es_read_all_unhashed', text: SQL_READ_ALL_WITHOUT_HASHES, values: [fromPosition, limit] }
        : { name: 'kc_es_read_all', text: SQL_READ_ALL, values: [fromPosition, limit] };
    const { rows } = await this.pool.query<EventRow>(query);
    return rows.map(toRecorded);
  }

  async headPosition(): Promise<number> {
    // The counter is only ever advanced by a committing append (and rolled back with it): the committed head.
    const { rows } = await this.pool.query<{ value: number | string }>('SELECT value FROM event_store.global_position');
    return rows.length ? Number(rows[0].value) : 0;
  }

  /**
   * Catch-up with `readAll` pages of `batchSize` (default 1000), then live: woken by NOTIFY on a dedicated
   * connection (shared by the store's subscriptions) and polling every `pollIntervalMs` in case a notification is
   * missed. Batches go to `onEvents` one at a time. `done` rejects when `onEvents` or a read fails (the rejection is
   * marked handled, so await `done` to see it); `stop()` lets the batch in hand finish and never rejects.
   */
  subscribeToAll(options: SubscribeOptions): Subscription {
    if (this.closed) throw new Error('event store is closed');
    const batchSize = options.batchSize ?? 1000;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new TypeError('batchSize must be a positive integer');
    if (!Number.isInteger(options.fromPosition) || options.fromPosition < 0) throw new TypeError('fromPosition must be an integer >= 0');

    let stopped = false;
    let notified = false;
    let wake: (() => void) | null = null;
    const listener = (this.listener ??= new NotificationListener(this.pool.options, EVENT_STORE_NOTIFY_CHANNEL, this.pollIntervalMs));
    const removeHandler = listener.add(() => {
      notified = true;
      wake?.();
    });
    const sleep = () =>
      new Promise<void>((resolve) => {
        if (stopped || notified) return resolve();
        const finish = () => {
          clearTimeout(timer);
          wake = null;
          resolve();
        };
        const timer = setTimeout(finish, this.pollIntervalMs);
        wake = finish;
      });

    const run = async () => {
      let position = options.fromPosition;
      let caughtUpReported = false;
      try {
        await listener.ensure();
        while (!stopped) {
          notified = false; // a notification from now on means: read again before sleeping
          const events = await this.readAll(position, batchSize);
          if (stopped) break;
          if (events.length > 0) {
            await options.onEvents(events);
            position = events[events.length - 1].globalPosition;
            caughtUpReported = false;
            if (events.length === batchSize) continue;
          }
          if (!caughtUpReported) {
            caughtUpReported = true;
            options.onCaughtUp?.(position);
          }
          await listener.ensure();
          await sleep();
        }
      } finally {
        removeHandler();
        this.subscriptions.delete(subscription);
      }
    };

    const done = run();
    done.catch(() => undefined); // handled here so a fatal error cannot crash the process; `done` still rejects
    const subscription: Subscription = {
      done,
      stop: async () => {
        stopped = true;
        wake?.();
        await done.catch(() => undefined);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Stops the subscriptions and the listener; ends the pool only when this store created it (`connect`). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.listener?.close();
    if (this.ownsPool) await this.pool.end();
  }
}
