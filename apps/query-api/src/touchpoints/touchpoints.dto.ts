import { ApiProperty } from '@nestjs/swagger';

export class TouchpointDto {
  @ApiProperty({ example: 4, description: 'Revision in the customer stream, 0-based' }) streamRevision: number;
  @ApiProperty({ example: 1041, description: 'Position in the global log' }) globalPosition: number;
  @ApiProperty({ example: 'QuoteSent' }) type: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'When it happened' }) occurredAt: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'When the store recorded it' }) recordedAt: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { quoteId: 'Q-7', amount: 1200, currency: 'EUR' },
    description: 'The event data as stored; erased personal fields read as null',
  })
  data: Record<string, unknown>;
}

export class TouchpointPageDto {
  @ApiProperty({ type: [TouchpointDto], description: 'Newest first (by stream revision)' }) items: TouchpointDto[];
  @ApiProperty({ type: String, nullable: true, example: '37', description: 'Pass as `cursor` for older touchpoints; null on the last page' })
  nextCursor: string | null;
}
