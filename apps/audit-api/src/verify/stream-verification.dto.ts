import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const REASONS = ['revision-gap', 'revision-duplicate', 'wrong-stream', 'missing-hash', 'previous-hash-mismatch', 'hash-mismatch', 'head-mismatch'];

export class StreamVerificationDto {
  @ApiProperty({ description: 'Every hash recomputes from the stored envelope and links to the previous one, revisions are gap-free' })
  valid: boolean;

  @ApiProperty({ description: 'Events checked' })
  events: number;

  @ApiPropertyOptional({ description: 'Only when invalid: the first revision that does not verify (a deleted revision: the gap)' })
  firstInvalidRevision?: number;

  @ApiPropertyOptional({ enum: REASONS, description: 'Only when invalid: why that revision does not verify' })
  reason?: string;

  @ApiProperty({
    type: String,
    nullable: true,
    pattern: '^[0-9a-f]{64}$',
    description: 'Stored hash of the last event: keep it outside the platform to detect a later rewrite of the whole chain',
  })
  lastHash: string | null;

  @ApiProperty({ type: Number, nullable: true })
  lastRevision: number | null;
}
