/**
 * Shares the projections' partitions among any number of projector processes, coordinated by PostgreSQL itself:
 *
 * - Ownership is a session-level advisory lock per partition, held on one dedicated connection (never a pooled one,
 *   so a lock can never leak to another user of the pool — Marten's orphaned-lock bug). When the process dies, even
 *   by kill -9, PostgreSQL ends the session and releases its locks; the others take the partitions at their next
 *   round (every `intervalMs`, default 1 s).
 * - Each process also holds a shared "member" lock; counting its holders in `pg_locks` tells every process how many
 *   share the work, so each takes at most ceil(partitions / members) and gives back the rest (highest first).
 * - Fencing: taking a partition bumps its epoch in `projector.partition_leases`; every batch checks, in its own
 *   transaction, that the leases of its partitions still carry this process's epochs (`fence`). A process that lost
 *   its lock connection but still has a batch in hand (a pause, a network cut) can never commit it after another
 *   took over — the double claim Axon saw when two nodes both believed they held a segment. The lock connection's
 *   loss also stops the runners at once.
 *
 * Checkpoints are per partition (partitions.ts), so a new owner goes on exactly where the old one committed.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Client, type ClientConfig, type Pool, type PoolClient } from 'pg';
import type { ProjectorLogger } from './projection-runner.types';

/** Advisory lock keys (first of the two int4 keys): one per partition, and the members' shared lock. */
const PARTITION_LOCK = 1_262_682_112;
const MEMBER_LOCK = PARTITION_LOCK + 1;

export type PartitionCoordinatorOptions = Readonly<{
  /** For the lease table and the fencing checks. */
  pool: Pool;
  /** Connection settings of the dedicated session that holds the locks (e.g. `{ connectionString }`). */
  lockConnection: ClientConfig;
  /** PROJECTION_PARTITIONS: every process must use the same value. */
  partitions: number;
  /** Called with the new set whenever it changes; resolves once the runners apply exactly these partitions. */
  onAssign(owned: readonly number[]): Promise<void>;
  /** How this process appears in `npm run projections -- status` (default host-pid-random). */
  memberId?: string;
  /** Time between rounds (default 1000 ms). */
  intervalMs?: number;
  logger: ProjectorLogger;
}>;

export type PartitionOwnership = Readonly<{ partition: number; owner: string; epoch: number; acquiredAt: string; held: boolean }>;

export class PartitionCoordinator {
  readonly memberId: string;
  private readonly count: number;
  private readonly intervalMs: number;
  private session: Client | null = null;
  /** Partition → the epoch this process took it with. */
  private readonly epochs = new Map<number, number>();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private lastError: string | null = null;

  constructor(private readonly options: PartitionCoordinatorOptions) {
    this.count = options.partitions;
    this.intervalMs = options.intervalMs ?? 1000;
    this.memberId = options.memberId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  }

  /** PROJECTION_PARTITIONS. */
  get partitions(): number {
    return this.count;
  }

  /** The partitions this process owns now, ascending. */
  get owned(): number[] {
    return [...this.epochs.keys()].sort((a, b) => a - b);
  }

  /** True while the lock session is up and the last round succeeded. */
  get healthy(): boolean {
    return this.session !== null && this.lastError === null;
  }

