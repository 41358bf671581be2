import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEFAULT_CUSTOMER_DEFINITION } from '@klantcentraal/domain';

const d = DEFAULT_CUSTOMER_DEFINITION;

/** The customer definition (request and response body); every rule of lifecycle, loyalty and targets is a setting. */
export class CustomerDefinitionDto {
  @ApiProperty({ minimum: 1, example: 2, description: 'Must be higher than the active version' })
  version: number;

  @ApiPropertyOptional({ default: d.loyalWithinDays, description: 'A purchase at most this many days after the previous one (same cycle) makes a loyal customer' })
  loyalWithinDays?: number;

  @ApiPropertyOptional({ default: d.departAfterDays, description: 'Departed once more than this many days have passed since the last purchase' })
  departAfterDays?: number;

  @ApiPropertyOptional({ default: d.complaintTargetHours, description: 'A complaint resolved within this many hours meets the target' })
  complaintTargetHours?: number;

  @ApiPropertyOptional({ default: d.complaintTargetShare, description: 'Share (0–1) of complaints that should meet the target' })
  complaintTargetShare?: number;

  @ApiPropertyOptional({ default: d.purchaseGapFraction, description: 'At risk (purchase-gap) after this fraction of departAfterDays without purchase' })
  purchaseGapFraction?: number;

  @ApiPropertyOptional({ default: d.detractorMaxScore, description: 'NPS scores up to this one are detractors' })
  detractorMaxScore?: number;

  @ApiPropertyOptional({ default: d.promoterMinScore, description: 'NPS scores from this one are promoters' })
  promoterMinScore?: number;
}

export class CustomerDefinitionChangeDto {
  @ApiProperty({ type: CustomerDefinitionDto, description: 'The stored definition, now active (settings left out have their defaults)' })
  definition: CustomerDefinitionDto;

  @ApiProperty({
    enum: ['requested', 'not-configured'],
    description:
      '`requested`: a rebuild of the read models was started; phase histories and lifecycle counts follow the new version once it completes. ' +
      'Profiles and segments use the new version at once.',
  })
  rebuild: 'requested' | 'not-configured';
}
