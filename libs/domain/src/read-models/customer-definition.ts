/**
 * The configurable, versioned customer definition (contract "Default customer definition"). Every rule of the
 * lifecycle, loyalty and complaint target is a setting here; `version` is reported as `definitionVersion` so a
 * profile says which definition produced it. Read-model state holds facts only, so a new definition applies to
 * every customer at the next view without rebuilding state.
 */
export type CustomerDefinition = Readonly<{
  version: number;
  /** A purchase at most this many days after the previous one in the same cycle makes a loyal customer. */
  loyalWithinDays: number;
  /** A customer departs once more than this many days have passed since the last purchase. */
  departAfterDays: number;
  /** A complaint is resolved within target when resolved no more than this many hours after it was filed. */
  complaintTargetHours: number;
  /** The share (0–1) of complaints that should be resolved within target. */
  complaintTargetShare: number;
  /** At risk (`purchase-gap`) when more than this fraction of `departAfterDays` has passed since the last purchase. */
  purchaseGapFraction: number;
  /** NPS scores 0…detractorMaxScore are detractors. */
  detractorMaxScore: number;
  /** NPS scores promoterMinScore…10 are promoters; the scores in between are passives. */
  promoterMinScore: number;
}>;

export const DEFAULT_CUSTOMER_DEFINITION: CustomerDefinition = Object.freeze({
  version: 1,
  loyalWithinDays: 365,
  departAfterDays: 365,
  complaintTargetHours: 24,
  complaintTargetShare: 0.9,
  purchaseGapFraction: 0.5,
  detractorMaxScore: 6,
  promoterMinScore: 9,
});

export type CustomerDefinitionIssue = Readonly<{ path: string; message: string }>;

/** A customer definition that cannot be used; `details` names every bad field (`path` is the setting's name). */
export class InvalidCustomerDefinitionError extends Error {
  readonly field: string;

  constructor(readonly details: readonly CustomerDefinitionIssue[]) {
    super(`invalid customer definition: ${details.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
    this.name = 'InvalidCustomerDefinitionError';
    this.field = details[0]?.path ?? '';
  }
}

type Setting = Exclude<keyof CustomerDefinition, 'version'>;
type Check = (value: number) => string | undefined;

const positive: Check = (value) => (value > 0 ? undefined : 'must be greater than 0');
const fraction: Check = (value) => (value >= 0 && value <= 1 ? undefined : 'must be a fraction from 0 to 1');
const score: Check = (value) => (Number.isInteger(value) && value >= 0 && value <= 10 ? undefined : 'must be an integer score from 0 to 10');

const CHECKS: Readonly<Record<Setting, Check>> = {
  loyalWithinDays: positive,
  departAfterDays: positive,
  complaintTargetHours: positive,
  complaintTargetShare: fraction,
  purchaseGapFraction: (value) => (value > 0 && value <= 1 ? undefined : 'must be a fraction greater than 0 and at most 1'),
  detractorMaxScore: score,
  promoterMinScore: score,
};

/**
 * Reads a customer definition from JSON text or an already parsed object. `version` (an integer ≥ 1) is required
 * because every change of a rule must be a new version; any other setting that is left out keeps its default.
 * Unknown settings are rejected, so a misspelt setting cannot silently fall back to the default.
 */
export function parseCustomerDefinition(json: unknown): CustomerDefinition {
  let input = json;
  if (typeof json === 'string') {
    try {
      input = JSON.parse(json) as unknown;
    } catch (error) {
      throw new InvalidCustomerDefinitionError([
        { path: '$', message: `is not valid JSON (${error instanceof Error ? error.message : String(error)})` },
      ]);
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidCustomerDefinitionError([{ path: '$', message: 'must be a JSON object of settings' }]);
  }

  const record = input as Readonly<Record<string, unknown>>;
  const issues: CustomerDefinitionIssue[] = [];
  const number = (path: string): number | undefined => {
    const value = record[path];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      issues.push({ path, message: `must be a number, got ${JSON.stringify(value)}` });
      return undefined;
    }
    return value;
  };

  for (const key of Object.keys(record)) {
    if (key !== 'version' && !(key in CHECKS)) issues.push({ path: key, message: 'is not a customer-definition setting' });
  }

  const version = number('version');
  if (record['version'] === undefined) issues.push({ path: 'version', message: 'is required' });
  else if (version !== undefined && !(Number.isInteger(version) && version >= 1)) {
    issues.push({ path: 'version', message: 'must be an integer ≥ 1' });
  }

  const { version: _defaultVersion, ...defaults } = DEFAULT_CUSTOMER_DEFINITION;
  const settings: Record<Setting, number> = defaults;
  for (const path of Object.keys(CHECKS) as Setting[]) {
    const value = number(path);
    if (value === undefined) continue;
    const problem = CHECKS[path](value);
    if (problem) issues.push({ path, message: `${problem}, got ${value}` });
    else settings[path] = value;
  }
  if (
    !issues.some((issue) => issue.path === 'detractorMaxScore' || issue.path === 'promoterMinScore') &&
    settings.promoterMinScore <= settings.detractorMaxScore
  ) {
    issues.push({
      path: 'promoterMinScore',
      message: `must be greater than detractorMaxScore (${settings.detractorMaxScore}), got ${settings.promoterMinScore}`,
    });
  }

  if (issues.length > 0) throw new InvalidCustomerDefinitionError(issues);
  return Object.freeze({ ...settings, version: version as number });
}
