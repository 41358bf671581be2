import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@klantcentraal/event-store';
import { quoteIdent, type Queryable } from './sql';

/** An event one projection could not apply; the other projections applied it. */
export type ParkedEvent = Readonly<{
  projection: string;
  globalPosition: number;
  eventId: string;
  stream: string;
  eventType: string;
  error: string;
  /** How often applying it failed: the batch attempts, then one per failed retry. */
  attempts: number;
  parkedAt: string;
  retriedAt: string | null;
}>;

export type Parking = Readonly<{ projection: string; event: RecordedEvent; error: string; attempts: number }>;

type Row = {
  projection: string;
  global_position: number | string;
  event_id: string;
  stream: string;
  event_type: string;
  error: string;
  attempts: number;
  parked_at: Date;
  retried_at: Date | null;
};

const toParked = (r: Row): ParkedEvent => ({
  projection: r.projection,
  globalPosition: Number(r.global_position),
  eventId: r.event_id,
  stream: r.stream,
  eventType: r.event_type,
  error: r.error,
  attempts: r.attempts,
  parkedAt: new Date(r.parked_at).toISOString(),
  retriedAt: r.retried_at ? new Date(r.retried_at).toISOString() : null,
});

/** Park (or, when already parked, count another failed attempt of) these events; one statement. */
export async function parkEvents(client: PoolClient, schema: string, parkings: readonly Parking[]): Promise<void> {
  if (parkings.length === 0) return;
  const table = `${quoteIdent(schema)}.parked_events`;
  await client.query(
    `INSERT INTO ${table} AS p (projection, global_position, event_id, stream, event_type, error, attempts)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[])
     ON CONFLICT (projection, global_position) DO UPDATE
       SET error = EXCLUDED.error, attempts = p.attempts + EXCLUDED.attempts, retried_at = now()`,
    [
      parkings.map((p) => p.projection),
      parkings.map((p) => p.event.globalPosition),
      parkings.map((p) => p.event.eventId),
      parkings.map((p) => p.event.stream),
      parkings.map((p) => p.event.type),
      parkings.map((p) => p.error),
      parkings.map((p) => p.attempts),
    ],
  );
}

export async function unparkEvents(client: PoolClient, schema: string, projection: string, positions: readonly number[]): Promise<void> {
  if (positions.length === 0) return;
  await client.query(`DELETE FROM ${quoteIdent(schema)}.parked_events WHERE projection = $1 AND global_position = ANY($2::bigint[])`, [
    projection,
    positions,
  ]);
}

export async function selectParked(
  db: Queryable,
  schema: string,
  filter: { projection?: string; position?: number; streams?: readonly string[]; forUpdate?: boolean } = {},
): Promise<ParkedEvent[]> {
  const { rows } = await db.query<Row>(
    `SELECT projection, global_position, event_id, stream, event_type, error, attempts, parked_at, retried_at
     FROM ${quoteIdent(schema)}.parked_events
     WHERE ($1::text IS NULL OR projection = $1) AND ($2::bigint IS NULL OR global_position = $2)
       AND ($3::text[] IS NULL OR stream = ANY($3::text[]))
     ORDER BY projection, global_position${filter.forUpdate ? ' FOR UPDATE' : ''}`,
    [filter.projection ?? null, filter.position ?? null, filter.streams ? [...filter.streams] : null],
  );
  return rows.map(toParked);
}

export async function countParked(db: Queryable, schema: string): Promise<Map<string, number>> {
  const { rows } = await db.query<{ projection: string; n: number | string }>(
    `SELECT projection, count(*) AS n FROM ${quoteIdent(schema)}.parked_events GROUP BY projection`,
  );
  return new Map(rows.map((r) => [r.projection, Number(r.n)]));
}
