import { ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { principalOf } from './auth.decorators';

/** Default of `RATE_LIMIT_PER_MINUTE`: requests per API key per minute. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 12_000;
/** Failed authentications per client address per minute before the address is told to wait. */
export const DEFAULT_FAILED_AUTH_PER_MINUTE = 30;

export type RateLimitOptions = Readonly<{ perMinute?: number; failedAuthPerMinute?: number }>;

const MINUTE_MS = 60_000;
/** Set by ApiKeyGuard: which counter a request is charged to (the key's digest; absent for failed authentication). */
const TRACKER = Symbol('rateLimitTracker');

type TrackedRequest = { [TRACKER]?: string; ip?: string; socket?: { remoteAddress?: string } };

export function setRateLimitTracker(request: object, tracker: string): void {
  (request as TrackedRequest)[TRACKER] = tracker;
}

/**
 * The throttlers of @nestjs/throttler, counted across all routes: `default` per API key (a key's excess never
 * touches another key's counter), `failed-auth` per client address for requests whose key is missing or unknown.
 */
export function throttlerOptions(options: RateLimitOptions = {}): ThrottlerModuleOptions {
  const request = (context: ExecutionContext) => context.switchToHttp().getRequest<TrackedRequest>();
  const authenticated = (context: ExecutionContext) => principalOf(request(context)) !== undefined;
  return {
    throttlers: [
      {
        name: 'default',
        ttl: MINUTE_MS,
        limit: options.perMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
        skipIf: (context) => !authenticated(context),
      },
      {
        name: 'failed-auth',
        ttl: MINUTE_MS,
        limit: options.failedAuthPerMinute ?? DEFAULT_FAILED_AUTH_PER_MINUTE,
        skipIf: authenticated,
        setHeaders: false,
      },
    ],
    getTracker: (req) => (req as TrackedRequest)[TRACKER] ?? `address:${(req as TrackedRequest).ip ?? (req as TrackedRequest).socket?.remoteAddress ?? 'unknown'}`,
    // One counter per key (or address) for the whole API, not one per route.
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
  };
}

/**
 * @nestjs/throttler's guard, called by ApiKeyGuard after it has identified the caller (so it is not a global guard
 * of its own). Over the limit: 429 `rate-limited` with `Retry-After` in seconds.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(1, detail.timeToBlockExpire);
    context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>().setHeader('Retry-After', String(retryAfter));
    const failedAuth = !principalOf(context.switchToHttp().getRequest());
    throw new HttpException(
      {
        error: 'rate-limited',
        message: failedAuth
          ? `too many failed authentications from this address (${detail.limit} per minute); retry after ${retryAfter} s`
          : `rate limit of ${detail.limit} requests per minute for this API key exceeded; retry after ${retryAfter} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
