import { BadRequestException, ConflictException, HttpException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { RuleViolationError } from '@klantcentraal/domain';
import { IdempotencyConflictError, RevisionConflictError } from '@klantcentraal/event-store';
import { toErrorResponse } from './http-error.filter';

describe('toErrorResponse', () => {
  it('maps a RuleViolationError to 422 rule-violation pointing at the event', () => {
    const error = new RuleViolationError('quote-not-requested', 2, 'events[2] (QuoteSent): quote "Q-1" was never requested');
    expect(toErrorResponse(error)).toEqual({
      status: 422,
      body: {
        error: 'rule-violation',
        message: error.message,
        details: [{ path: 'events[2]', rule: 'quote-not-requested', message: error.message }],
      },
    });
  });

  it('maps a RevisionConflictError to 409 with top-level expectedRevision and actualRevision', () => {
    expect(toErrorResponse(new RevisionConflictError('customer-a', 3, 5))).toMatchObject({
      status: 409,
      body: { error: 'revision-conflict', expectedRevision: 3, actualRevision: 5, message: expect.any(String) },
    });
    expect(toErrorResponse(new RevisionConflictError('customer-a', 0, null))?.body).toMatchObject({
      expectedRevision: 0,
      actualRevision: 'no-stream',
    });
    expect(toErrorResponse(new RevisionConflictError('customer-a', 'no-stream', 0))?.body).toMatchObject({
      expectedRevision: 'no-stream',
      actualRevision: 0,
    });
  });

  it('maps an IdempotencyConflictError to 409 idempotency-conflict', () => {
    expect(toErrorResponse(new IdempotencyConflictError('changed payload', ['id-1']))).toEqual({
      status: 409,
      body: { error: 'idempotency-conflict', message: 'changed payload', eventIds: ['id-1'] },
    });
  });

  it("gives Nest's own HttpExceptions the code of their status", () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /nope'))).toEqual({
      status: 404,
      body: { error: 'not-found', message: 'Cannot GET /nope' },
    });
    expect(toErrorResponse(new ConflictException())).toEqual({ status: 409, body: { error: 'conflict', message: 'Conflict' } });
    expect(toErrorResponse(new BadRequestException(['a is bad', 'b is bad']))).toEqual({
      status: 400,
      body: { error: 'validation', message: 'a is bad; b is bad' },
    });
    expect(toErrorResponse(new HttpException('teapot', 418))).toEqual({ status: 418, body: { error: 'bad-request', message: 'teapot' } });
  });

  it('keeps the code and extra fields of an exception thrown with a contract body', () => {
    const lag = new ServiceUnavailableException({ error: 'projection-lag', message: 'waited 5 s', position: 42 });
    expect(toErrorResponse(lag)).toEqual({
      status: 503,
      body: { error: 'projection-lag', message: 'waited 5 s', position: 42 },
    });
  });

  it('leaves anything else to the 500 fallback', () => {
    expect(toErrorResponse(new Error('password=hunter2'))).toBeNull();
    expect(toErrorResponse('a string')).toBeNull();
    expect(toErrorResponse(Object.assign(new Error('db down'), { status: 500, expose: false }))).toBeNull();
  });

  it('passes client errors of Express middleware that are meant to be shown', () => {
    expect(toErrorResponse(Object.assign(new Error('bad range'), { status: 416, expose: true }))).toEqual({
      status: 416,
      body: { error: 'bad-request', message: 'bad range' },
    });
  });
});

describe('toErrorResponse: database outage', () => {
  const unavailable = {
    status: 503,
    body: { error: 'database-unavailable', message: expect.stringContaining('database is unavailable') },
    headers: { 'Retry-After': '5' },
  };

  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5999'), { code: 'ECONNREFUSED' })],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['a pool that cannot connect in time', new Error('timeout exceeded when trying to connect')],
    ['a server shutting down (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a server in recovery (57P03)', Object.assign(new Error('the database system is in recovery mode'), { code: '57P03' })],
    ['a wrapped driver error', Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('x'), { code: '08006' }) })],
    ['an AggregateError of refusals', new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })], 'connect')],
  ])('maps %s to 503 database-unavailable with Retry-After', (_name, error) => {
    expect(toErrorResponse(error)).toEqual(unavailable);
  });

  it('keeps other database errors internal (a unique violation is a bug, not an outage)', () => {
    expect(toErrorResponse(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeNull();
  });
});

describe('statement timeout', () => {
  it('maps PostgreSQL 57014 from statement_timeout to 503 query-timeout, raw or wrapped by TypeORM', () => {
    const pgError = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    const expected = { status: 503, body: { error: 'query-timeout', message: expect.stringContaining('QUERY_TIMEOUT_MS') } };
    expect(toErrorResponse(pgError)).toEqual(expected);
    expect(toErrorResponse(Object.assign(new Error('query failed'), { driverError: pgError }))).toEqual(expected);
    // A cancel for another reason is not a timeout: the filter leaves it to the 500 path.
    expect(toErrorResponse(Object.assign(new Error('canceling statement due to user request'), { code: '57014' }))).toBeNull();
  });
});
