import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

export class ErrorDetailDto {
  @ApiProperty({ example: 'events[0].data.score', description: 'Full path of the field in the request' })
  path: string;

  @ApiProperty({ example: 'score must not be greater than 10' })
  message: string;

  @ApiPropertyOptional({ description: 'Only for rule-violation: the rule that was broken', example: 'quote-not-requested' })
  rule?: string;
}

export class ErrorBodyDto {
  @ApiProperty({
    description: 'Stable error code: validation, unauthorized, forbidden, not-found, revision-conflict, idempotency-conflict, payload-too-large, rule-violation, internal, …',
    example: 'validation',
  })
  error: string;

  @ApiProperty({ example: '1 invalid field: events[0].data.score' })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailDto] })
  details?: ErrorDetailDto[];

  @ApiPropertyOptional({
    description: 'Only for revision-conflict: the expectation the request carried',
    oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', enum: ['no-stream', 'any'] }],
  })
  expectedRevision?: number | 'no-stream' | 'any';

  @ApiPropertyOptional({
    description: 'Only for revision-conflict: the stream\'s current last revision, or "no-stream"',
    oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', enum: ['no-stream'] }],
  })
  actualRevision?: number | 'no-stream';
}

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: '`validation`: the request does not validate; `details` names every bad field by its full path',
  401: '`unauthorized`: no API key, or an unknown one',
  403: '`forbidden`: the API key lacks the role this endpoint needs',
  404: '`not-found`',
  409: '`revision-conflict` (with `expectedRevision` and `actualRevision`) or `idempotency-conflict`',
  413: '`payload-too-large`: the request body exceeds the size limit',
  422: '`rule-violation`: a semantic rule of the event catalogue is broken; nothing was stored',
  503: '`unavailable` / `projection-lag`',
};

/** Documents the error responses of an endpoint with the shared error body. */
export function ApiErrorResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'error', type: ErrorBodyDto })),
  );
}
