import { applyDecorators, Controller, Get, Query, Req, Res, type Type } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Roles } from '@klantcentraal/auth';
import { ApiErrorResponses } from '@klantcentraal/http';
import { toCsv } from './csv';
import { GetWarehouseBasketQuery, GetWarehouseCohortsQuery, GetWarehouseRfmQuery, GetWarehouseTouchpointsQuery } from './get-warehouse.queries';
import { ReadsOwnWritesFromWarehouse } from './warehouse-consistency';
import { BasketResponseDto, CohortsResponseDto, RfmResponseDto, TouchpointsResponseDto } from './warehouse.dto';
import { BasketQueryDto, CohortsQueryDto, parseGroupBy, RfmQueryDto, TouchpointsQueryDto } from './warehouse-queries.dto';

type HttpRequest = { accepts(types: string[]): string | false };
type HttpResponse = { setHeader(name: string, value: string): void };

const CSV = 'text/csv';

/**
 * JSON, or with `Accept: text/csv` the same rows as RFC 4180 CSV with a header line. The columns are fixed by the
 * request (not by the rows), so an empty answer still has its header.
 */
function negotiate<T>(request: HttpRequest, response: HttpResponse, body: T, columns: readonly string[], rows: (body: T) => readonly object[]): T | string {
  response.setHeader('Vary', 'Accept');
  if (request.accepts(['application/json', CSV]) !== CSV) return body;
  response.setHeader('Content-Type', `${CSV}; charset=utf-8; header=present`);
  return toCsv(columns, rows(body) as Record<string, unknown>[]);
}

/** 200: the JSON body, or its rows as CSV (`Accept: text/csv`). */
const ApiRows = (type: Type<unknown>, csvExample: string) =>
  applyDecorators(
    ApiExtraModels(type),
    ApiOkResponse({
      description: 'JSON; with `Accept: text/csv` the rows as RFC 4180 CSV with a header line',
      content: {
        'application/json': { schema: { $ref: getSchemaPath(type) } },
        [CSV]: { schema: { type: 'string', example: csvExample } },
      },
    }),
  );

@ApiTags('warehouse')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 503)
@ReadsOwnWritesFromWarehouse()
@Roles('analyst')
@Controller('v1/warehouse')
export class WarehouseController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('touchpoints')
  @ApiOperation({
    summary: 'Touchpoints in a period by any combination of dimensions',
    description:
      'Every catalogue event is a touchpoint. Counts and summed amounts of the touchpoints that occurred in [from, to), grouped by ' +
      'month, week, type, channel, department, size and/or phase — size and phase as the customer was AT the touchpoint ' +
      '(type-2 customer dimension). `Accept: text/csv` gives the rows as CSV.',
  })
  @ApiRows(TouchpointsResponseDto, 'month,type,count,amount\r\n2026-03,PurchaseMade,1983,6623807.84\r\n')
  async touchpoints(
    @Query() { from, to, groupBy }: TouchpointsQueryDto,
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<TouchpointsResponseDto | string> {
    const dimensions = parseGroupBy(groupBy);
    const body = await this.queryBus.execute(new GetWarehouseTouchpointsQuery({ from, to }, dimensions));
    return negotiate(request, response, body, [...dimensions, 'count', 'amount'], (b) => b.rows);
  }

  @Get('basket')
  @ApiOperation({
    summary: 'Basket analysis: which products (or categories) are bought together',
    description:
      'Association rules X → Y over the orders (one PurchaseMade = one order) placed in [from, to) (default: all): ' +
      'support = orders with X and Y / orders; confidence = orders with X and Y / orders with X; lift = confidence / support(Y). ' +
      'Rules meeting minSupport and minConfidence, strongest first (lift, then support). CSV: one line per rule.',
  })
  @ApiRows(BasketResponseDto, 'antecedent,consequent,orders,support,confidence,lift\r\nPRN-MFP-A3,TON-MFP-A3-CLR,405,0.0092,0.69,15.1\r\n')
  async basket(
    @Query() query: BasketQueryDto,
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<BasketResponseDto | string> {
    const body = await this.queryBus.execute(new GetWarehouseBasketQuery(query));
    return negotiate(request, response, body, ['antecedent', 'consequent', 'orders', 'support', 'confidence', 'lift'], (b) => b.rules);
  }

  @Get('cohorts')
  @ApiOperation({
    summary: 'Retention of customers by the month (or quarter) of their first purchase',
    description:
      'Per cohort and per period since its first-purchase period: how many of its customers purchased (active) and which share ' +
      '(retention). Purchases up to asOf (default now) count; periods run up to the latest one with a purchase.',
  })
  @ApiRows(CohortsResponseDto, 'cohort,customers,period,active,retention\r\n2026-01,120,0,120,1\r\n')
  async cohorts(
    @Query() { by, asOf }: CohortsQueryDto,
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<CohortsResponseDto | string> {
    const body = await this.queryBus.execute(new GetWarehouseCohortsQuery(by, asOf));
    return negotiate(request, response, body, ['cohort', 'customers', 'period', 'active', 'retention'], (b) => b.rows);
  }

  @Get('rfm')
  @ApiOperation({
    summary: 'Recency, frequency and monetary value per customer, scored in quintiles',
    description:
      'For every customer with a purchase by asOf (default now): days since the latest purchase, number of purchases and their ' +
      'total value, each scored 1–5 (5 best; equal values score equal), and a segment.',
  })
  @ApiRows(RfmResponseDto, 'customerId,recencyDays,frequency,monetary,r,f,m,segment\r\nacme,12,7,15400,5,5,4,champions\r\n')
  async rfm(
    @Query() { asOf }: RfmQueryDto,
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<RfmResponseDto | string> {
    const body = await this.queryBus.execute(new GetWarehouseRfmQuery(asOf));
    return negotiate(request, response, body, ['customerId', 'recencyDays', 'frequency', 'monetary', 'r', 'f', 'm', 'segment'], (b) => b.rows);
  }
}
