/** Errors every adapter throws in the same shape, so the HTTP layer maps them once. */
export class RevisionConflictError extends Error {
  readonly code = 'revision-conflict';
  constructor(
    readonly stream: string,
    readonly expectedRevision: number | 'no-stream' | 'any',
    readonly actualRevision: number | null,
  ) {
    super(
      `stream ${stream}: expected revision ${String(expectedRevision)}, actual ${actualRevision === null ? 'no-stream' : actualRevision}`,
    );
  }
}

export class IdempotencyConflictError extends Error {
  readonly code = 'idempotency-conflict';
  constructor(
    message: string,
    readonly eventIds: readonly string[],
  ) {
    super(message);
  }
}
