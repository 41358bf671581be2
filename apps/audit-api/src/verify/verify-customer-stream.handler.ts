import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { customerStreamName } from '@klantcentraal/domain';
import { StreamChainVerifier, type ChainVerification, type EventStore, type StreamHead } from '@klantcentraal/event-store';
import { EVENT_STORE } from '../audit-api.tokens';
import { customerNotFound } from '../history/read-customer-history.handler';
import { VerifyCustomerStreamQuery } from './verify-customer-stream.query';

/**
 * Reads the stream head FIRST, then verifies the events up to that revision (page by page, constant memory), so an
 * append running meanwhile cannot look like a gap. Rows beyond the head are only legitimate if the head moved on
 * meanwhile; if it did not, they are reported (`head-mismatch` at the revision after the head).
 */
@QueryHandler(VerifyCustomerStreamQuery)
export class VerifyCustomerStreamHandler implements IQueryHandler<VerifyCustomerStreamQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ customerId }: VerifyCustomerStreamQuery): Promise<ChainVerification> {
    const stream = customerStreamName(customerId);
    const head = await this.head(stream);
    if (!head) throw customerNotFound(customerId);
    const verifier = new StreamChainVerifier(stream);
    let beyondHead = false;
    for await (const event of this.store.readStream(stream)) {
      if (event.streamRevision > head.revision) {
        beyondHead = true;
        break;
      }
      verifier.add(event);
    }
    const result = verifier.finish(head);
    if (result.valid && beyondHead && (await this.head(stream))?.revision === head.revision) {
      return { ...result, valid: false, firstInvalidRevision: head.revision + 1, reason: 'head-mismatch' };
    }
    return result;
  }

  /** The adapter's head (with the last hash) where it keeps one, else just the last revision. */
  private async head(stream: string): Promise<StreamHead | null> {
    if (this.store.streamHead) return this.store.streamHead(stream);
    const revision = await this.store.streamRevision(stream);
    return revision === null ? null : { revision };
  }
}
