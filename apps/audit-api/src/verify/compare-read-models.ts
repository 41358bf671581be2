/**
 * Row-by-row comparison of read-model tables in two schemas (the live `read_models` and a rebuild's scratch schema):
 * per table, the rows each side has that the other lacks (EXCEPT ALL both ways over `to_jsonb(row)`, so every column
 * type compares and column order does not matter), reported by primary key; a key on both sides is a changed row,
 * with the columns that differ.
 */
import type { Pool, PoolClient } from 'pg';

export type RowDifference = Readonly<{
  key: Readonly<Record<string, unknown>>;
  /** live-only: the rebuild has no such row; rebuilt-only: the live tables lack it; changed: both, different values. */
  kind: 'live-only' | 'rebuilt-only' | 'changed';
  columns?: readonly string[];
}>;

export type TableComparison = Readonly<{
  table: string;
  liveRows: number;
  rebuiltRows: number;
  /** Rows of each side missing from the other (a changed row counts on both sides). */
  liveOnly: number;
  rebuiltOnly: number;
  /** The first differing keys (at most `maxKeys` per side). */
  differences: readonly RowDifference[];
}>;

type Db = Pick<Pool | PoolClient, 'query'>;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function compareReadModelTables(
  db: Db,
  liveSchema: string,
  rebuiltSchema: string,
  tables: readonly string[],
  options: { maxKeys?: number } = {},
): Promise<TableComparison[]> {
  const maxKeys = options.maxKeys ?? 20;
  const results: TableComparison[] = [];
  for (const table of tables) {
    const live = `${quote(liveSchema)}.${quote(table)}`;
    const rebuilt = `${quote(rebuiltSchema)}.${quote(table)}`;
    const { rows: keyRows } = await db.query<{ attname: string }>(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
      [live],
    );
    const keyColumns = keyRows.map((r) => r.attname);
    const { rows: counts } = await db.query<{ live_rows: number; rebuilt_rows: number; live_only: number; rebuilt_only: number }>(
      `WITH l AS (SELECT to_jsonb(t) AS r FROM ${live} t), b AS (SELECT to_jsonb(t) AS r FROM ${rebuilt} t)
       SELECT (SELECT count(*) FROM l)::int AS live_rows, (SELECT count(*) FROM b)::int AS rebuilt_rows,
              (SELECT count(*) FROM (SELECT r FROM l EXCEPT ALL SELECT r FROM b) x)::int AS live_only,
              (SELECT count(*) FROM (SELECT r FROM b EXCEPT ALL SELECT r FROM l) x)::int AS rebuilt_only`,
    );
    const { live_rows, rebuilt_rows, live_only, rebuilt_only } = counts[0];
    let differences: RowDifference[] = [];
    if (live_only + rebuilt_only > 0) {
      const { rows } = await db.query<{ side: 'live' | 'rebuilt'; r: Record<string, unknown> }>(
        `WITH l AS (SELECT to_jsonb(t) AS r FROM ${live} t), b AS (SELECT to_jsonb(t) AS r FROM ${rebuilt} t)
         (SELECT 'live' AS side, r FROM (SELECT r FROM l EXCEPT ALL SELECT r FROM b) x LIMIT $1)
         UNION ALL
         (SELECT 'rebuilt' AS side, r FROM (SELECT r FROM b EXCEPT ALL SELECT r FROM l) x LIMIT $1)`,
        [maxKeys],
      );
      differences = pairByKey(rows, keyColumns);
    }
    results.push({ table, liveRows: live_rows, rebuiltRows: rebuilt_rows, liveOnly: live_only, rebuiltOnly: rebuilt_only, differences });
  }
  return results;
}

function pairByKey(rows: readonly { side: 'live' | 'rebuilt'; r: Record<string, unknown> }[], keyColumns: readonly string[]): RowDifference[] {
  const keyOf = (r: Record<string, unknown>) =>
    Object.fromEntries((keyColumns.length ? keyColumns : Object.keys(r)).map((c) => [c, r[c]]));
  const byKey = new Map<string, { key: Record<string, unknown>; live?: Record<string, unknown>; rebuilt?: Record<string, unknown> }>();
  for (const { side, r } of rows) {
    const key = keyOf(r);
    const id = JSON.stringify(key);
    const entry = byKey.get(id) ?? { key };
    entry[side] = r;
    byKey.set(id, entry);
  }
  return [...byKey.values()].map(({ key, live, rebuilt }): RowDifference => {
    if (live && rebuilt) {
      const columns = [...new Set([...Object.keys(live), ...Object.keys(rebuilt)])].filter(
        (c) => JSON.stringify(live[c]) !== JSON.stringify(rebuilt[c]),
      );
      return { key, kind: 'changed', columns };
    }
    return { key, kind: live ? 'live-only' : 'rebuilt-only' };
  });
}
