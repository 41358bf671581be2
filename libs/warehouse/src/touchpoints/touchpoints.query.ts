import { COMPANY_SIZES, LIFECYCLE_PHASES } from '@klantcentraal/domain';
import { CHANNELS, DEPARTMENT_ROWS, TOUCHPOINT_TYPES } from '../reference-dimensions/reference-dimensions';
import { analysisQuery, qualified, TABLES, WAREHOUSE_SCHEMA, type Queryable } from '../warehouse-schema';
import { ISO_WEEK_KEY } from './touchpoint-aggregate.writer';

/**
 * `GET /v1/warehouse/touchpoints`: touchpoints (count, summed amount) in `[from, to)` by any combination of
 * dimensions. `size` and `phase` are the customer AS IT WAS at each touchpoint (the type-2 dimension version the fact
 * points to), `type` values are event type names, `month` is `YYYY-MM` and `week` the ISO week `YYYY-Www` (UTC).
 *
 * Rows are ordered by the groupBy dimensions, each in its natural order (see DIMENSIONS).
 *
 * The period is answered from the coarsest data that fits it exactly: whole UTC months from `agg_touchpoint_month`
 * (unless grouped by week), whole days from `agg_touchpoint_day`, the partial first and last day from the facts.
 */
export const TOUCHPOINT_DIMENSIONS = ['month', 'week', 'type', 'channel', 'department', 'size', 'phase'] as const;
export type TouchpointDimension = (typeof TOUCHPOINT_DIMENSIONS)[number];

export type TouchpointsQuery = Readonly<{
  /** Inclusive; null: from the beginning. */
  from: string | null;
  /** Exclusive. */
  to: string;
  groupBy: readonly TouchpointDimension[];
  /** `aggregate` (default): as described above. `facts`: all from fact_touchpoint ⋈ dim_customer (the reference). */
  source?: 'aggregate' | 'facts';
}>;

export type TouchpointsRow = Partial<Record<TouchpointDimension, string>> & { count: number; amount: number };

type Param = (value: unknown, type: string) => string;

/**
 * Per dimension: an integer key the cells are summed and ordered by (so the order is the dimension's natural one:
 * time; the catalogue's order of types; channels, departments, sizes and phases in the order of their lists), and
 * the label of a key. Keys and labels come from the cells without joins (array lookups).
 */
const DIMENSIONS: Readonly<Record<TouchpointDimension, { key(param: Param): string; label(param: Param, k: string): string }>> = {
  month: { key: () => 'c.month_key', label: (_, k) => `(${k} / 100)::text || '-' || lpad((${k} % 100)::text, 2, '0')` },
  week: { key: () => 'c.week_key', label: (_, k) => `(${k} / 100)::text || '-W' || lpad((${k} % 100)::text, 2, '0')` },
  // type_key is 1-based, department_key 0-based (reference-dimensions.ts)
  type: { key: () => 'c.type_key', label: (param, k) => `(${param(TOUCHPOINT_TYPES.map((t) => t.type), 'text[]')})[${k}]` },
  channel: {
    key: (param) => `(${param(TOUCHPOINT_TYPES.map((t) => CHANNELS.indexOf(t.channel) + 1), 'int[]')})[c.type_key]`,
    label: (param, k) => `(${param(CHANNELS, 'text[]')})[${k}]`,
  },
  department: { key: () => 'c.department_key', label: (param, k) => `(${param(DEPARTMENT_ROWS.map((d) => d.department), 'text[]')})[${k} + 1]` },
  size: {
    key: (param) => `array_position(${param(COMPANY_SIZES, 'text[]')}, c.customer_size)`,
    label: (param, k) => `COALESCE((${param(COMPANY_SIZES, 'text[]')})[${k}], 'unknown')`,
  },
  phase: {
    key: (param) => `array_position(${param(LIFECYCLE_PHASES, 'text[]')}, c.lifecycle_phase)`,
    label: (param, k) => `COALESCE((${param(LIFECYCLE_PHASES, 'text[]')})[${k}], 'unknown')`,
  },
};

type Segment = Readonly<{ source: 'month' | 'day' | 'facts'; fromMs: number; toMs: number }>;

