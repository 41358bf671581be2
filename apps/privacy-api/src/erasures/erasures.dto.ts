import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { CUSTOMER_ID_PATTERN, ERASURE_BASES, type ErasureBasis } from '@klantcentraal/domain';

export class EraseRequestDto {
  @ApiProperty({ example: 'acme-42', pattern: CUSTOMER_ID_PATTERN.source })
  @IsString()
  @Matches(CUSTOMER_ID_PATTERN, { message: `must match ${CUSTOMER_ID_PATTERN.source} (1–64 letters, digits, _ or -)` })
  customerId: string;

  @ApiPropertyOptional({ example: 'c-7', description: "Erase this contact's data only; absent: the whole customer's" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  contactId?: string;

  @ApiProperty({ enum: ERASURE_BASES, example: 'data-subject-request' })
  @IsIn(ERASURE_BASES, { message: `must be one of: ${ERASURE_BASES.join(', ')}` })
  basis: ErasureBasis;
}

export class ErasureDto {
  @ApiProperty({ example: 'acme-42' }) customerId: string;
  @ApiProperty({ type: String, nullable: true, example: null }) contactId: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) erasedAt: string;
  @ApiProperty({ description: 'Position of the PersonalDataErased event: send it as X-Min-Position to read after the erasure' })
  globalPosition: number;
}
