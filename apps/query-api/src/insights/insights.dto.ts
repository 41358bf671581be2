/** OpenAPI schemas of the insight responses (contract `GET /v1/insights/*`). */
import { ApiProperty } from '@nestjs/swagger';
import { FUNNEL_STAGES, LIFECYCLE_PHASES, OPPORTUNITY_STAGES } from '@klantcentraal/domain';

export class NpsInsightDto {
  @ApiProperty({ description: 'Responses in the period, each counted once' })
  responses: number;

  @ApiProperty()
  promoters: number;

  @ApiProperty()
  passives: number;

  @ApiProperty()
  detractors: number;

  @ApiProperty({ type: Number, nullable: true, minimum: -100, maximum: 100, description: '% promoters − % detractors, rounded half away from zero; null without responses' })
  nps: number | null;
}

export class ComplaintsInsightDto {
  @ApiProperty({ description: 'Complaints filed in the period' })
  filed: number;

  @ApiProperty({ description: 'Of those, resolved by now' })
  resolved: number;

  @ApiProperty({ description: 'Of those, still open now' })
  open: number;

  @ApiProperty({ description: 'Resolved no more than targetHours after filing' })
  resolvedWithinTarget: number;

  @ApiProperty({ type: Number, nullable: true, description: 'resolvedWithinTarget / filed (0–1); null when nothing was filed' })
  share: number | null;

  @ApiProperty({ example: 24 })
  targetHours: number;

  @ApiProperty({ example: 0.9, description: 'Fraction 0–1' })
  targetShare: number;

  @ApiProperty({ type: Boolean, nullable: true, description: 'share ≥ targetShare; null when nothing was filed' })
  meetsTarget: boolean | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Median hours to resolve of the resolved complaints' })
  medianHoursToResolve: number | null;
}

export class LifecyclePhasesDto {
  @ApiProperty({ name: 'prospect' })
  prospect: number;

  @ApiProperty({ name: 'new-customer' })
  'new-customer': number;

  @ApiProperty({ name: 'loyal-customer' })
  'loyal-customer': number;

  @ApiProperty({ name: 'departed' })
  departed: number;
}

export class LifecycleInsightDto {
  @ApiProperty({ type: String, format: 'date-time' })
  asOf: string;

  @ApiProperty({ type: LifecyclePhasesDto, description: `Customers per phase (${LIFECYCLE_PHASES.join(', ')})` })
  phases: LifecyclePhasesDto;
}

export class FunnelStageDto {
  @ApiProperty({ enum: OPPORTUNITY_STAGES })
  stage: string;

  @ApiProperty({ description: 'Opportunities that moved into this stage during the period' })
  entered: number;

  @ApiProperty({ description: 'Opportunities that got at least this far during the period (lost: as entered)' })
  reached: number;

  @ApiProperty({ description: 'Opportunities whose latest stage before `to` is this one' })
  current: number;
}

export class FunnelConversionDto {
  @ApiProperty({ enum: FUNNEL_STAGES })
  from: string;

  @ApiProperty({ enum: FUNNEL_STAGES })
  to: string;

  @ApiProperty({ type: Number, nullable: true, description: 'reached(to) / reached(from), 0–1; null when none reached `from`' })
  rate: number | null;
}

export class FunnelInsightDto {
  @ApiProperty({ type: String, format: 'date-time' })
  from: string;

  @ApiProperty({ type: String, format: 'date-time' })
  to: string;

  @ApiProperty({ type: [FunnelStageDto] })
  stages: readonly FunnelStageDto[];

  @ApiProperty({ type: [FunnelConversionDto] })
  conversions: readonly FunnelConversionDto[];
}

export class ExperienceInsightDto {
  @ApiProperty({ description: 'Quotes sent and promises delivered in the period' })
  delivered: number;

  @ApiProperty({ description: 'Delivered on an earlier date than expected' })
  positive: number;

  @ApiProperty({ description: 'Delivered on the expected date' })
  asExpected: number;

  @ApiProperty({ description: 'Delivered on a later date than expected' })
  negative: number;
}
