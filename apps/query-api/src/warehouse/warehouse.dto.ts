/** OpenAPI schemas of the warehouse responses (contract `GET /v1/warehouse/*`). */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COMPANY_SIZES, CUSTOMER_EVENT_TYPES, DEPARTMENTS, LIFECYCLE_PHASES } from '@klantcentraal/domain';
import { CHANNELS, RFM_SEGMENTS } from '@klantcentraal/warehouse';

export class TouchpointsRowDto {
  @ApiPropertyOptional({ example: '2026-03', description: 'YYYY-MM (UTC), when grouped by month' })
  month?: string;

  @ApiPropertyOptional({ example: '2026-W09', description: 'ISO week YYYY-Www (UTC), when grouped by week' })
  week?: string;

  @ApiPropertyOptional({ enum: CUSTOMER_EVENT_TYPES, description: 'Event type, when grouped by type' })
  type?: string;

  @ApiPropertyOptional({ enum: CHANNELS, description: 'When grouped by channel' })
  channel?: string;

  @ApiPropertyOptional({ enum: [...DEPARTMENTS, 'unknown'], description: 'Recording department, when grouped by department' })
  department?: string;

  @ApiPropertyOptional({ enum: COMPANY_SIZES, description: "The customer's size at the touchpoint, when grouped by size" })
  size?: string;

  @ApiPropertyOptional({ enum: LIFECYCLE_PHASES, description: "The customer's lifecycle phase at the touchpoint, when grouped by phase" })
  phase?: string;

  @ApiProperty({ description: 'Touchpoints' })
  count: number;

  @ApiProperty({ description: 'Sum of their amounts (QuoteSent.amount, PurchaseMade.total, opportunity value); 0 when none has one' })
  amount: number;
}

export class TouchpointsResponseDto {
  @ApiProperty({
    type: [TouchpointsRowDto],
    description:
      'One row per combination of the groupBy dimensions that occurred, ordered by them in groupBy order, each in its natural order: ' +
      'time; types in catalogue order; channels mail, web, meeting, sales, service, survey; departments unknown, then the value chain order; ' +
      'sizes small → enterprise; phases prospect → departed',
  })
  rows: TouchpointsRowDto[];
}

export class BasketRuleDto {
  @ApiProperty({ type: [String], example: ['PRN-MFP-A4'], description: 'Bought … (CSV: items joined with " + ")' })
  antecedent: string[];

  @ApiProperty({ type: [String], example: ['TON-BLK-XL'], description: '… together with (CSV: items joined with " + ")' })
  consequent: string[];

  @ApiProperty({ description: 'Orders containing both sides' })
  orders: number;

  @ApiProperty({ example: 0.12, description: 'Orders containing both sides / all orders (0–1)' })
  support: number;

  @ApiProperty({ example: 0.8, description: 'Orders containing both sides / orders containing the antecedent (0–1)' })
  confidence: number;

  @ApiProperty({ example: 4.2, description: 'confidence / support(consequent); above 1: the antecedent makes the consequent more likely' })
  lift: number;
}

export class BasketResponseDto {
  @ApiProperty({ description: 'Orders (PurchaseMade events) analysed' })
  orders: number;

  @ApiProperty({ type: [BasketRuleDto], description: 'Rules X → Y, strongest first: by lift, then support (both descending)' })
  rules: BasketRuleDto[];
}

export class CohortRowDto {
  @ApiProperty({ example: '2026-01', description: 'Period of the first purchase: YYYY-MM (by month) or YYYY-Qn (by quarter)' })
  cohort: string;

  @ApiProperty({ description: 'Customers whose first purchase fell in the cohort period' })
  customers: number;

  @ApiProperty({ description: 'Periods since the cohort period (0 = the cohort period itself)' })
  period: number;

  @ApiProperty({ description: 'Of those customers, how many purchased in that period' })
  active: number;

  @ApiProperty({ description: 'active / customers (0–1)' })
  retention: number;
}

export class CohortsResponseDto {
  @ApiProperty({ type: [CohortRowDto], description: 'Per cohort every period up to the latest one with a purchase, ordered by cohort and period' })
  rows: CohortRowDto[];
}

export class RfmRowDto {
  @ApiProperty({ example: 'acme' })
  customerId: string;

  @ApiProperty({ description: 'Whole days from the latest purchase to asOf' })
  recencyDays: number;

  @ApiProperty({ description: 'Purchases up to asOf' })
  frequency: number;

  @ApiProperty({ description: 'Sum of their totals (not converted between currencies)' })
  monetary: number;

  @ApiProperty({ minimum: 1, maximum: 5, description: 'Recency quintile, 5 = most recent' })
  r: number;

  @ApiProperty({ minimum: 1, maximum: 5, description: 'Frequency quintile, 5 = most purchases' })
  f: number;

  @ApiProperty({ minimum: 1, maximum: 5, description: 'Monetary quintile, 5 = highest spend' })
  m: number;

  @ApiProperty({
    enum: RFM_SEGMENTS,
    description: 'First match: champions (r≥4, f≥4), loyal (f≥4), new (r≥4, f≤2), at-risk (r≤2, f≥3), hibernating (r≤2, f≤2), needs-attention',
  })
  segment: string;
}

export class RfmResponseDto {
  @ApiProperty({ type: String, format: 'date-time' })
  asOf: string;

  @ApiProperty({ type: [RfmRowDto], description: 'Every customer with a purchase by asOf, ordered by customerId' })
  rows: RfmRowDto[];
}
