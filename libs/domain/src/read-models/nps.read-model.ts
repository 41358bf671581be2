import { DEFAULT_CUSTOMER_DEFINITION, type CustomerDefinition } from './customer-definition';

export const NPS_CATEGORIES = ['promoter', 'passive', 'detractor'] as const;
export type NpsCategory = (typeof NPS_CATEGORIES)[number];

export type NpsThresholds = Pick<CustomerDefinition, 'detractorMaxScore' | 'promoterMinScore'>;

/** 9–10 promoter, 7–8 passive, 0–6 detractor under the default definition. */
export function npsCategory(score: number, thresholds: NpsThresholds = DEFAULT_CUSTOMER_DEFINITION): NpsCategory {
  if (!Number.isInteger(score) || score < 0 || score > 10) {
    throw new RangeError(`an NPS score is an integer from 0 to 10, got ${score}`);
  }
  if (score >= thresholds.promoterMinScore) return 'promoter';
  if (score <= thresholds.detractorMaxScore) return 'detractor';
  return 'passive';
}

export type NpsCounts = Readonly<{ promoters: number; passives: number; detractors: number }>;

/**
 * NPS = % promoters − % detractors as an integer from −100 to +100, rounded half away from zero (so −12.5 → −13,
 * where `Math.round` would give −12); `null` when there are no responses. Integer arithmetic, so a half is exact.
 */
export function computeNps(counts: NpsCounts): number | null {
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a count (an integer ≥ 0), got ${value}`);
  }
  const responses = counts.promoters + counts.passives + counts.detractors;
  if (responses === 0) return null;
  const numerator = 100 * (counts.promoters - counts.detractors);
  const magnitude = Math.floor((2 * Math.abs(numerator) + responses) / (2 * responses));
  // `|| 0` turns −0 into 0, so a balanced score serialises as 0.
  return (Math.sign(numerator) * magnitude) || 0;
}

export type NpsSummary = NpsCounts & Readonly<{ responses: number; nps: number | null }>;

/** The `/v1/insights/nps` figures for the scores of the responses in a period; every response counts once. */
export function summariseNps(scores: readonly number[], thresholds: NpsThresholds = DEFAULT_CUSTOMER_DEFINITION): NpsSummary {
  const counts = { promoters: 0, passives: 0, detractors: 0 };
  for (const score of scores) {
    const category = npsCategory(score, thresholds);
    if (category === 'promoter') counts.promoters++;
    else if (category === 'passive') counts.passives++;
    else counts.detractors++;
  }
  return { responses: scores.length, ...counts, nps: computeNps(counts) };
}
