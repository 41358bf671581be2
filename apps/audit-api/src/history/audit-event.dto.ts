import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CUSTOMER_ID_PATTERN } from '@klantcentraal/domain';
import type { RecordedEvent } from '@klantcentraal/event-store';
import { IsString, Matches } from 'class-validator';

const ISO = { type: String, format: 'date-time' } as const;
const HASH = { type: String, pattern: '^[0-9a-f]{64}$' } as const;

export class AuditCustomerPathDto {
  @ApiProperty({ example: 'acme-42', pattern: CUSTOMER_ID_PATTERN.source })
  @IsString()
  @Matches(CUSTOMER_ID_PATTERN, { message: `must match ${CUSTOMER_ID_PATTERN.source} (1–64 letters, digits, _ or -)` })
  customerId: string;
}

export class AuditRecordedByDto {
  @ApiProperty({ example: 'u-17' }) userId: string;
  @ApiPropertyOptional({ example: 'marketing-sales' }) department?: string;
}

/**
 * One stored event as auditors see it. Every field of the stored envelope the hash covers is here unchanged
 * (`eventId`, `stream`, `streamRevision`, `globalPosition`, `recordedAt`, `type`, `data` — or `storedData` where
 * personal fields are decrypted —, `metadata`), so a line is enough to recompute `hash` (README "Verifying the hash chain yourself"); `occurredAt` and `recordedBy` repeat
 * what `metadata` holds, for reading.
 */
export class AuditEventDto {
  @ApiProperty({ example: 4, description: 'Revision in the customer stream, 0-based, gap-free' }) streamRevision: number;
  @ApiProperty({ example: 1041, description: 'Position in the global log, strictly increasing' }) globalPosition: number;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ example: 'QuoteSent' }) type: string;
  @ApiProperty({ ...ISO, description: 'When it happened (metadata.occurredAt)' }) occurredAt: string;
  @ApiProperty({ ...ISO, description: 'When the store recorded it (server time, milliseconds)' }) recordedAt: string;
  @ApiProperty({ type: AuditRecordedByDto, nullable: true }) recordedBy: AuditRecordedByDto | null;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { quoteId: 'Q-7', amount: 1200, currency: 'EUR' } })
  data: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The stored metadata (occurredAt, recordedBy, schemaVersion, customerId), as hashed',
  })
  metadata: Record<string, unknown>;
  @ApiProperty({ ...HASH, description: 'sha256(previousHash ‖ canonical JSON of the stored envelope), lowercase hex' })
  hash: string | null;
  @ApiProperty({ ...HASH, description: "The previous event's hash; 64 zeros for revision 0" }) previousHash: string | null;
  @ApiProperty({ example: 'customer-acme-42' }) stream: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The data as stored, personal fields encrypted: what `hash` covers (present when it differs from `data`)',
  })
  storedData?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: [String],
    example: ['data.name'],
    description: 'Personal fields whose data subject was erased: they read as null',
  })
  erased?: string[];
}

export class AuditHistoryDto {
  @ApiProperty({ example: 'acme-42' }) customerId: string;
  @ApiProperty({ type: [AuditEventDto] }) events: AuditEventDto[];
}

export function toAuditEvent(event: RecordedEvent): AuditEventDto {
  const { occurredAt, recordedBy } = event.metadata;
  return {
    streamRevision: event.streamRevision,
    globalPosition: event.globalPosition,
    eventId: event.eventId,
    type: event.type,
    // An event stored without occurredAt happened when it was recorded (the ingest default), as the read models say.
    occurredAt: typeof occurredAt === 'string' ? occurredAt : event.recordedAt,
    recordedAt: event.recordedAt,
    recordedBy: (recordedBy as AuditRecordedByDto | undefined) ?? null,
    data: event.data as Record<string, unknown>,
    metadata: event.metadata as Record<string, unknown>,
    hash: event.hash ?? null,
    previousHash: event.previousHash ?? null,
    stream: event.stream,
    ...(event.storedData !== undefined ? { storedData: event.storedData as Record<string, unknown> } : {}),
    ...(event.erased !== undefined ? { erased: [...event.erased] } : {}),
  };
}
