import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CUSTOMER_EVENT_TYPES, customerStreamName } from '@klantcentraal/domain';
import type { EventStore, RecordedEvent } from '@klantcentraal/event-store';
import { EVENT_STORE } from '../query-api.tokens';
import { GetTouchpointsQuery } from './get-touchpoints.query';
import type { TouchpointDto, TouchpointPageDto } from './touchpoints.dto';

/**
 * Read through the event store (not a read model), so whatever the store does to personal fields on the way out
 * (decryption, erased values as null) applies here too. Non-catalogue events (erasure markers) are no touchpoints.
 */
@QueryHandler(GetTouchpointsQuery)
export class GetTouchpointsHandler implements IQueryHandler<GetTouchpointsQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ customerId, limit, types, before }: GetTouchpointsQuery): Promise<TouchpointPageDto | null> {
    const stream = customerStreamName(customerId);
    const last = await this.store.streamRevision(stream);
    if (last === null) return null;
    const end = Math.min(before ?? last + 1, last + 1); // exclusive upper revision
    // Keep the newest limit + 1 events below `end`: one more than a page tells whether an older page exists.
    const window: RecordedEvent[] = [];
    // Without a type filter only catalogue events could be skipped, so start a little before the page and read on
    // from the stream's start only when that window came up short.
    const typeFilter = types?.length ? types : CUSTOMER_EVENT_TYPES;
    let from = types?.length ? 0 : Math.max(0, end - (limit + 1) * 2);
    for (;;) {
      window.length = 0;
      for await (const event of this.store.readStream(stream, { fromRevision: from, types: typeFilter })) {
        if (event.streamRevision >= end) break;
        window.push(event);
        if (window.length > limit + 1) window.shift();
      }
      if (window.length > limit || from === 0) break;
      from = 0;
    }
    const hasMore = window.length > limit;
    const page = window.slice(hasMore ? 1 : 0).reverse();
    return {
      items: page.map(toTouchpoint),
      nextCursor: hasMore ? String(page[page.length - 1].streamRevision) : null,
    };
  }
}

function toTouchpoint(event: RecordedEvent): TouchpointDto {
  const occurredAt = event.metadata.occurredAt;
  return {
    streamRevision: event.streamRevision,
    globalPosition: event.globalPosition,
    type: event.type,
    occurredAt: typeof occurredAt === 'string' ? occurredAt : event.recordedAt,
    recordedAt: event.recordedAt,
    data: event.data as Record<string, unknown>,
  };
}
