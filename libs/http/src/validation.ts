import { BadRequestException, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

/** One bad field: its full path in the request (`events[0].data.score`, `expectedRevision`) and what is wrong. */
export type ErrorDetail = Readonly<{ path: string; message: string }>;

/** The contract's 400: `{ error: 'validation', message, details: [{ path, message }] }`. */
export function validationException(details: readonly ErrorDetail[], message = summarize(details)): BadRequestException {
  return new BadRequestException({ error: 'validation', message, details });
}

/**
 * The one ValidationPipe of every service: unknown fields are errors (not silently dropped), DTOs are class
 * instances, and every bad field is reported at once with its full path.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => validationException(validationDetails(errors)),
  });
}

/** Flattens class-validator's error tree into details with full paths: array items as `[i]`, fields as `.name`. */
export function validationDetails(errors: readonly ValidationError[], parentPath = '', parentIsArray = false): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const error of errors) {
    const path =
      parentPath === ''
        ? error.property
        : parentIsArray && /^\d+$/.test(error.property)
          ? `${parentPath}[${error.property}]`
          : `${parentPath}.${error.property}`;
    if (error.constraints) {
      // The path names the field already: "score must not be greater than 10" → "must not be greater than 10".
      const messages = Object.entries(error.constraints).map(([constraint, message]) =>
        constraint === 'whitelistValidation'
          ? 'unknown field: not allowed here'
          : message.startsWith(`${error.property} `)
            ? message.slice(error.property.length + 1)
            : message,
      );
      details.push({ path, message: messages.join('; ') });
    }
    if (error.children?.length) details.push(...validationDetails(error.children, path, Array.isArray(error.value)));
  }
  return details;
}

function summarize(details: readonly ErrorDetail[]): string {
  if (details.length === 0) return 'the request is invalid';
  const shown = details.slice(0, 10).map((d) => d.path || '(body)');
  const more = details.length > shown.length ? ` and ${details.length - shown.length} more` : '';
  return `${details.length} invalid field${details.length === 1 ? '' : 's'}: ${shown.join(', ')}${more}`;
}
