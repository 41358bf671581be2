import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { INSIGHT_TYPES } from '@klantcentraal/domain';

export class FeedQueryDto {
  @ApiPropertyOptional({ description: "Only insights about this account manager's customers (employeeId, as of the insight)", example: 'u-17' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  accountManager?: string;

  @ApiPropertyOptional({
    description: `Only these insight types, comma-separated (\`customer-at-risk\` or \`insight.customer-at-risk\`); default: all of ${INSIGHT_TYPES.join(', ')}`,
    example: 'customer-at-risk,detractor-responded',
  })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  types?: string;

  @ApiPropertyOptional({
    description: 'Resume after this CloudEvent id, like the `Last-Event-ID` header (which wins when both are given)',
    example: '5f0c8e1a-3b7d-8c2e-9a41-0d6f3e2b1c9a',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  lastEventId?: string;
}
