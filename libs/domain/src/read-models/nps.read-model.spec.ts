import { DEFAULT_CUSTOMER_DEFINITION } from './customer-definition';
import { computeNps, npsCategory, summariseNps } from './nps.read-model';

describe('NPS', () => {
  it.each([
    [0, 'detractor'],
    [6, 'detractor'],
    [7, 'passive'],
    [8, 'passive'],
    [9, 'promoter'],
    [10, 'promoter'],
  ])('a score of %i is a %s', (score, category) => {
    expect(npsCategory(score)).toBe(category);
  });

  it('follows the thresholds of the definition', () => {
    const strict = { ...DEFAULT_CUSTOMER_DEFINITION, detractorMaxScore: 7, promoterMinScore: 10 };
    expect([7, 8, 9, 10].map((score) => npsCategory(score, strict))).toEqual(['detractor', 'passive', 'passive', 'promoter']);
  });

  it.each([-1, 11, 7.5, Number.NaN])('rejects %p as a score', (score) => {
    expect(() => npsCategory(score)).toThrow(RangeError);
  });

  it('is % promoters − % detractors: the source example 25 / 55 / 20 gives +5', () => {
    expect(computeNps({ promoters: 25, passives: 55, detractors: 20 })).toBe(5);
  });

  it.each([
    [{ promoters: 1, passives: 7, detractors: 0 }, 13], // 12.5 rounds away from zero
    [{ promoters: 0, passives: 7, detractors: 1 }, -13], // −12.5 too (Math.round would give −12)
    [{ promoters: 1, passives: 2, detractors: 0 }, 33], // 33.3…
    [{ promoters: 2, passives: 1, detractors: 0 }, 67], // 66.6…
    [{ promoters: 0, passives: 1, detractors: 2 }, -67],
    [{ promoters: 3, passives: 0, detractors: 0 }, 100],
    [{ promoters: 0, passives: 0, detractors: 3 }, -100],
    [{ promoters: 2, passives: 5, detractors: 2 }, 0],
    [{ promoters: 0, passives: 4, detractors: 0 }, 0],
  ])('%j gives %i', (counts, nps) => {
    expect(Object.is(computeNps(counts), nps)).toBe(true);
  });

  it('is null without responses', () => {
    expect(computeNps({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
  });

  it('rejects counts that are not whole and non-negative', () => {
    expect(() => computeNps({ promoters: -1, passives: 2, detractors: 0 })).toThrow(/promoters/);
    expect(() => computeNps({ promoters: 1, passives: 0.5, detractors: 0 })).toThrow(/passives/);
  });

  it('summarises the scores of a period, each response once', () => {
    expect(summariseNps([10, 9, 8, 7, 6, 0, 9, 9])).toEqual({
      responses: 8,
      promoters: 4,
      passives: 2,
      detractors: 2,
      nps: 25,
    });
    expect(summariseNps([])).toEqual({ responses: 0, promoters: 0, passives: 0, detractors: 0, nps: null });
  });
});
