/**
 * Retries and races on one customer's stream: identical retries answer with the original result, conflicting
 * ones and stale expected revisions are refused.
 * Real HTTP against a real PostgreSQL event store; the app and helpers come from ./testing/ingest-fixture.
 */
import { complaintFiled, complaintResolved, mailSent, newCustomerId, prospect, withId, useIngestApp } from './testing/ingest-fixture';

const { clock, appendGate, append, readStream, givenCustomer } = useIngestApp();

describe('POST /v1/customers/:customerId/events', () => {
  describe('idempotency', () => {
    it('answers an identical retry with 200 and the original result, even when its expectedRevision is stale', async () => {
      const customerId = newCustomerId();
      const body = { expectedRevision: 'no-stream', events: [withId(prospect()), withId(mailSent())] };
      const original = await append(customerId, body).expect(201);
      await append(customerId, { events: [mailSent('m-later')] }).expect(201);

      const retry = await append(customerId, body).expect(200);
      expect(retry.body).toEqual(original.body);
      expect(await readStream(customerId)).toHaveLength(3);
    });

    it('ignores server defaults when comparing: a retry without occurredAt at a later time is the same request', async () => {
      const customerId = newCustomerId();
      const body = { events: [withId(prospect())] };
      clock.now = new Date('2026-04-03T00:00:00Z');
      const original = await append(customerId, body).expect(201);
      clock.now = new Date('2026-04-04T00:00:00Z');
      const retry = await append(customerId, body).expect(200);
      expect(retry.body).toEqual(original.body);
    });

    it('409 idempotency-conflict when a stored eventId arrives with a different payload', async () => {
      const customerId = newCustomerId();
      const event = withId(prospect('Acme BV'));
      await append(customerId, { events: [event] }).expect(201);

      const changed = await append(customerId, { events: [{ ...event, data: { name: 'Other BV', size: 'small' } }] }).expect(409);
      expect(changed.body).toMatchObject({ error: 'idempotency-conflict', message: expect.stringContaining('events[0]') });
      // occurredAt and recordedBy count where the client gives them.
      await append(customerId, { events: [{ ...event, occurredAt: '2026-01-01T00:00:00Z' }] })
        .expect(409)
        .expect((res) => expect(res.body.error).toBe('idempotency-conflict'));
      await append(customerId, { events: [{ ...event, recordedBy: { userId: 'u-1' } }] }).expect(409);
      expect(await readStream(customerId)).toHaveLength(1);
    });

    it('409 idempotency-conflict when a batch mixes stored and new eventIds', async () => {
      const customerId = newCustomerId();
      const stored = withId(prospect());
      await append(customerId, { events: [stored] }).expect(201);
      const res = await append(customerId, { events: [stored, withId(mailSent())] }).expect(409);
      expect(res.body).toMatchObject({ error: 'idempotency-conflict', message: expect.stringContaining('events[1]') });
      // An event without eventId is new as well.
      await append(customerId, { events: [stored, mailSent()] }).expect(409);
      expect(await readStream(customerId)).toHaveLength(1);
    });

    it('409 idempotency-conflict when a stored eventId is sent for another customer', async () => {
      const event = withId(prospect());
      await append(newCustomerId(), { events: [event] }).expect(201);
      const other = newCustomerId();
      await append(other, { events: [event] })
        .expect(409)
        .expect((res) => expect(res.body.error).toBe('idempotency-conflict'));
      expect(await readStream(other)).toHaveLength(0);
    });
  });

  describe('optimistic concurrency', () => {
    it('409 revision-conflict with expectedRevision and actualRevision when the expectation is stale', async () => {
      const { customerId } = await givenCustomer(mailSent()); // revisions 0..1
      const res = await append(customerId, { expectedRevision: 0, events: [mailSent('m-2')] }).expect(409);
      expect(res.body).toMatchObject({ error: 'revision-conflict', expectedRevision: 0, actualRevision: 1 });
      expect(typeof res.body.message).toBe('string');
      expect(await readStream(customerId)).toHaveLength(2);
    });

    it('409 revision-conflict for "no-stream" on an existing stream, before any rule is checked', async () => {
      const { customerId } = await givenCustomer(); // revision 0
      // A second ProspectRegistered would also break a rule: the stale expectation is what gets reported.
      const res = await append(customerId, { expectedRevision: 'no-stream', events: [prospect()] }).expect(409);
      expect(res.body).toMatchObject({ error: 'revision-conflict', expectedRevision: 'no-stream', actualRevision: 0 });
    });

    it('409 revision-conflict with actualRevision "no-stream" when a revision is expected of a new stream', async () => {
      const customerId = newCustomerId();
      const res = await append(customerId, { expectedRevision: 3, events: [prospect()] }).expect(409);
      expect(res.body).toMatchObject({ error: 'revision-conflict', expectedRevision: 3, actualRevision: 'no-stream' });
    });

    it('accepts "any" and the right revision', async () => {
      const { customerId } = await givenCustomer(); // revision 0
      await append(customerId, { expectedRevision: 'any', events: [mailSent()] }).expect(201);
      await append(customerId, { expectedRevision: 1, events: [mailSent('m-2')] }).expect(201);
    });

    it('without an expectation, concurrent appends all land, each decided on the state it extends', async () => {
      const { customerId } = await givenCustomer();
      appendGate.delayMs = 150;
      try {
        const results = await Promise.all(
          Array.from({ length: 4 }, (_, i) => append(customerId, { events: [mailSent(`m-${i}`), mailSent(`m-${i}b`)] })),
        );
        expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
        expect(results.map((r) => r.body.firstRevision).sort()).toEqual([1, 3, 5, 7]);
      } finally {
        appendGate.delayMs = 0;
      }
    });

    it('keeps the rules under concurrency: of two resolutions of one open complaint exactly one lands', async () => {
      const { customerId } = await givenCustomer(complaintFiled('CP-1'));
      appendGate.delayMs = 150;
      try {
        const results = await Promise.all([
          append(customerId, { events: [complaintResolved('CP-1')] }),
          append(customerId, { events: [complaintResolved('CP-1')] }),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
        expect(results.find((r) => r.status === 422)!.body.details[0].rule).toBe('complaint-not-open');
      } finally {
        appendGate.delayMs = 0;
      }
      expect((await readStream(customerId)).map((e) => e.type)).toEqual(['ProspectRegistered', 'ComplaintFiled', 'ComplaintResolved']);
    });

    it('answers concurrent identical requests once with 201 and once with 200', async () => {
      const customerId = newCustomerId();
      const body = { events: [withId(prospect()), withId(mailSent())] };
      appendGate.delayMs = 150;
      try {
        const results = await Promise.all([append(customerId, body), append(customerId, body)]);
        expect(results.map((r) => r.status).sort()).toEqual([200, 201]);
        expect(results[0].body).toEqual(results[1].body);
      } finally {
        appendGate.delayMs = 0;
      }
      expect(await readStream(customerId)).toHaveLength(2);
    });
  });
});
