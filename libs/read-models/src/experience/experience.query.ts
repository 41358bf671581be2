import { inPeriod, periodParameters, type Period } from '../period';
import { READ_MODEL_SCHEMA, qualified, type Queryable } from '../read-model-schema';
import { EXPERIENCES_TABLE } from './experience.writer';

export type ExperienceSummary = Readonly<{ delivered: number; positive: number; asExpected: number; negative: number }>;

/** Quotes sent and promises delivered in the period, by experience (expectation versus performance). */
export async function experienceInsight(db: Queryable, period: Period, schema = READ_MODEL_SCHEMA): Promise<ExperienceSummary> {
  const { rows } = await db.query<{ outcome: string; subjects: number }>(
    `SELECT outcome, count(*)::int AS subjects FROM ${qualified(schema, EXPERIENCES_TABLE)}
     WHERE delivered_at IS NOT NULL AND ${inPeriod('delivered_at', 1)}
     GROUP BY outcome`,
    periodParameters(period),
  );
  const count = (outcome: string) => rows.find((row) => row.outcome === outcome)?.subjects ?? 0;
  const summary = { positive: count('positive'), asExpected: count('as-expected'), negative: count('negative') };
  return { delivered: summary.positive + summary.asExpected + summary.negative, ...summary };
}
