import type { PoolClient } from 'pg';
import { quoteIdent, type Queryable } from './sql';

/** Checkpoints of the named projections in `schema` (0 for a projection that has none yet). */
export async function readCheckpoints(
  db: Queryable,
  schema: string,
  projections: readonly string[],
  options: { forUpdate?: boolean } = {},
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ projection: string; position: number | string }>(
    `SELECT projection, position FROM ${quoteIdent(schema)}.checkpoints WHERE projection = ANY($1::text[])${
      options.forUpdate ? ' FOR UPDATE' : ''
    }`,
    [projections],
  );
  const positions = new Map(projections.map((name) => [name, 0]));
  for (const row of rows) positions.set(row.projection, Number(row.position));
  return positions;
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
