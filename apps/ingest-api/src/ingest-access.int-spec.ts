/**
 * Who may ingest (API keys and roles) and what is served without one: the OpenAPI document, docs UI, health.
 * Real HTTP against a real PostgreSQL event store; the app and helpers come from ./testing/ingest-fixture.
 */
import { ANALYST_KEY, ADMIN_KEY, mailSent, newCustomerId, prospect, useIngestApp } from './testing/ingest-fixture';

const { http, append, bulk, readStream } = useIngestApp();

describe('authentication and roles', () => {
  it('401 without a key or with an unknown key', async () => {
    const none = await append(newCustomerId(), { events: [prospect()] }, null).expect(401);
    expect(none.body).toMatchObject({ error: 'unauthorized', message: expect.any(String) });
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const unknown = await append(newCustomerId(), { events: [prospect()] }, 'not-a-configured-key').expect(401);
    expect(unknown.body.error).toBe('unauthorized');
    await bulk([{ customerId: 'x', ...prospect() }], null).expect(401);
  });

  it('403 forbidden, naming the roles needed, for a key without the ingest role', async () => {
    const customerId = newCustomerId();
    const res = await append(customerId, { events: [prospect()] }, ANALYST_KEY).expect(403);
    expect(res.body).toMatchObject({ error: 'forbidden', message: expect.stringContaining('ingest') });
    await bulk([{ customerId, ...prospect() }], ANALYST_KEY).expect(403);
    expect(await readStream(customerId)).toHaveLength(0);
  });

  it('lets admin ingest, recording the admin key name as recorder', async () => {
    const customerId = newCustomerId();
    await append(customerId, { events: [prospect()] }, ADMIN_KEY).expect(201);
    await bulk([{ customerId, ...mailSent() }], ADMIN_KEY).expect(201);
    expect((await readStream(customerId)).map((e) => e.metadata.recordedBy)).toEqual([{ userId: 'ops' }, { userId: 'ops' }]);
  });

  it('checks the key before validating the body', async () => {
    await append('-bad', { events: [] }, null).expect(401);
  });
});

describe('OpenAPI and health', () => {
  it('publishes both endpoints with their bodies, responses and the bearer scheme at /openapi.json', async () => {
    const res = await http().get('/openapi.json').expect(200);
    const doc = res.body;
    const single = doc.paths['/v1/customers/{customerId}/events'].post;
    const bulkOp = doc.paths['/v1/events'].post;
    expect(Object.keys(single.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '401', '403', '409', '413', '422']));
    expect(Object.keys(bulkOp.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '401', '403', '409', '413', '422']));
    expect(single.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/AppendEventsDto');
    expect(single.requestBody.content['application/json'].examples.quoteSent.value.events[0]).toMatchObject({ type: 'QuoteSent' });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(single.security).toEqual([{ bearer: [] }]);
    const envelope = doc.components.schemas.EventEnvelopeDto;
    expect(envelope.properties.type.enum).toContain('NpsResponded');
    expect(doc.components.schemas.NpsRespondedData.properties.score).toMatchObject({ minimum: 0, maximum: 10 });
    expect(doc.components.schemas.BulkEventDto.properties.customerId).toBeDefined();
  });

  it('serves the docs UI at /docs without a key', async () => {
    const res = await http().get('/docs').redirects(1).expect(200);
    expect(res.text).toContain('swagger');
  });

  it('answers /health/live and /health/ready', async () => {
    await http().get('/health/live').expect(200, { status: 'live' });
    await http().get('/health/ready').expect(200, { status: 'ready', checks: { database: 'up' } });
  });
});
