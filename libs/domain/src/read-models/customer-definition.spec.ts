import { DEFAULT_CUSTOMER_DEFINITION, InvalidCustomerDefinitionError, parseCustomerDefinition } from './customer-definition';

const failure = (input: unknown): InvalidCustomerDefinitionError => {
  try {
    parseCustomerDefinition(input);
  } catch (error) {
    if (error instanceof InvalidCustomerDefinitionError) return error;
    throw error;
  }
  throw new Error('expected the definition to be rejected');
};

describe('customer definition', () => {
  it('defaults to the contract rules, version 1', () => {
    expect(DEFAULT_CUSTOMER_DEFINITION).toEqual({
      version: 1,
      loyalWithinDays: 365,
      departAfterDays: 365,
      complaintTargetHours: 24,
      complaintTargetShare: 0.9,
      purchaseGapFraction: 0.5,
      detractorMaxScore: 6,
      promoterMinScore: 9,
    });
    expect(Object.isFrozen(DEFAULT_CUSTOMER_DEFINITION)).toBe(true);
  });

  it('reads JSON text or an object; settings left out keep their defaults', () => {
    expect(parseCustomerDefinition('{"version": 2, "departAfterDays": 180}')).toEqual({
      ...DEFAULT_CUSTOMER_DEFINITION,
      version: 2,
      departAfterDays: 180,
    });
    expect(parseCustomerDefinition({ ...DEFAULT_CUSTOMER_DEFINITION })).toEqual(DEFAULT_CUSTOMER_DEFINITION);
  });

  it.each([
    [{}, 'version', 'is required'],
    [{ version: 0 }, 'version', 'integer ≥ 1'],
    [{ version: 1.5 }, 'version', 'integer ≥ 1'],
    [{ version: 1, loyalWithinDays: 0 }, 'loyalWithinDays', 'greater than 0'],
    [{ version: 1, departAfterDays: '365' }, 'departAfterDays', 'must be a number'],
    [{ version: 1, complaintTargetHours: -1 }, 'complaintTargetHours', 'greater than 0'],
    [{ version: 1, complaintTargetShare: 90 }, 'complaintTargetShare', 'fraction from 0 to 1'],
    [{ version: 1, purchaseGapFraction: 0 }, 'purchaseGapFraction', 'greater than 0 and at most 1'],
    [{ version: 1, detractorMaxScore: 6.5 }, 'detractorMaxScore', 'integer score'],
    [{ version: 1, promoterMinScore: 11 }, 'promoterMinScore', 'integer score'],
    [{ version: 1, promoterMinScore: 6 }, 'promoterMinScore', 'greater than detractorMaxScore (6)'],
    [{ version: 1, departAfterDay: 180 }, 'departAfterDay', 'is not a customer-definition setting'],
    [[], '$', 'JSON object'],
    ['{"version": ', '$', 'not valid JSON'],
  ])('rejects %j naming %s', (input, field, message) => {
    const error = failure(input);
    expect(error.field).toBe(field);
    expect(error.details[0]).toEqual({ path: field, message: expect.stringContaining(message) });
    expect(error.message).toContain(`${field}: `);
  });

  it('names every bad field at once', () => {
    const error = failure({ version: 3, loyalWithinDays: -5, complaintTargetShare: 2, extra: true });
    expect(error.details.map((issue) => issue.path)).toEqual(['extra', 'loyalWithinDays', 'complaintTargetShare']);
  });
});
