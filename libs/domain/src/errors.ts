/**
 * A command broke a semantic rule of the contract (HTTP 422 `rule-violation`; nothing is stored).
 * `rule` is a stable kebab-case code clients may branch on; `index` is the offending event's 0-based position in
 * the batch that was decided, so the HTTP layer can point at `events[index]`.
 */
export class RuleViolationError extends Error {
  readonly code = 'rule-violation';

  constructor(
    readonly rule: string,
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'RuleViolationError';
  }
}
