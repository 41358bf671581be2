/**
 * Changing the customer definition: admin only, validated, applied at once, phase histories rebuilt.
 * End to end on real PostgreSQL over real HTTP; the seeded app comes from ./testing/query-fixture.
 */
import { bearer, useQueryApp } from './testing/query-fixture';

describe('query API (e2e over HTTP on PostgreSQL)', () => {
  const { state, http, get } = useQueryApp();

  describe('customer definition', () => {
    it('only admins change it; 400 names the bad setting', async () => {
      const put = (body: unknown, role = 'admin') =>
        http().put('/v1/admin/customer-definition').set('Authorization', bearer(role)).send(body as object);
      expect((await put({ version: 2, departAfterDays: 100 }, 'analyst')).status).toBe(403);
      const negative = await put({ version: 2, departAfterDays: -1 });
      expect(negative.status).toBe(400);
      expect(negative.body.details).toEqual([{ path: 'departAfterDays', message: expect.stringContaining('greater than 0') }]);
      const stale = await put({ version: 1 });
      expect(stale.status).toBe(400);
      expect(stale.body.details).toEqual([{ path: 'version', message: expect.stringContaining('greater than the active version 1') }]);
      const unknown = await put({ version: 2, loyalAfterDays: 3 });
      expect(unknown.body.details).toEqual([{ path: 'loyalAfterDays', message: 'is not a customer-definition setting' }]);
      expect(state.rebuild).toBeNull();
    });

    it('store a new version, view profiles with it at once, and re-derive phase histories by a rebuild', async () => {
      const response = await http()
        .put('/v1/admin/customer-definition')
        .set('Authorization', bearer('admin'))
        .send({ version: 2, departAfterDays: 100 });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        definition: { version: 2, loyalWithinDays: 365, departAfterDays: 100, complaintTargetHours: 24, complaintTargetShare: 0.9, purchaseGapFraction: 0.5, detractorMaxScore: 6, promoterMinScore: 9 },
        rebuild: 'requested',
      });
      expect((await get('/v1/admin/customer-definition')).body).toMatchObject({ version: 2, departAfterDays: 100 });
      // Profiles and segments hold facts, so the new rules apply at once: Dekker bought 172 days ago.
      expect((await get('/v1/customers/dekker')).body).toMatchObject({ lifecyclePhase: 'departed', definitionVersion: 2 });
      expect((await get('/v1/customers?phase=departed')).body.items.map((item: { customerId: string }) => item.customerId)).toEqual([
        'acme',
        'bakker',
        'dekker',
      ]);

      expect(state.rebuild).not.toBeNull();
      await state.rebuild;
      expect((await get('/v1/insights/lifecycle')).body.phases).toEqual({ prospect: 8, 'new-customer': 0, 'loyal-customer': 0, departed: 3 });
      const { rows } = await state.db.pool.query('SELECT DISTINCT definition_version FROM read_models.lifecycle_phase_history');
      expect(rows).toEqual([{ definition_version: 2 }]);
      // The definitions are configuration, not a read model: the rebuild's schema swap carried them over.
      expect((await get('/v1/admin/customer-definition')).body).toMatchObject({ version: 2, departAfterDays: 100 });
      expect((await get('/v1/customers/acme')).body).toMatchObject({ lifecyclePhase: 'departed', definitionVersion: 2 });
    });
  });
});
