import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { BulkRecordTouchpointsCommand, type BulkRecordTouchpointsResult } from './bulk-record-touchpoints.command';
import { IngestPipeline } from './ingest-pipeline';

/** Many customers' events in one atomic unit: the ingest pipeline as it is. */
@CommandHandler(BulkRecordTouchpointsCommand)
export class BulkRecordTouchpointsHandler implements ICommandHandler<BulkRecordTouchpointsCommand> {
  constructor(private readonly pipeline: IngestPipeline) {}

  async execute({ events, recorder }: BulkRecordTouchpointsCommand): Promise<BulkRecordTouchpointsResult> {
    const { written, count, firstPosition, lastPosition } = await this.pipeline.record({ events, recorder });
    return { created: written, count, firstPosition, lastPosition };
  }
}
