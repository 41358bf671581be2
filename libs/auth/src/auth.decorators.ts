import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@klantcentraal/config';
import type { Principal as PrincipalType } from './api-key-registry';

export const ROLES_KEY = 'klantcentraal:roles';
export const PUBLIC_KEY = 'klantcentraal:public';

/** The roles that may call a handler (or every handler of a controller); `admin` always may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** No API key needed (health, OpenAPI). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Who is calling (the type), and `@Principal()`: the request's key holder, set by ApiKeyGuard (guarded handlers only). */
export type Principal = PrincipalType;
export const Principal = createParamDecorator((_: unknown, context: ExecutionContext): PrincipalType => {
  const principal = principalOf(context.switchToHttp().getRequest());
  // A missing principal means the guard is not installed: fail loudly rather than record an anonymous writer.
  if (!principal) throw new Error('no principal on the request: is AuthModule.forRoot() imported by the root module?');
  return principal;
});

/** The guard stores the principal as `request.principal`. */
export function principalOf(request: object): PrincipalType | undefined {
  return (request as { principal?: PrincipalType }).principal;
}

export function setPrincipal(request: object, principal: PrincipalType): void {
  (request as { principal?: PrincipalType }).principal = principal;
}
