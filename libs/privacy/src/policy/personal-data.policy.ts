import { maskContactData, maskContacts } from '@klantcentraal/domain';

/**
 * Which responses carry personal data, and how role scoping applies to each (contract v1.1 "Role scoping" and
 * "Access log"). Routes are Express route patterns as Nest registers them. One table for every read, so a new read
 * endpoint is covered by adding one line here.
 */
export type RoutePolicy = Readonly<{
  /** The customers whose personal data the response body carries (recorded in the access log). */
  customers(params: Record<string, string>, body: unknown): (string | null)[];
  /** A `sales` key scoped to an account manager may read only its customers: check this path's customer (404 else). */
  scopedCustomer?: (params: Record<string, string>) => string;
  /** Scoped lists: the `accountManager` query filter is forced to the key's account manager. */
  scopedListFilter?: boolean;
  /** A never-ending response (SSE): scoping applies, the body is not inspected. */
  stream?: boolean;
  /** What an analyst sees (contacts' name and e-mail null). */
  maskForAnalyst?: (body: unknown) => unknown;
}>;

type Profile = { customerId: string; contacts: { name: string | null; email: string | null }[] };
type Page<T> = { items: T[]; nextCursor: string | null };
type Touchpoint = { type: string; data: Record<string, unknown> };

const pathCustomer = (params: Record<string, string>) => [params['customerId'] ?? null];

export const PERSONAL_DATA_ROUTES: Readonly<Record<string, RoutePolicy>> = {
  '/v1/customers': {
    customers: (_params, body) => ((body as Page<Profile>)?.items ?? []).map((p) => p.customerId),
    scopedListFilter: true,
    maskForAnalyst: (body) => ({ ...(body as Page<Profile>), items: (body as Page<Profile>).items.map((p) => maskContacts(p)) }),
  },
  '/v1/customers/:customerId': {
    customers: pathCustomer,
    scopedCustomer: (params) => params['customerId'],
    maskForAnalyst: (body) => maskContacts(body as Profile),
  },
  '/v1/customers/:customerId/touchpoints': {
    customers: pathCustomer,
    scopedCustomer: (params) => params['customerId'],
    maskForAnalyst: (body) => ({
      ...(body as Page<Touchpoint>),
      items: (body as Page<Touchpoint>).items.map((t) => ({ ...t, data: maskContactData(t.type, t.data) })),
    }),
  },
  '/v1/feed': { customers: () => [], scopedListFilter: true, stream: true },
  '/v1/audit/customers/:customerId/events': { customers: pathCustomer },
  '/v1/audit/customers/:customerId/state': { customers: pathCustomer },
  '/v1/privacy/customers/:customerId/export': { customers: pathCustomer },
};
