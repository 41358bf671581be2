import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  ServiceUnavailableException,
} from '@nestjs/common';
import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { validationException } from '@klantcentraal/http';
import { WAIT_FOR_POSITION, type WaitForPosition } from '../query-api.tokens';

export const MIN_POSITION_HEADER = 'X-Min-Position';
/** Contract: a read waits up to 5 s for the projections, then answers 503 projection-lag. */
export const MIN_POSITION_TIMEOUT_MS = 5000;
/** Our own bound, in case an injected wait does not keep its timeout. */
const HARD_LIMIT_MS = MIN_POSITION_TIMEOUT_MS + 1000;

type HttpRequest = { headers: Record<string, string | string[] | undefined> };
type HttpResponse = { setHeader(name: string, value: string): void };

/**
 * Reading your own writes (contract "Runtime settings"): with `X-Min-Position: <globalPosition>` the read waits
 * until the projections have processed that position — up to 5 s, then 503 `projection-lag`. Runs after the
 * API-key guard, so an unauthenticated caller never waits.
 */
@Injectable()
export class MinPositionInterceptor implements NestInterceptor {
  constructor(@Inject(WAIT_FOR_POSITION) private readonly waitForPosition: WaitForPosition | null) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const header = http.getRequest<HttpRequest>().headers[MIN_POSITION_HEADER.toLowerCase()];
    if (header !== undefined) {
      const position = parsePosition(Array.isArray(header) ? header.join(',') : header);
      await this.await(position, http.getResponse<HttpResponse>());
    }
    return next.handle();
  }

  private async await(position: number, response: HttpResponse): Promise<void> {
    const lag = (message: string, extra: Record<string, unknown> = {}) => {
      response.setHeader('Retry-After', '1');
      return new ServiceUnavailableException({ error: 'projection-lag', message, position, ...extra });
    };
    if (this.waitForPosition === null) {
      throw lag('reading your own writes is not configured on this server (QueryApiModule.register without waitForPosition)');
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), HARD_LIMIT_MS)));
    try {
      const outcome = await Promise.race([this.waitForPosition(position, MIN_POSITION_TIMEOUT_MS), timeout]);
      if (outcome === 'timeout') throw lag(`the projections have not processed position ${position} within ${MIN_POSITION_TIMEOUT_MS} ms`);
    } catch (error) {
      if (isProjectionLag(error)) {
        const reached = (error as { reached?: unknown }).reached;
        throw lag((error as Error).message, typeof reached === 'number' ? { reached } : {});
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** ProjectionLagError of @klantcentraal/projections, recognised by its code so that any runner's error will do. */
function isProjectionLag(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown } | null;
  return e?.code === 'projection-lag' || e?.name === 'ProjectionLagError';
}

function parsePosition(text: string): number {
  const trimmed = text.trim();
  const position = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(position)) {
    throw validationException([{ path: MIN_POSITION_HEADER, message: 'must be a global position: an integer ≥ 0' }]);
  }
  return position;
}

/** Honour `X-Min-Position` on every handler of a controller, and document the header. */
export const ReadsOwnWrites = () =>
  applyDecorators(
    UseInterceptors(MinPositionInterceptor),
    ApiHeader({
      name: MIN_POSITION_HEADER,
      required: false,
      description:
        'Wait (up to 5 s) until the projections have processed this global position — e.g. `lastPosition` of an ingest response — then answer; 503 `projection-lag` on timeout.',
    }),
  );
