import { isISO8601, ValidateBy, type ValidationOptions } from 'class-validator';

// Date and time with seconds optional, fraction optional, and a mandatory zone (Z or ±hh:mm / ±hhmm).
const DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
// The same with a space where the zone's "+" was: an unencoded "+" in a query string arrives as a space.
const PLUS_DECODED_AS_SPACE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)? \d{2}:?\d{2}$/;

/** Instants the platform (and PostgreSQL's ISO output) can represent: years 0001–9999 in UTC. */
const EARLIEST_MS = Date.parse('0001-01-01T00:00:00Z');
const LATEST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** True for an ISO-8601 date-time with a zone that names a real instant, e.g. `2026-03-01T10:00:00Z`. */
export function isIsoDateTimeWithZone(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE_TIME_WITH_ZONE.test(value) || !isISO8601(value, { strict: true })) return false;
  const ms = Date.parse(value);
  return ms >= EARLIEST_MS && ms <= LATEST_MS;
}

/** Why a value is not an accepted date-time, with the fix. */
export function isoDateTimeProblem(value: unknown): string {
  const example = 'must be an ISO-8601 date-time with a zone, e.g. 2026-03-01T10:00:00Z';
  if (typeof value !== 'string') return example;
  if (PLUS_DECODED_AS_SPACE.test(value)) {
    return `${example}; a "+" in a query string must be sent encoded as %2B (e.g. 2026-03-01T11:00:00%2B01:00), otherwise it arrives as a space`;
  }
  if (DATE_TIME_WITH_ZONE.test(value) && isISO8601(value, { strict: true })) {
    return 'must be an instant between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (in UTC)';
  }
  return example;
}

/** An ISO-8601 date-time with a zone (`2026-03-01T10:00:00Z`, `2026-03-01T11:00:00+01:00`). */
export function IsIsoDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoDateTime',
      validator: {
        validate: (value) => isIsoDateTimeWithZone(value),
        defaultMessage: (args) => isoDateTimeProblem(args?.value),
      },
    },
    options,
  );
}
