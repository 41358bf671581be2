import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '@klantcentraal/auth';
import { Metrics } from './metrics';

@ApiTags('operations')
@ApiBearerAuth()
@Roles('admin')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics of this process (role admin)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4' })
  async scrape(@Res({ passthrough: true }) res: { setHeader(name: string, value: string): void }): Promise<string> {
    const text = await this.metrics.render();
    res.setHeader('Content-Type', this.metrics.contentType);
    return text;
  }
}
