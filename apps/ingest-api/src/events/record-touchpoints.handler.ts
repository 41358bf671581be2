import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IngestPipeline } from './ingest-pipeline';
import { RecordTouchpointsCommand, type RecordTouchpointsResult } from './record-touchpoints.command';

/** One customer's stream: the one-stream case of the ingest pipeline, with the client's expectation. */
@CommandHandler(RecordTouchpointsCommand)
export class RecordTouchpointsHandler implements ICommandHandler<RecordTouchpointsCommand> {
  constructor(private readonly pipeline: IngestPipeline) {}

  async execute({ customerId, expectedRevision, events, recorder }: RecordTouchpointsCommand): Promise<RecordTouchpointsResult> {
    const result = await this.pipeline.record({ events: events.map((e) => ({ ...e, customerId })), recorder, expectedRevision });
    const { written, stream: _stream, ...span } = result.streams[0];
    return { created: written, customerId, ...span };
  }
}
