import { Injectable, type ArgumentMetadata, type PipeTransform, type Type } from '@nestjs/common';
import { createValidationPipe } from '@klantcentraal/http';
import { AppendEventsDto, MAX_EVENTS_PER_CUSTOMER_REQUEST } from './append-events.dto';
import { BulkAppendEventsDto, MAX_EVENTS_PER_BULK_REQUEST } from './bulk-append-events.dto';
import { isValidAppendBody, isValidBulkBody } from './valid-body';

/**
 * The body of an ingest route: a body that `isValid` accepts goes to the handler as the plain JSON it is (what the
 * handler made of the DTO instances anyway); any other goes through the platform's ValidationPipe against the DTO,
 * so its 400 — or, should the fast check ever be stricter than the DTO, its DTO instance — is exactly the old one.
 * The route declares its body with a plain type, so the global ValidationPipe leaves it to this pipe.
 */
abstract class ValidBodyPipe implements PipeTransform {
  private readonly full = createValidationPipe();

  protected constructor(
    private readonly dto: Type<unknown>,
    private readonly isValid: (body: unknown) => boolean,
  ) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (this.isValid(value)) return value;
    return this.full.transform(value, { ...metadata, metatype: this.dto });
  }
}

@Injectable()
export class ValidBulkBodyPipe extends ValidBodyPipe {
  constructor() {
    super(BulkAppendEventsDto, (body) => isValidBulkBody(body, MAX_EVENTS_PER_BULK_REQUEST));
  }
}

@Injectable()
export class ValidAppendBodyPipe extends ValidBodyPipe {
  constructor() {
    super(AppendEventsDto, (body) => isValidAppendBody(body, MAX_EVENTS_PER_CUSTOMER_REQUEST));
  }
}
