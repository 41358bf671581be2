import { lowest, readCheckpoints } from './checkpoints';
import { ProjectionLagError } from './projection-lag.error';
import { assertSchemaName, quoteIdent, sleep, type Queryable } from './sql';

export type WaitForCheckpointsOptions = Readonly<{
  /** The projections to wait for (default: every projection with a checkpoint row). */
  projections?: readonly string[];
  timeoutMs?: number;
  pollMs?: number;
  schema?: string;
}>;

/**
 * Read-your-writes (`X-Min-Position`) for a process that does not run the projector itself, e.g. a standalone query
 * API: polls the checkpoints table until the projections have processed `position`; ProjectionLagError after
 * `timeoutMs` (default 5 s). In-process, prefer `ProjectionRunner.waitForPosition`, which its commits wake.
 */
export async function waitForCheckpoints(db: Queryable, position: number, options: WaitForCheckpointsOptions = {}): Promise<void> {
  const schema = assertSchemaName(options.schema ?? 'read_models');
  const timeoutMs = options.timeoutMs ?? 5000;
  const pollMs = options.pollMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  const reached = async () => {
    if (options.projections) return lowest(await readCheckpoints(db, schema, options.projections));
    const { rows } = await db.query<{ p: number | string | null }>(`SELECT min(position) AS p FROM ${quoteIdent(schema)}.checkpoints`);
    return Number(rows[0]?.p ?? 0);
  };
  for (let at = await reached(); at < position; at = await reached()) {
    const left = deadline - Date.now();
    if (left <= 0) throw new ProjectionLagError(position, at, timeoutMs);
    await sleep(Math.min(pollMs, left));
  }
}
