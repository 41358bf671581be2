/**
 * Who may read what, request validation, the OpenAPI document, and reading your own writes via X-Min-Position.
 * End to end on real PostgreSQL over real HTTP; the seeded app comes from ./testing/query-fixture.
 */
import { ev, useQueryApp } from './testing/query-fixture';

describe('query API (e2e over HTTP on PostgreSQL)', () => {
  const { state, http, get, ingest } = useQueryApp();

  describe('access and validation', () => {
    it('need an API key (401) with the role analyst or sales (403 otherwise; admin may)', async () => {
      expect((await http().get('/v1/customers/acme')).status).toBe(401);
      expect((await http().get('/v1/customers/acme').set('Authorization', 'Bearer not-a-key')).status).toBe(401);
      for (const [role, status] of [['ingest', 403], ['auditor', 403], ['analyst', 200], ['sales', 200], ['admin', 200]] as const) {
        for (const path of ['/v1/customers/acme', '/v1/customers', '/v1/insights/nps', '/v1/insights/complaints', '/v1/insights/lifecycle', '/v1/insights/funnel']) {
          const response = await get(path, role);
          expect({ role, path, status: response.status }).toEqual({ role, path, status });
          if (status === 403) expect(response.body.error).toBe('forbidden');
        }
      }
    });

    it('answer 400 naming the bad parameter', async () => {
      const badParameter = async (path: string) => {
        const response = await get(path);
        expect({ path, status: response.status, error: response.body.error }).toEqual({ path, status: 400, error: 'validation' });
        return response.body.details.map((detail: { path: string }) => detail.path).sort();
      };
      expect(await badParameter('/v1/customers/acme?asOf=yesterday')).toEqual(['asOf']);
      expect(await badParameter('/v1/customers/acme?asOf=2025-02-30T00:00:00Z')).toEqual(['asOf']);
      expect(await badParameter('/v1/customers?phase=customer')).toEqual(['phase']);
      expect(await badParameter('/v1/customers?loyalty=happy')).toEqual(['loyalty']);
      expect(await badParameter('/v1/customers?limit=501')).toEqual(['limit']);
      expect(await badParameter('/v1/customers?limit=0')).toEqual(['limit']);
      expect(await badParameter('/v1/customers?limit=ten')).toEqual(['limit']);
      expect(await badParameter('/v1/customers?cursor=not-ours!')).toEqual(['cursor']);
      expect(await badParameter('/v1/customers?size=huge&colour=red')).toEqual(['colour', 'size']);
      expect(await badParameter('/v1/insights/nps?from=2025-07-01T00:00:00Z&to=2025-01-01T00:00:00Z')).toEqual(['to']);
      expect(await badParameter('/v1/insights/funnel?from=2030-01-01T00:00:00Z')).toEqual(['from']);
      expect(await badParameter('/v1/insights/lifecycle?asOf=2025-01-01')).toEqual(['asOf']);
      expect(await badParameter('/v1/customers/-not-an-id')).toEqual(['customerId']);
      const header = await get('/v1/customers/acme').set('X-Min-Position', 'soon');
      expect(header.status).toBe(400);
      expect(header.body.details).toEqual([{ path: 'X-Min-Position', message: expect.any(String) }]);
    });

    it('answer 404 not-found for an unknown customer', async () => {
      const response = await get('/v1/customers/nobody');
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'not-found', message: expect.stringContaining('nobody') });
    });

    it('publish every endpoint in the OpenAPI document', async () => {
      const { body } = await http().get('/openapi.json');
      expect(Object.keys(body.paths)).toEqual(
        expect.arrayContaining([
          '/v1/customers',
          '/v1/customers/{customerId}',
          '/v1/insights/nps',
          '/v1/insights/complaints',
          '/v1/insights/lifecycle',
          '/v1/insights/funnel',
          '/v1/admin/customer-definition',
        ]),
      );
      expect(body.paths['/v1/customers/{customerId}'].get.responses['200'].content['application/json'].schema.$ref).toMatch(/CustomerProfileDto$/);
    });
  });

  describe('reading your own writes (X-Min-Position)', () => {
    it('wait for the projections, answer 503 projection-lag after 5 s, and the fresh data once projected', async () => {
      const position = await ingest('acme', [ev('NpsResponded', '2025-06-15T09:00:00Z', { surveyId: 'S-3', score: 10 })]);

      const started = Date.now();
      const lagging = await get('/v1/insights/nps').set('X-Min-Position', String(position));
      expect(lagging.status).toBe(503);
      expect(lagging.body).toMatchObject({ error: 'projection-lag', position });
      expect(Date.now() - started).toBeGreaterThanOrEqual(4900);

      const waiting = get('/v1/insights/nps').set('X-Min-Position', String(position)).then((response) => response);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await state.runner.catchUp();
      const fresh = await waiting;
      expect(fresh.status).toBe(200);
      expect(fresh.body).toMatchObject({ responses: 4, promoters: 2 });

      const done = await get('/v1/customers/acme', 'sales').set('X-Min-Position', String(position));
      expect(done.status).toBe(200);
      expect(done.body.nps).toEqual({ lastScore: 10, category: 'promoter', lastImprovement: null });
    });
  });
});