const DAY_MS = 86_400_000;
const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const ceilDay = (ms: number) => Math.ceil(ms / DAY_MS) * DAY_MS;
const floorMonth = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const ceilMonth = (ms: number) => {
  const start = floorMonth(ms);
  if (start === ms) return ms;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

/** Cuts [from, to) into partial days (facts), whole days outside whole months (days) and whole months (months). */
export function periodSegments(fromMs: number, toMs: number, useMonths: boolean): Segment[] {
  const dayStart = fromMs === -Infinity ? -Infinity : ceilDay(fromMs);
  const dayEnd = floorDay(toMs);
  if (dayStart >= dayEnd) return fromMs < toMs ? [{ source: 'facts', fromMs, toMs }] : [];
  const segments: Segment[] = [];
  if (fromMs < dayStart) segments.push({ source: 'facts', fromMs, toMs: dayStart });
  const monthStart = dayStart === -Infinity ? -Infinity : ceilMonth(dayStart);
  const monthEnd = floorMonth(dayEnd);
  if (useMonths && monthStart < monthEnd) {
    if (dayStart < monthStart) segments.push({ source: 'day', fromMs: dayStart, toMs: monthStart });
    segments.push({ source: 'month', fromMs: monthStart, toMs: monthEnd });
    if (monthEnd < dayEnd) segments.push({ source: 'day', fromMs: monthEnd, toMs: dayEnd });
  } else {
    segments.push({ source: 'day', fromMs: dayStart, toMs: dayEnd });
  }
  if (dayEnd < toMs) segments.push({ source: 'facts', fromMs: dayEnd, toMs });
  return segments;
}

const dateKey = (ms: number) => {
  const d = new Date(ms);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
};

export async function touchpointsByDimensions(db: Queryable, query: TouchpointsQuery): Promise<{ rows: TouchpointsRow[] }> {
  const s = WAREHOUSE_SCHEMA;
  const groupBy = [...new Set(query.groupBy)];
  const fromMs = query.from === null ? -Infinity : Date.parse(query.from);
  const toMs = Date.parse(query.to);
  const values: unknown[] = [];
  const param = (value: unknown, type: string) => {
    values.push(value);
    return `$${values.length}::${type}`;
  };
  const instant = (ms: number) => param(ms === -Infinity ? '-infinity' : new Date(ms).toISOString(), 'timestamptz');

  const columns = 'month_key, week_key, type_key, department_key, customer_size, lifecycle_phase, touchpoints, amount';
  // The partial days at the ends are few facts: their customer versions are looked up by key (the planner would
  // hash all of dim_customer for a handful of rows); the all-facts reference joins by hash.
  const facts = (from: number, to: number, lookup: 'index' | 'hash') =>
    `SELECT f.date_key / 100, ${ISO_WEEK_KEY('f.date_key')}, f.type_key, f.department_key, COALESCE(d.size, 'unknown'), COALESCE(d.lifecycle_phase, 'unknown'),
            1, COALESCE(f.amount, 0)
       FROM ${qualified(s, TABLES.factTouchpoint)} f
       ${
         lookup === 'hash'
           ? `LEFT JOIN ${qualified(s, TABLES.dimCustomer)} d ON d.customer_key = f.customer_key`
           : `LEFT JOIN LATERAL (SELECT size, lifecycle_phase FROM ${qualified(s, TABLES.dimCustomer)} v
                                  WHERE v.customer_key = f.customer_key OFFSET 0) d ON true`
       }
      WHERE f.occurred_at >= ${instant(from)} AND f.occurred_at < ${instant(to)}`;
  const days = (from: number, to: number) =>
    `SELECT date_key / 100, ${columns.split(', ').slice(1).join(', ')} FROM ${qualified(s, TABLES.aggTouchpointDay)}
      WHERE date_key >= ${param(from === -Infinity ? 0 : dateKey(from), 'int')} AND date_key < ${param(dateKey(to), 'int')}`;
  const months = (from: number, to: number) =>
    `SELECT month_key, NULL::int, type_key, department_key, customer_size, lifecycle_phase, touchpoints, amount
       FROM ${qualified(s, TABLES.aggTouchpointMonth)}
      WHERE month_key >= ${param(from === -Infinity ? 0 : Math.floor(dateKey(from) / 100), 'int')}
        AND month_key < ${param(Math.floor(dateKey(to) / 100), 'int')}`;

  const reference = query.source === 'facts';
  const segments: Segment[] = reference ? [{ source: 'facts', fromMs, toMs }] : periodSegments(fromMs, toMs, !groupBy.includes('week'));
  const cells = segments.length
    ? segments
        .map((seg) =>
          seg.source === 'facts' ? facts(seg.fromMs, seg.toMs, reference ? 'hash' : 'index') : (seg.source === 'day' ? days : months)(seg.fromMs, seg.toMs),
        )
        .join('\nUNION ALL\n')
    : `SELECT ${columns} FROM ${qualified(s, TABLES.aggTouchpointDay)} WHERE false`;

  const keys = groupBy.map((name) => `${DIMENSIONS[name].key(param)} AS "${name}"`);
  const labels = groupBy.map((name) => `${DIMENSIONS[name].label(param, `k."${name}"`)} AS "${name}"`);
  const sql = `
    WITH cells (${columns}) AS (${cells}),
    keyed AS (
      SELECT ${[...keys, 'sum(c.touchpoints) AS touchpoints', 'sum(c.amount) AS amount'].join(', ')}
        FROM cells c
        ${groupBy.length ? `GROUP BY ${groupBy.map((_, i) => i + 1).join(', ')}` : ''})
    SELECT ${[...labels, 'COALESCE(k.touchpoints, 0)::bigint AS count', 'COALESCE(k.amount, 0) AS amount'].join(', ')}
      FROM keyed k
      ${groupBy.length ? `ORDER BY ${groupBy.map((name) => `k."${name}"`).join(', ')}` : ''}`;
  const { rows } = await analysisQuery<Record<string, string | number | null>>(db, sql, values);
  return {
    rows: rows.map((row) => {
      const out: Record<string, string | number> = {};
      for (const dimension of groupBy) out[dimension] = String(row[dimension]);
      out.count = Number(row.count);
      out.amount = Number(row.amount);
      return out as TouchpointsRow;
    }),
  };
}
