import { qualified, TABLES, type Queryable } from '../warehouse-schema';

/**
 * Makes sure `dim_date` holds every day of the given years (a year is added whole, the first time a fact falls in it),
 * so calendars in analyses have no holes within a year. Cheap when the years are there: one index probe per year.
 */
export async function ensureDates(db: Queryable, schema: string, years: ReadonlySet<number>): Promise<void> {
  if (years.size === 0) return;
  const table = qualified(schema, TABLES.dimDate);
  await db.query(
    `INSERT INTO ${table} (date_key, date, year, quarter, month, year_month, iso_year, iso_week, iso_year_week, day_of_month,
                          weekday, weekday_name, is_weekend)
     SELECT to_char(d, 'YYYYMMDD')::int, d::date, extract(year FROM d)::smallint, extract(quarter FROM d)::smallint,
            extract(month FROM d)::smallint, to_char(d, 'YYYY-MM'), extract(isoyear FROM d)::smallint,
            extract(week FROM d)::smallint, to_char(d, 'IYYY-"W"IW'), extract(day FROM d)::smallint,
            extract(isodow FROM d)::smallint, to_char(d, 'FMDay'), extract(isodow FROM d) >= 6
       FROM unnest($1::int[]) AS y(year)
       CROSS JOIN LATERAL generate_series(make_date(y.year, 1, 1)::timestamp, make_date(y.year, 12, 31)::timestamp, interval '1 day') AS g(d)
      WHERE NOT EXISTS (SELECT 1 FROM ${table} e WHERE e.date_key = y.year * 10000 + 101)
     ON CONFLICT (date_key) DO NOTHING`,
    [[...years].sort((a, b) => a - b)],
  );
}
