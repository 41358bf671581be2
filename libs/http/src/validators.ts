import { isISO8601, ValidateBy, type ValidationOptions } from 'class-validator';

// Date and time with seconds optional, fraction optional, and a mandatory zone (Z or ±hh:mm / ±hhmm).
const DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** True for an ISO-8601 date-time with a zone that names a real instant, e.g. `2026-03-01T10:00:00Z`. */
export function isIsoDateTimeWithZone(value: unknown): value is string {
  return typeof value === 'string' && DATE_TIME_WITH_ZONE.test(value) && isISO8601(value, { strict: true });
}

/** An ISO-8601 date-time with a zone (`2026-03-01T10:00:00Z`, `2026-03-01T11:00:00+01:00`). */
export function IsIsoDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoDateTime',
      validator: {
        validate: (value) => isIsoDateTimeWithZone(value),
        defaultMessage: () => 'must be an ISO-8601 date-time with a zone, e.g. 2026-03-01T10:00:00Z',
      },
    },
    options,
  );
}
