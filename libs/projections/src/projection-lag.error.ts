/**
 * `waitForPosition` timed out: the projections have not processed `position` yet. The HTTP layer maps it to
 * 503 `projection-lag` (contract: "Reading your own writes").
 */
export class ProjectionLagError extends Error {
  readonly code = 'projection-lag';
  constructor(
    readonly position: number,
    /** The lowest checkpoint of the awaited projections when the wait gave up. */
    readonly reached: number,
    readonly timeoutMs: number,
  ) {
    super(`projections have processed up to position ${reached}, not ${position}, after ${timeoutMs} ms`);
  }
}
