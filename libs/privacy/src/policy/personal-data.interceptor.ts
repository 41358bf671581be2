import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor, NotFoundException } from '@nestjs/common';
import { from, lastValueFrom, Observable, of } from 'rxjs';
import type { Pool } from 'pg';
import { accountScope, masksContacts, principalOf } from '@klantcentraal/auth';
import { recordAccess } from '../access-log/access-log';
import { PERSONAL_DATA_ROUTES } from './personal-data.policy';

/** The pool the policy reads account managers from and writes the access log with. */
export const PERSONAL_DATA_POOL = Symbol('PERSONAL_DATA_POOL');

type HttpRequest = {
  method: string;
  originalUrl?: string;
  url: string;
  route?: { path?: string };
  params: Record<string, string>;
  query: Record<string, unknown>;
};

/**
 * Applies the personal-data policy (personal-data.policy.ts) to every read, whichever service answers it: a scoped
 * `sales` key gets 404 for customers it does not manage and lists filtered to its own; analysts get contacts masked;
 * every response that carried personal data is written to the access log (before it is sent: no log, no data).
 */
@Injectable()
export class PersonalDataInterceptor implements NestInterceptor {
  private readonly logger = new Logger('privacy');

  constructor(@Inject(PERSONAL_DATA_POOL) private readonly pool: Pool) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const policy = request.route?.path ? PERSONAL_DATA_ROUTES[request.route.path] : undefined;
    const principal = principalOf(request);
    if (!policy || !principal || request.method !== 'GET') return next.handle();

    const scope = accountScope(principal);
    if (scope !== null && policy.scopedListFilter) {
      const asked = request.query['accountManager'];
      if (asked !== undefined && asked !== scope) {
        if (policy.stream) throw new NotFoundException({ error: 'not-found', message: `no feed for account manager ${String(asked)} under this key` });
        return of({ items: [], nextCursor: null });
      }
      Object.defineProperty(request, 'query', { value: { ...request.query, accountManager: scope }, configurable: true, enumerable: true, writable: true });
    }
    if (policy.stream) return next.handle();
    const path = (request.originalUrl ?? request.url).split('?')[0];
    const masked = masksContacts(principal) && policy.maskForAnalyst;
    return from(
      (async () => {
        const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
        // Checked after the handler, so a read given X-Min-Position sees the account manager as projected by then.
        if (scope !== null && policy.scopedCustomer) {
          const customerId = policy.scopedCustomer(request.params);
          if ((await this.accountManagerOf(customerId)) !== scope) {
            throw new NotFoundException({ error: 'not-found', message: `no customer ${customerId}` });
          }
        }
        const customers = policy.customers(request.params, body);
        await recordAccess(
          this.pool,
          customers.map((customerId) => ({ keyName: principal.name, roles: principal.roles, method: request.method, path, customerId })),
        ).catch((err: unknown) => {
          // No record, no answer: the caller gets an error rather than unlogged personal data.
          this.logger.error(`access log write failed: ${(err as Error).message}`);
          throw err;
        });
        return masked ? masked(body) : body;
      })(),
    );
  }

  private async accountManagerOf(customerId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ account_manager: string | null }>(
      'SELECT account_manager FROM read_models.customer_profiles WHERE customer_id = $1',
      [customerId],
    );
    return rows[0]?.account_manager ?? null;
  }
}
