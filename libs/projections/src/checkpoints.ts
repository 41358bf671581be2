import type { PoolClient } from 'pg';
import { partitionCheckpoint } from './partitions';
import { quoteIdent, type Queryable } from './sql';

/** The projection a partition checkpoint (`<projection>/<n>of<count>`, partitions.ts) belongs to; itself otherwise. */
export const baseCheckpoint = (name: string): string => {
  const slash = name.indexOf('/');
  return slash < 0 ? name : name.slice(0, slash);
};

/**
 * Checkpoints of the named projections in `schema` (0 for a projection that has none yet). A partition's checkpoint
 * is never below its projection's own row: that row holds a position every partition has reached (kept at their
 * lowest by partitioned batches, set by a rebuild's swap, or left by an unpartitioned runner).
 */
export async function readCheckpoints(
  db: Queryable,
  schema: string,
  projections: readonly string[],
  options: { forUpdate?: boolean } = {},
): Promise<Map<string, number>> {
  const names = [...new Set([...projections, ...projections.map(baseCheckpoint)])];
  const { rows } = await db.query<{ projection: string; position: number | string }>(
    `SELECT projection, position FROM ${quoteIdent(schema)}.checkpoints WHERE projection = ANY($1::text[])${
      options.forUpdate ? ' FOR UPDATE' : ''
    }`,
    [names],
  );
  const stored = new Map(rows.map((row) => [row.projection, Number(row.position)]));
  return new Map(projections.map((name) => [name, Math.max(stored.get(name) ?? 0, stored.get(baseCheckpoint(name)) ?? 0)]));
}

export function lowest(positions: ReadonlyMap<string, number>): number {
  let min = Number.POSITIVE_INFINITY;
  for (const position of positions.values()) min = Math.min(min, position);
  return Number.isFinite(min) ? min : 0;
}

/** One statement for every projection of a batch; a checkpoint never moves backwards. */
export async function saveCheckpoints(client: PoolClient, schema: string, positions: ReadonlyMap<string, number>): Promise<void> {
  if (positions.size === 0) return;
  const table = `${quoteIdent(schema)}.checkpoints`;
  await client.query(
    `INSERT INTO ${table} AS c (projection, position, updated_at)
     SELECT p.projection, p.position, now() FROM unnest($1::text[], $2::bigint[]) AS p(projection, position)
     ON CONFLICT (projection) DO UPDATE SET position = EXCLUDED.position, updated_at = EXCLUDED.updated_at
     WHERE c.position < EXCLUDED.position`,
    [[...positions.keys()], [...positions.values()]],
  );
}

export type PartitionCheckpoint = Readonly<{ projection: string; partition: number; position: number }>;

/** Every partition's checkpoint per projection (`npm run projections -- status`), never below the projection's row. */
export async function readPartitionCheckpoints(
  db: Queryable,
  schema: string,
  projections: readonly string[],
  count: number,
): Promise<PartitionCheckpoint[]> {
  const keys = projections.flatMap((projection) => Array.from({ length: count }, (_, partition) => ({ projection, partition, key: partitionCheckpoint(projection, partition, count) })));
  const positions = await readCheckpoints(db, schema, keys.map((k) => k.key));
  return keys.map(({ projection, partition, key }) => ({ projection, partition, position: positions.get(key) ?? 0 }));
}