  /**
   * The fencing check for a batch (ProjectionRunnerOptions.fence): null while every partition this process applies
   * still carries its epoch; else a reason. Share-locks the lease rows, so a takeover waits for the batch in hand.
   */
  readonly fence = async (client: PoolClient): Promise<string | null> => {
    const owned = this.owned;
    if (owned.length === 0) return 'this process owns no partition';
    const { rows } = await client.query<{ partition: number }>(
      `SELECT m.partition FROM unnest($1::int[], $2::bigint[]) AS m(partition, epoch)
         LEFT JOIN (SELECT partition, epoch FROM projector.partition_leases
                     WHERE partition = ANY($1::int[]) AND owner = $3 FOR SHARE) l
           ON l.partition = m.partition AND l.epoch = m.epoch
        WHERE l.partition IS NULL`,
      [owned, owned.map((p) => this.epochs.get(p)), this.memberId],
    );
    return rows.length === 0 ? null : `partition(s) ${rows.map((r) => r.partition).join(', ')} now belong to another projector`;
  };

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run().finally(() => (this.loop = null));
  }

  /** Hand every partition back (the runners first commit their batch in hand), then end the lock session. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await this.assign([]);
    await this.closeSession();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.round();
        this.lastError = null;
      } catch (err) {
        this.lastError = err instanceof Error ? err.message : String(err);
        this.options.logger.error(`partition round failed: ${this.lastError}`);
        await this.loseSession();
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.intervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** One round: count the members, give back what is over the fair share, try to take what is under it. */
  private async round(): Promise<void> {
    const session = await this.ensureSession();
    const { rows } = await session.query<{ members: string; counts: number[] }>(
      `SELECT count(*) AS members, array_agg(DISTINCT objid::int) AS counts FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND classid = $1 AND objsubid = 2
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [MEMBER_LOCK],
    );
    const others = (rows[0].counts ?? []).filter((c) => c !== this.count);
    if (others.length > 0) {
      throw new Error(`PROJECTION_PARTITIONS=${this.count} but other projectors run with ${others.join(', ')}: every projector must use the same value`);
    }
    const members = Math.max(1, Number(rows[0].members));
    const fairShare = Math.ceil(this.count / members);
    const owned = this.owned;

    if (owned.length > fairShare) {
      const giveBack = owned.slice(fairShare);
      await this.assign(owned.slice(0, fairShare)); // the runners commit their batch in hand first
      for (const partition of giveBack) await session.query('SELECT pg_advisory_unlock($1, $2)', [PARTITION_LOCK, partition]);
      this.options.logger.log(`gave back partition(s) ${giveBack.join(', ')} (${members} projectors share ${this.count})`);
      return;
    }
    if (owned.length === fairShare) return;

    const taken: number[] = [];
    // Start at a different place per member so newcomers do not all contend for partition 0 first.
    const offset = parseInt(this.memberId.slice(-6), 16) % this.count || 0;
    for (let i = 0; i < this.count && owned.length + taken.length < fairShare; i++) {
      const partition = (offset + i) % this.count;
      if (this.epochs.has(partition)) continue;
      const got = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [PARTITION_LOCK, partition]);
      if (!got.rows[0].ok) continue;
      const lease = await this.options.pool.query<{ epoch: string }>(
        `INSERT INTO projector.partition_leases AS l (partition, partitions, owner, epoch, acquired_at)
         VALUES ($1, $2, $3, 1, now())
         ON CONFLICT (partition) DO UPDATE SET partitions = $2, owner = $3, epoch = l.epoch + 1, acquired_at = now()
         RETURNING epoch`,
        [partition, this.count, this.memberId],
      );
      this.epochs.set(partition, Number(lease.rows[0].epoch));
      taken.push(partition);
    }
    if (taken.length > 0) {
      this.options.logger.log(`took partition(s) ${taken.join(', ')}; owns ${this.owned.length} of ${this.count} (${members} projector(s))`);
      await this.options.onAssign(this.owned);
    }
  }

  private async assign(owned: readonly number[]): Promise<void> {
    const keep = new Set(owned);
    const changed = this.owned.some((p) => !keep.has(p));
    for (const partition of this.owned) if (!keep.has(partition)) this.epochs.delete(partition);
    if (changed) await this.options.onAssign(this.owned);
  }

  private async ensureSession(): Promise<Client> {
    if (this.session) return this.session;
    const session = new Client({ ...this.options.lockConnection, keepAlive: true, application_name: `klantcentraal-projector ${this.memberId}` });
    session.on('error', (err) => {
      // The locks went with the session: stop applying at once (fencing covers a batch already in flight).
      this.options.logger.error(`lock session lost (${err.message}); giving up every partition`);
      void this.loseSession();
    });
    await session.connect();
    await session.query('SELECT pg_advisory_lock_shared($1, $2)', [MEMBER_LOCK, this.count]);
    this.session = session;
    return session;
  }

  private async loseSession(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session) await session.end().catch(() => undefined);
    await this.assign([]).catch((err: unknown) => this.options.logger.error(`while stopping the runners: ${String(err)}`));
  }

  private async closeSession(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session) await session.end().catch(() => undefined);
  }
}

/** Every partition's lease (owner, epoch) and whether its lock is held right now (a live owner). */
export async function readPartitionOwnership(pool: Pool): Promise<PartitionOwnership[]> {
  const { rows } = await pool.query<{ partition: number; owner: string; epoch: string; acquired_at: Date; held: boolean }>(
    `SELECT l.partition, l.owner, l.epoch, l.acquired_at,
            EXISTS (SELECT 1 FROM pg_locks k
                     WHERE k.locktype = 'advisory' AND k.granted AND k.classid = $1 AND k.objid = l.partition AND k.objsubid = 2
                       AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS held
       FROM projector.partition_leases l ORDER BY l.partition`,
    [PARTITION_LOCK],
  );
  return rows.map((r) => ({ partition: r.partition, owner: r.owner, epoch: Number(r.epoch), acquiredAt: r.acquired_at.toISOString(), held: r.held }));
}
