import { computeNps, npsCategory, type CompanySize, type CustomerDefinition, type NpsSummary } from '@klantcentraal/domain';
import { CUSTOMER_PROFILES_TABLE } from '../customer-profile/customer-profile.projection';
import { inPeriod, periodParameters, type Period } from '../period';
import { READ_MODEL_SCHEMA, qualified, type Queryable } from '../read-model-schema';
import { NPS_RESPONSES_TABLE } from './nps.projection';

export type NpsFilter = Period & Readonly<{ size?: CompanySize; accountManager?: string }>;

/**
 * The NPS of the responses that occurred in the period (contract `GET /v1/insights/nps`), each response once.
 * `size` and `accountManager` select customers by their current size and account manager. SQL counts responses
 * per score; the categories (under the active definition) and the score itself come from the domain.
 */
export async function npsInsight(
  db: Queryable,
  filter: NpsFilter,
  definition: CustomerDefinition,
  schema = READ_MODEL_SCHEMA,
): Promise<NpsSummary> {
  const { rows } = await db.query<{ score: number; responses: number }>(
    `SELECT n.score, count(*)::int AS responses
     FROM ${qualified(schema, NPS_RESPONSES_TABLE)} n
     LEFT JOIN ${qualified(schema, CUSTOMER_PROFILES_TABLE)} p ON p.customer_id = n.customer_id
     WHERE ${inPeriod('n.occurred_at', 1)}
       AND ($3::text IS NULL OR p.size = $3::text)
       AND ($4::text IS NULL OR p.account_manager = $4::text)
     GROUP BY n.score`,
    [...periodParameters(filter), filter.size ?? null, filter.accountManager ?? null],
  );
  const counts = { promoters: 0, passives: 0, detractors: 0 };
  for (const { score, responses } of rows) {
    const category = npsCategory(score, definition);
    if (category === 'promoter') counts.promoters += responses;
    else if (category === 'passive') counts.passives += responses;
    else counts.detractors += responses;
  }
  return { responses: counts.promoters + counts.passives + counts.detractors, ...counts, nps: computeNps(counts) };
}
