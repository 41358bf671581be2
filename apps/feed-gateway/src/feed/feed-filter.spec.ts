import { BadRequestException } from '@nestjs/common';
import { matches, parseInsightTypes } from './feed-filter';

describe('feed filters', () => {
  it('parses types in either form, once each; absent means all', () => {
    expect(parseInsightTypes(undefined)).toBeNull();
    expect(parseInsightTypes('customer-at-risk, insight.detractor-responded,customer-at-risk')).toEqual(['customer-at-risk', 'detractor-responded']);
  });

  it('refuses unknown and empty types with a 400 naming each', () => {
    const refusal = (raw: string) => {
      try {
        parseInsightTypes(raw);
      } catch (err) {
        expect(err).toBeInstanceOf(BadRequestException);
        return (err as BadRequestException).getResponse();
      }
      throw new Error('not refused');
    };
    expect(refusal('customer-at-risk,happy,sad')).toMatchObject({
      error: 'validation',
      details: [
        { path: 'types', message: expect.stringContaining('"happy"') },
        { path: 'types', message: expect.stringContaining('"sad"') },
      ],
    });
    expect(refusal(' , ')).toMatchObject({ details: [{ path: 'types', message: expect.stringContaining('at least one') }] });
  });

  it('matches on account manager and type', () => {
    const item = { type: 'customer-at-risk', accountManager: 'u-17' };
    expect(matches({ accountManager: null, types: null }, item)).toBe(true);
    expect(matches({ accountManager: 'u-17', types: ['customer-at-risk'] }, item)).toBe(true);
    expect(matches({ accountManager: 'u-18', types: null }, item)).toBe(false);
    expect(matches({ accountManager: null, types: ['detractor-responded'] }, item)).toBe(false);
    expect(matches({ accountManager: 'u-17', types: null }, { ...item, accountManager: null })).toBe(false);
  });
});
