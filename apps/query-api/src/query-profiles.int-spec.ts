/**
 * Customer profiles (as of now, as of a date, loyalty, lifecycle phases) and segment listings.
 * End to end on real PostgreSQL over real HTTP; the seeded app comes from ./testing/query-fixture.
 */
import { JULY, PROSPECTS, useQueryApp } from './testing/query-fixture';

describe('query API (e2e over HTTP on PostgreSQL)', () => {
  const { clock, get } = useQueryApp();

  describe('profiles', () => {
    it('answer the contract profile, exactly', async () => {
      const response = await get('/v1/customers/acme');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        customerId: 'acme',
        name: 'Acme BV',
        size: 'medium',
        lifecyclePhase: 'loyal-customer',
        cycle: 1,
        loyalty: { status: 'loyal', reasons: [], purchaseCount: 2, lastPurchaseAt: '2025-03-01T09:00:00.000Z' },
        nps: { lastScore: 9, category: 'promoter', lastImprovement: 'Faster delivery' },
        complaints: { open: 0, resolved: 1 },
        experience: { positive: 1, asExpected: 0, negative: 0 },
        accountManager: { employeeId: 'am-1', salesRole: 'account-manager' },
        contacts: [{ contactId: 'p-1', name: 'Ans de Vries', email: 'ans@acme.example', dmuRole: 'decision-maker' }],
        touchpoints: {
          total: 14,
          byType: {
            ProspectRegistered: 1,
            ContactAdded: 1,
            AccountManagerAssigned: 1,
            MailSent: 1,
            QuoteRequested: 1,
            QuoteSent: 1,
            PurchaseMade: 2,
            ComplaintFiled: 1,
            ComplaintResolved: 1,
            NpsResponded: 1,
            OpportunityStageChanged: 3,
          },
        },
        lastTouchpointAt: '2025-06-01T09:00:00.000Z',
        asOf: JULY,
        definitionVersion: 1,
      });
      expect(Object.keys(response.body.touchpoints.byType)[0]).toBe('ProspectRegistered');
    });

    it('answer the profile as it was at asOf, and 404 before the customer was registered', async () => {
      const then = await get('/v1/customers/acme?asOf=2025-02-15T00:00:00%2B01:00');
      expect(then.status).toBe(200);
      expect(then.body).toMatchObject({
        asOf: '2025-02-14T23:00:00.000Z',
        lifecyclePhase: 'new-customer',
        loyalty: { status: 'new', reasons: [], purchaseCount: 1, lastPurchaseAt: '2025-02-01T09:00:00.000Z' },
        nps: { lastScore: null, category: null, lastImprovement: null },
        complaints: { open: 0, resolved: 0 },
        experience: { positive: 1, asExpected: 0, negative: 0 },
        touchpoints: { total: 6 },
        lastTouchpointAt: '2025-02-01T09:00:00.000Z',
      });
      const before = await get('/v1/customers/acme?asOf=2024-12-31T23:59:59Z');
      expect(before.status).toBe(404);
      expect(before.body).toMatchObject({ error: 'not-found' });
    });

    it('list every at-risk reason that holds, as time passes', async () => {
      expect((await get('/v1/customers/bakker')).body.loyalty).toEqual({
        status: 'at-risk',
        reasons: ['detractor', 'complaint-overdue'],
        purchaseCount: 1,
        lastPurchaseAt: '2025-02-10T12:00:00.000Z',
      });
      clock.now = new Date('2025-09-01T00:00:00Z');
      expect((await get('/v1/customers/bakker')).body.loyalty.reasons).toEqual(['detractor', 'complaint-overdue', 'purchase-gap']);
      expect((await get('/v1/customers/cafe')).body.loyalty).toEqual({ status: 'none', reasons: [], purchaseCount: 0, lastPurchaseAt: null });
    });

    it('depart a customer by time passing, without any event: not at exactly 365 days, one millisecond later', async () => {
      clock.now = new Date('2026-01-10T10:00:00.000Z');
      expect((await get('/v1/customers/dekker')).body).toMatchObject({
        lifecyclePhase: 'new-customer',
        loyalty: { status: 'at-risk', reasons: ['purchase-gap'] },
      });
      expect((await get('/v1/customers?phase=departed')).body.items).toEqual([]);
      expect((await get('/v1/insights/lifecycle')).body.phases.departed).toBe(0);

      clock.now = new Date('2026-01-10T10:00:00.001Z');
      expect((await get('/v1/customers/dekker')).body).toMatchObject({ lifecyclePhase: 'departed', cycle: 1, loyalty: { status: 'lapsed', reasons: [] } });
      expect((await get('/v1/customers?phase=departed')).body.items.map((item: { customerId: string }) => item.customerId)).toEqual(['dekker']);
      expect((await get('/v1/insights/lifecycle')).body).toEqual({
        asOf: '2026-01-10T10:00:00.001Z',
        phases: { prospect: 8, 'new-customer': 1, 'loyal-customer': 1, departed: 1 },
      });
    });
  });

  describe('segments', () => {
    it('page through a segment: two pages, no duplicates, nextCursor null at the end', async () => {
      const first = await get('/v1/customers?phase=prospect&limit=5', 'sales');
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(5);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await get(`/v1/customers?phase=prospect&limit=5&cursor=${first.body.nextCursor}`, 'sales');
      expect(second.body.nextCursor).toBeNull();
      const ids = [...first.body.items, ...second.body.items].map((item: { customerId: string }) => item.customerId);
      expect(ids).toEqual(['cafe', ...PROSPECTS]);
      expect(second.body.items[0]).toMatchObject({ lifecyclePhase: 'prospect', asOf: JULY, definitionVersion: 1 });
    });

    it('filter by loyalty, account manager and size, evaluated now', async () => {
      const ids = async (query: string) => (await get(`/v1/customers?${query}`)).body.items.map((item: { customerId: string }) => item.customerId);
      expect(await ids('loyalty=at-risk')).toEqual(['bakker']);
      expect(await ids('loyalty=loyal')).toEqual(['acme']);
      expect(await ids('accountManager=am-1')).toEqual(['acme', 'cafe']);
      expect(await ids('size=small')).toEqual(['bakker', 'cafe']);
      expect(await ids('size=small&loyalty=none')).toEqual(['cafe']);
      expect((await get('/v1/customers')).body).toMatchObject({ nextCursor: null });
      expect((await get('/v1/customers')).body.items).toHaveLength(11);
    });
  });
});
