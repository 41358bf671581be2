import { Controller, Get, Inject, Logger, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@klantcentraal/auth';
import { HEALTH_OPTIONS, type HealthModuleOptions } from './health.options';
import { Readiness } from './readiness';

type CheckStatus = 'up' | 'down';
type ReadyBody = { status: 'ready' | 'not-ready'; checks: Record<string, CheckStatus>; error?: string; message?: string };

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly readiness: Readiness,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthModuleOptions,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers HTTP' })
  @ApiOkResponse({ schema: { example: { status: 'live' } } })
  live(): { status: 'live' } {
    return { status: 'live' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: start-up (migrations, services) is done and every dependency answers' })
  @ApiOkResponse({ schema: { example: { status: 'ready', checks: { database: 'up' } } } })
  @ApiServiceUnavailableResponse({
    schema: { example: { status: 'not-ready', error: 'not-ready', message: 'start-up is not finished', checks: {} } },
  })
  async ready(@Res({ passthrough: true }) res: { status(code: number): unknown }): Promise<ReadyBody> {
    const checks = await this.runChecks();
    const down = Object.keys(checks).filter((name) => checks[name] === 'down');
    if (this.readiness.isReady && down.length === 0) return { status: 'ready', checks };
    res.status(503);
    const message = !this.readiness.isReady ? 'start-up is not finished' : `failing checks: ${down.join(', ')}`;
    return { status: 'not-ready', error: 'not-ready', message, checks };
  }

  private async runChecks(): Promise<Record<string, CheckStatus>> {
    const timeoutMs = this.options.timeoutMs ?? 2000;
    const entries = await Promise.all(
      Object.entries(this.options.checks ?? {}).map(async ([name, check]): Promise<[string, CheckStatus]> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          });
          const result = await Promise.race([Promise.resolve().then(check), timeout]);
          return [name, result === false ? 'down' : 'up'];
        } catch (err) {
          // The reason goes to the log, not to this public endpoint (it may name hosts or users).
          this.logger.warn(`check "${name}" failed: ${(err as Error)?.message ?? String(err)}`);
          return [name, 'down'];
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return Object.fromEntries(entries);
  }
}
