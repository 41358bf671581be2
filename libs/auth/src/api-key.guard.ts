import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, Optional, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@klantcentraal/config';
import { ApiKeyRegistry, hasAnyRole } from './api-key-registry';
import { PUBLIC_KEY, ROLES_KEY, setPrincipal } from './auth.decorators';
import { RateLimitGuard, setRateLimitTracker } from './rate-limit.guard';

/** Injection token of AuthModuleOptions.keysHint. */
export const AUTH_KEYS_HINT = Symbol('AUTH_KEYS_HINT');

type HttpRequest = { headers: Record<string, string | string[] | undefined> };
type HttpResponse = { setHeader?(name: string, value: string): void };

/**
 * Global guard (installed by AuthModule): `Authorization: Bearer <key>`. Handlers declare `@Roles(...)`; a handler
 * with neither `@Roles` nor `@Public` is admin-only, so forgetting the decorator never opens an endpoint.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: ApiKeyRegistry,
    private readonly rateLimit: RateLimitGuard,
    @Optional() @Inject(AUTH_KEYS_HINT) private readonly keysHint: string | null = null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true;
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const key = bearerKey(request.headers.authorization);
    const identified = key === null ? null : this.registry.identify(key);
    const principal = identified?.principal ?? null;
    if (identified) {
      setPrincipal(request, identified.principal);
      setRateLimitTracker(request, `key:${identified.id}`);
    }
    if (isPublic) return true;
    // Counts this request against its key, or against its address when authentication failed; 429 when over.
    await this.rateLimit.canActivate(context);

    if (!principal) {
      context.switchToHttp().getResponse<HttpResponse>().setHeader?.('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException({
        error: 'unauthorized',
        message:
          (key === null ? 'missing API key: send "Authorization: Bearer <api key>"' : 'unknown API key') +
          (this.keysHint ? `; ${this.keysHint}` : ''),
      });
    }
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!hasAnyRole(principal, required)) {
      const needed = [...new Set<Role>([...required, 'admin'])];
      throw new ForbiddenException({
        error: 'forbidden',
        message: `this endpoint needs one of the roles ${needed.join(', ')}; key "${principal.name}" has ${principal.roles.join(', ')}`,
        requiredRoles: needed,
      });
    }
    return true;
  }
}

function bearerKey(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value?.match(/^Bearer[ ]+(\S+)\s*$/i);
  return match ? match[1] : null;
}
