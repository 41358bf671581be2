import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isIsoDateTimeWithZone } from '@klantcentraal/http';
import { decodeSegmentCursor } from '@klantcentraal/read-models';

/** A later instant than the DTO's `property` (when both are given): a period must end after it starts. */
export function IsAfter(property: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAfter',
      constraints: [property],
      validator: {
        validate: (value, args) => {
          const other = (args?.object as Record<string, unknown>)[property];
          if (!isIsoDateTimeWithZone(value) || !isIsoDateTimeWithZone(other)) return true; // IsIsoDateTime reports those
          return Date.parse(value) > Date.parse(other);
        },
        defaultMessage: (args) => `must be later than ${args?.constraints[0]}`,
      },
    },
    options,
  );
}

/** A cursor as returned in `nextCursor`. */
export function IsSegmentCursor(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSegmentCursor',
      validator: {
        validate: (value) => {
          if (typeof value !== 'string') return false;
          try {
            decodeSegmentCursor(value);
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: () => 'is not a cursor this API returned (use nextCursor of the previous page)',
      },
    },
    options,
  );
}
