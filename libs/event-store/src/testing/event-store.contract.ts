/**
 * The event-store port's contract, as a jest suite every adapter runs (uses jest globals: test code only).
 *
 *   describeEventStoreContract('PostgresEventStore', async () => ({ store, teardown }));
 *
 * The factory is called once for the suite; tests use their own random stream names, so they share one store and
 * never assume the log is empty (positions are compared relative to what each test appended).
 */
import { randomUUID } from 'node:crypto';
import { waitFor } from '@klantcentraal/testing';
import { IdempotencyConflictError, RevisionConflictError } from '../errors';
import type { EventStore, EventToAppend, RecordedEvent, Subscription } from '../event-store.port';
import { idempotencyHash } from '../idempotency';

export type EventStoreContractFactory = () => Promise<{ store: EventStore; teardown(): Promise<void> }>;

export type EventStoreContractOptions = Readonly<{
  /** false for adapters that document `appendMany` as per-stream (EventStoreDB): skips its all-or-nothing test. */
  atomicAppendMany?: boolean;
  /** How long to wait for a subscription to deliver (default 10 s). */
  deliveryTimeoutMs?: number;
  /**
   * true (default): global positions have no gaps (PostgreSQL). false: strictly increasing with gaps (EventStoreDB's
   * `$all` commit positions); the tests then compare with the positions the store reports instead of counting.
   */
  densePositions?: boolean;
}>;

let streamCounter = 0;
/** A fresh stream name for one test. */
export function contractStream(label: string): string {
  streamCounter += 1;
  return `contract-${label}-${streamCounter}-${randomUUID().slice(0, 8)}`;
}

/** A catalogue-like event; the idempotency payload is what a client would have sent. */
export function contractEvent(
  type = 'MailOpened',
  data: Record<string, unknown> = { mailId: `M-${randomUUID().slice(0, 6)}` },
  eventId: string = randomUUID(),
): EventToAppend {
  const occurredAt = '2026-03-01T10:00:00.000Z';
  const recordedBy = { userId: 'u-17', department: 'service' };
  return {
    eventId,
    type,
    data,
    metadata: { occurredAt, recordedBy, schemaVersion: 1 },
    idempotencyPayload: { type, data, occurredAt, recordedBy },
  };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

export function describeEventStoreContract(name: string, factory: EventStoreContractFactory, contractOptions: EventStoreContractOptions = {}): void {
  const deliveryTimeoutMs = contractOptions.deliveryTimeoutMs ?? 10_000;
  const dense = contractOptions.densePositions ?? true;

  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let teardown: () => Promise<void>;

    beforeAll(async () => {
      ({ store, teardown } = await factory());
    });
    afterAll(async () => {
      await teardown?.();
    });

    const readStream = (stream: string, options?: Parameters<EventStore['readStream']>[1]) => collect(store.readStream(stream, options));

    describe('append and read', () => {
      it('round-trips a batch: revisions from 0, consecutive increasing positions, fields as stored', async () => {
        const stream = contractStream('roundtrip');
        const events = [
          contractEvent('ProspectRegistered', { name: 'Acme BV', size: 'medium', industry: 'logistics' }),
          contractEvent('QuoteSent', { quoteId: 'Q-7', amount: 1200.5, currency: 'EUR' }),
          contractEvent('PurchaseMade', { orderId: 'O-1', lines: [{ sku: 'A-1', quantity: 2, unitPrice: 10 }], total: 20, currency: 'EUR' }),
        ];
        const before = await store.headPosition();
        const result = await store.appendToStream(stream, 'no-stream', events);
        expect(result).toMatchObject({ written: true, firstRevision: 0, lastRevision: 2 });
        expect(result.firstPosition).toBeGreaterThan(before);
        if (dense) expect(result.lastPosition - result.firstPosition).toBe(2);
        else expect(result.lastPosition).toBeGreaterThan(result.firstPosition);

        const read = await readStream(stream);
        expect(read.map((e) => e.streamRevision)).toEqual([0, 1, 2]);
        if (dense) expect(read.map((e) => e.globalPosition)).toEqual([result.firstPosition, result.firstPosition + 1, result.lastPosition]);
        else {
          expect([read[0].globalPosition, read[2].globalPosition]).toEqual([result.firstPosition, result.lastPosition]);
          expect(read[1].globalPosition > read[0].globalPosition && read[2].globalPosition > read[1].globalPosition).toBe(true);
        }
        read.forEach((e, i) => {
          expect(e.eventId).toBe(events[i].eventId);
          expect(e.stream).toBe(stream);
          expect(e.type).toBe(events[i].type);
          expect(e.data).toEqual(events[i].data);
          expect(e.metadata).toEqual(events[i].metadata);
          expect(e.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
          expect(Number.isNaN(Date.parse(e.recordedAt))).toBe(false);
        });
        expect(await store.streamRevision(stream)).toBe(2);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(result.lastPosition);
      });

      it('continues the revisions of an existing stream and reads an unknown stream as empty', async () => {
        const stream = contractStream('continue');
        await store.appendToStream(stream, 'no-stream', [contractEvent(), contractEvent()]);
        const second = await store.appendToStream(stream, 1, [contractEvent(), contractEvent(), contractEvent()]);
        expect(second).toMatchObject({ written: true, firstRevision: 2, lastRevision: 4 });
        expect((await readStream(stream)).map((e) => e.streamRevision)).toEqual([0, 1, 2, 3, 4]);
        const unknown = contractStream('unknown');
        expect(await readStream(unknown)).toEqual([]);
        expect(await store.streamRevision(unknown)).toBeNull();
      });

      it('reads a stream from a revision, up to a position, and filtered by type (revisions keep their gaps)', async () => {
        const stream = contractStream('options');
        const r1 = await store.appendToStream(stream, 'no-stream', [contractEvent('MailSent', { mailId: 'M-1' }), contractEvent('MailOpened', { mailId: 'M-1' })]);
        await store.appendToStream(stream, 1, [contractEvent('MailClicked', { mailId: 'M-1', url: 'https://example.com' }), contractEvent('MailOpened', { mailId: 'M-1' })]);
        expect((await readStream(stream, { fromRevision: 2 })).map((e) => e.streamRevision)).toEqual([2, 3]);
        expect((await readStream(stream, { toPosition: r1.lastPosition })).map((e) => e.streamRevision)).toEqual([0, 1]);
        expect((await readStream(stream, { types: ['MailOpened'] })).map((e) => e.streamRevision)).toEqual([1, 3]);
        expect((await readStream(stream, { types: ['MailOpened'], fromRevision: 2 })).map((e) => e.streamRevision)).toEqual([3]);
      });

      it('reads a long stream completely and in order (paged)', async () => {
        const stream = contractStream('long');
        let expected: 'no-stream' | number = 'no-stream';
        for (let batch = 0; batch < 5; batch++) {
          const result = await store.appendToStream(stream, expected, Array.from({ length: 500 }, () => contractEvent()));
          expected = result.lastRevision;
        }
        const read = await readStream(stream);
        expect(read).toHaveLength(2500);
        read.forEach((e, i) => expect(e.streamRevision).toBe(i));
        for (let i = 1; i < read.length; i++) expect(read[i].globalPosition).toBeGreaterThan(read[i - 1].globalPosition);
      });
    });

    describe('expected revision', () => {
      it("'any' appends to a new and to an existing stream", async () => {
        const stream = contractStream('any');
        expect(await store.appendToStream(stream, 'any', [contractEvent()])).toMatchObject({ firstRevision: 0, lastRevision: 0 });
        expect(await store.appendToStream(stream, 'any', [contractEvent(), contractEvent()])).toMatchObject({ firstRevision: 1, lastRevision: 2 });
      });

      it("'no-stream' on an existing stream is a conflict with the actual revision, and stores nothing", async () => {
        const stream = contractStream('nostream');
        await store.appendToStream(stream, 'no-stream', [contractEvent(), contractEvent()]);
        const attempt = contractEvent();
        const err = await rejection(store.appendToStream(stream, 'no-stream', [attempt]));
        expect(err).toBeInstanceOf(RevisionConflictError);
        expect(err).toMatchObject({ code: 'revision-conflict', stream, expectedRevision: 'no-stream', actualRevision: 1 });
        expect(await store.streamRevision(stream)).toBe(1);
        expect(await store.findByEventIds([attempt.eventId])).toEqual([]);
      });

      it('n matching the last revision appends; a stale n is a conflict and the whole batch is not stored', async () => {
        const stream = contractStream('stale');
        await store.appendToStream(stream, 'no-stream', [contractEvent(), contractEvent(), contractEvent()]);
        expect(await store.appendToStream(stream, 2, [contractEvent()])).toMatchObject({ firstRevision: 3, lastRevision: 3 });
        const batch = [contractEvent(), contractEvent(), contractEvent()];
        const head = await store.headPosition();
        const err = await rejection(store.appendToStream(stream, 2, batch));
        expect(err).toBeInstanceOf(RevisionConflictError);
        expect(err).toMatchObject({ stream, expectedRevision: 2, actualRevision: 3 });
        expect((await readStream(stream)).map((e) => e.streamRevision)).toEqual([0, 1, 2, 3]);
        expect(await store.findByEventIds(batch.map((e) => e.eventId))).toEqual([]);
        // Nothing written by the failed batch may show up in the global log either.
        const after = await store.readAll(head, 10_000);
        expect(after.filter((e) => batch.some((b) => b.eventId === e.eventId))).toEqual([]);
      });

      it('n on a stream that does not exist is a conflict with actual null', async () => {
        const stream = contractStream('missing');
        const err = await rejection(store.appendToStream(stream, 0, [contractEvent()]));
        expect(err).toBeInstanceOf(RevisionConflictError);
        expect(err).toMatchObject({ stream, expectedRevision: 0, actualRevision: null });
        expect(await store.streamRevision(stream)).toBeNull();
        expect(await readStream(stream)).toEqual([]);
      });

      it('of concurrent appends with the same expectation exactly one wins', async () => {
        const stream = contractStream('race');
        await store.appendToStream(stream, 'no-stream', [contractEvent()]);
        const results = await Promise.allSettled(Array.from({ length: 5 }, () => store.appendToStream(stream, 0, [contractEvent(), contractEvent()])));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
          expect(r.reason).toBeInstanceOf(RevisionConflictError);
        }
        expect((await readStream(stream)).map((e) => e.streamRevision)).toEqual([0, 1, 2]);
      });
    });

    describe('idempotency by eventId', () => {
      it('an identical retry is a no-op answering the original revisions and positions, even with a stale expectation', async () => {
        const stream = contractStream('retry');
        const batch = [contractEvent(), contractEvent('QuoteRequested', { quoteId: 'Q-1', expectedWithinDays: 5 })];
        const original = await store.appendToStream(stream, 'no-stream', batch);
        await store.appendToStream(stream, 1, [contractEvent()]); // the expectation 'no-stream' is stale from now on
        const head = await store.headPosition();
        const retry = await store.appendToStream(stream, 'no-stream', batch);
        expect(retry).toEqual({ ...original, written: false });
        expect(await store.headPosition()).toBe(head);
        expect((await readStream(stream)).map((e) => e.eventId)).toEqual([...batch.map((e) => e.eventId), expect.any(String)]);
      });

      it('a retry differing only in server defaults (metadata outside the idempotency payload) is still a no-op', async () => {
        const stream = contractStream('defaults');
        const event = contractEvent();
        const original = await store.appendToStream(stream, 'any', [event]);
        const again = { ...event, metadata: { ...event.metadata, recordedAt: 'later', server: 'generated' } };
        expect(await store.appendToStream(stream, 'any', [again])).toEqual({ ...original, written: false });
      });

      it('concurrent identical appends store the events once and all answer with the same positions', async () => {
        const stream = contractStream('concurrent-retry');
        const batch = [contractEvent(), contractEvent(), contractEvent()];
        const results = await Promise.all(Array.from({ length: 4 }, () => store.appendToStream(stream, 'any', batch)));
        expect(results.filter((r) => r.written)).toHaveLength(1);
        for (const r of results) expect({ ...r, written: true }).toEqual(results.find((x) => x.written));
        expect(await readStream(stream)).toHaveLength(3);
      });

      it('a stored eventId with a different payload is a conflict and nothing of the batch is stored', async () => {
        const stream = contractStream('different');
        const event = contractEvent('MailOpened', { mailId: 'M-1' });
        await store.appendToStream(stream, 'any', [event]);
        const changed = contractEvent('MailOpened', { mailId: 'M-2' }, event.eventId);
        const fresh = contractEvent();
        const err = await rejection(store.appendToStream(stream, 'any', [fresh, changed]));
        expect(err).toBeInstanceOf(IdempotencyConflictError);
        expect(err).toMatchObject({ code: 'idempotency-conflict' });
        expect((err as IdempotencyConflictError).eventIds).toContain(event.eventId);
        expect(await store.findByEventIds([fresh.eventId])).toEqual([]);
        expect(await readStream(stream)).toHaveLength(1);
      });

      it('a batch mixing stored and new eventIds is a conflict and stores nothing', async () => {
        const stream = contractStream('mixed');
        const stored = contractEvent();
        await store.appendToStream(stream, 'any', [stored]);
        const fresh = contractEvent();
        const err = await rejection(store.appendToStream(stream, 'any', [stored, fresh]));
        expect(err).toBeInstanceOf(IdempotencyConflictError);
        expect(await store.findByEventIds([fresh.eventId])).toEqual([]);
        expect(await store.streamRevision(stream)).toBe(0);
      });

      it('the same eventId twice in one batch is a conflict', async () => {
        const stream = contractStream('duplicate');
        const event = contractEvent();
        const err = await rejection(store.appendToStream(stream, 'any', [event, event]));
        expect(err).toBeInstanceOf(IdempotencyConflictError);
        expect(await store.streamRevision(stream)).toBeNull();
      });

      it('a stored eventId re-sent to another stream is a conflict', async () => {
        const event = contractEvent();
        await store.appendToStream(contractStream('home'), 'any', [event]);
        const other = contractStream('other');
        await expect(store.appendToStream(other, 'any', [event])).rejects.toBeInstanceOf(IdempotencyConflictError);
        expect(await store.streamRevision(other)).toBeNull();
      });

      it('findByEventIds returns stored events (any stream) with the hash of their idempotency payload', async () => {
        const a = contractEvent('NpsResponded', { surveyId: 'S-1', score: 9 });
        const b = contractEvent('MailOpened', { mailId: 'M-9' });
        const sa = contractStream('find-a');
        const sb = contractStream('find-b');
        const ra = await store.appendToStream(sa, 'no-stream', [a]);
        const rb = await store.appendToStream(sb, 'no-stream', [b]);
        const found = await store.findByEventIds([b.eventId, a.eventId, randomUUID()]);
        const byId = new Map(found.map((f) => [f.eventId, f]));
        expect(found).toHaveLength(2);
        expect(byId.get(a.eventId)).toMatchObject({ stream: sa, streamRevision: 0, globalPosition: ra.firstPosition, type: 'NpsResponded', data: a.data, payloadHash: idempotencyHash(a.idempotencyPayload) });
        expect(byId.get(b.eventId)).toMatchObject({ stream: sb, globalPosition: rb.firstPosition, payloadHash: idempotencyHash(b.idempotencyPayload) });
        expect(await store.findByEventIds([])).toEqual([]);
      });
    });

    describe('appendMany', () => {
      it('appends to several streams with one result per stream', async () => {
        const s1 = contractStream('many-1');
        const s2 = contractStream('many-2');
        await store.appendToStream(s2, 'no-stream', [contractEvent()]);
        const result = await store.appendMany([
          { stream: s1, expectedRevision: 'no-stream', events: [contractEvent(), contractEvent()] },
          { stream: s2, expectedRevision: 0, events: [contractEvent()] },
        ]);
        expect(result).toMatchObject({ written: true, count: 3 });
        expect(result.streams.map(({ stream, firstRevision, lastRevision }) => ({ stream, firstRevision, lastRevision }))).toEqual([
          { stream: s1, firstRevision: 0, lastRevision: 1 },
          { stream: s2, firstRevision: 1, lastRevision: 1 },
        ]);
        expect(result.firstPosition).toBeLessThan(result.lastPosition);
        const positions = [...(await readStream(s1)), ...(await readStream(s2))].map((e) => e.globalPosition).filter((p) => p >= result.firstPosition);
        expect(positions.every((p) => p >= result.firstPosition && p <= result.lastPosition)).toBe(true);
        expect(positions).toHaveLength(3);
      });

      it('an identical retry of a bulk append is a no-op with the original positions; a mixed one is a conflict', async () => {
        const s1 = contractStream('bulk-retry-1');
        const s2 = contractStream('bulk-retry-2');
        const request = [
          { stream: s1, expectedRevision: 'no-stream' as const, events: [contractEvent()] },
          { stream: s2, expectedRevision: 'no-stream' as const, events: [contractEvent(), contractEvent()] },
        ];
        const original = await store.appendMany(request);
        const retry = await store.appendMany(request);
        expect(retry).toEqual({ ...original, written: false, streams: original.streams.map((s) => ({ ...s, written: false })) });
        const mixed = [...request, { stream: contractStream('bulk-retry-3'), expectedRevision: 'any' as const, events: [contractEvent()] }];
        await expect(store.appendMany(mixed)).rejects.toBeInstanceOf(IdempotencyConflictError);
        expect(await store.streamRevision(mixed[2].stream)).toBeNull();
      });

      if (contractOptions.atomicAppendMany !== false) {
        it('is all-or-nothing: a conflict on one stream stores nothing on any', async () => {
          const s1 = contractStream('atomic-1');
          const s2 = contractStream('atomic-2');
          await store.appendToStream(s2, 'no-stream', [contractEvent()]);
          const ok = contractEvent();
          const err = await rejection(
            store.appendMany([
              { stream: s1, expectedRevision: 'no-stream', events: [ok] },
              { stream: s2, expectedRevision: 'no-stream', events: [contractEvent()] },
            ]),
          );
          expect(err).toBeInstanceOf(RevisionConflictError);
          expect(err).toMatchObject({ stream: s2, expectedRevision: 'no-stream', actualRevision: 0 });
          expect(await store.streamRevision(s1)).toBeNull();
          expect(await store.findByEventIds([ok.eventId])).toEqual([]);
        });
      }
    });

    describe('global log', () => {
      it('readAll is ascending, strictly increasing, exclusive of fromPosition, limited, and ends at the head', async () => {
        const stream = contractStream('readall');
        const result = await store.appendToStream(stream, 'no-stream', Array.from({ length: 7 }, () => contractEvent()));
        const page = await store.readAll(result.firstPosition - 1, 5);
        const expected = dense
          ? [0, 1, 2, 3, 4].map((i) => result.firstPosition + i)
          : (await readStream(stream)).slice(0, 5).map((e) => e.globalPosition);
        expect(page.map((e) => e.globalPosition)).toEqual(expected);
        expect(page.every((e) => e.stream === stream)).toBe(true);
        const all: RecordedEvent[] = [];
        for (let from = 0; ; ) {
          const next = await store.readAll(from, 1000);
          if (next.length === 0) break;
          expect(next.length).toBeLessThanOrEqual(1000);
          all.push(...next);
          from = next[next.length - 1].globalPosition;
        }
        for (let i = 1; i < all.length; i++) expect(all[i].globalPosition).toBeGreaterThan(all[i - 1].globalPosition);
        expect(all.filter((e) => e.stream === stream).map((e) => e.streamRevision)).toEqual([0, 1, 2, 3, 4, 5, 6]);
        expect(all[all.length - 1].globalPosition).toBe(await store.headPosition());
        expect(await store.readAll(await store.headPosition(), 10)).toEqual([]);
      });
    });

    describe('subscribeToAll', () => {
      const subscriptions: Subscription[] = [];
      afterEach(async () => {
        await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
      });

      it('catches up from a position, then delivers live appends, in order and in batches of at most batchSize', async () => {
        const stream = contractStream('subscribe');
        const from = await store.headPosition();
        await store.appendToStream(stream, 'no-stream', Array.from({ length: 5 }, () => contractEvent()));
        const received: RecordedEvent[] = [];
        const batchSizes: number[] = [];
        let caughtUp: number | null = null;
        const sub = store.subscribeToAll({
          fromPosition: from,
          batchSize: 2,
          onEvents: async (events) => {
            batchSizes.push(events.length);
            received.push(...events);
          },
          onCaughtUp: (position) => (caughtUp = position),
        });
        subscriptions.push(sub);
        const mine = () => received.filter((e) => e.stream === stream);
        await waitFor('catch-up', () => mine().length === 5, deliveryTimeoutMs);
        await waitFor('onCaughtUp', () => caughtUp !== null, deliveryTimeoutMs);
        const live = await store.appendToStream(stream, 4, [contractEvent(), contractEvent(), contractEvent()]);
        await waitFor('live events', () => mine().length === 8, deliveryTimeoutMs);
        expect(mine().map((e) => e.streamRevision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        if (dense) expect(received[0].globalPosition).toBe(from + 1);
        else expect(received[0].globalPosition).toBeGreaterThan(from);
        for (let i = 1; i < received.length; i++) expect(received[i].globalPosition).toBeGreaterThan(received[i - 1].globalPosition);
        expect(Math.max(...batchSizes)).toBeLessThanOrEqual(2);
        expect(mine()[7].globalPosition).toBe(live.lastPosition);
      });

      it('from position 0 delivers the whole log exactly once in ascending order', async () => {
        await store.appendToStream(contractStream('from-zero'), 'any', [contractEvent()]);
        const head = await store.headPosition();
        const received: number[] = [];
        const sub = store.subscribeToAll({ fromPosition: 0, onEvents: async (events) => void received.push(...events.map((e) => e.globalPosition)) });
        subscriptions.push(sub);
        await waitFor('the whole log', () => received.length > 0 && received[received.length - 1] >= head, deliveryTimeoutMs);
        const all: number[] = [];
        for (let from = 0; ; ) {
          const next = await store.readAll(from, 1000);
          if (next.length === 0) break;
          all.push(...next.map((e) => e.globalPosition));
          from = next[next.length - 1].globalPosition;
        }
        expect(received.slice(0, all.length)).toEqual(all);
      });

      it('delivers batches sequentially: the next batch only after onEvents resolved', async () => {
        const stream = contractStream('sequential');
        const from = await store.headPosition();
        await store.appendToStream(stream, 'no-stream', Array.from({ length: 6 }, () => contractEvent()));
        let active = 0;
        let maxActive = 0;
        let count = 0;
        const sub = store.subscribeToAll({
          fromPosition: from,
          batchSize: 2,
          onEvents: async (events) => {
            active += 1;
            maxActive = Math.max(maxActive, active);
            await new Promise((r) => setTimeout(r, 20));
            count += events.filter((e) => e.stream === stream).length;
            active -= 1;
          },
        });
        subscriptions.push(sub);
        await waitFor('six events', () => count === 6, deliveryTimeoutMs);
        expect(maxActive).toBe(1);
      });

      it('stop() ends the subscription: done resolves and later appends are not delivered', async () => {
        const stream = contractStream('stop');
        const from = await store.headPosition();
        const received: RecordedEvent[] = [];
        const sub = store.subscribeToAll({ fromPosition: from, onEvents: async (events) => void received.push(...events) });
        await store.appendToStream(stream, 'no-stream', [contractEvent()]);
        await waitFor('first event', () => received.some((e) => e.stream === stream), deliveryTimeoutMs);
        await sub.stop();
        await expect(sub.done).resolves.toBeUndefined();
        await store.appendToStream(stream, 0, [contractEvent()]);
        await new Promise((r) => setTimeout(r, 300));
        expect(received.filter((e) => e.stream === stream)).toHaveLength(1);
        await sub.stop(); // idempotent
      });

      it('an error thrown by onEvents rejects done', async () => {
        const from = await store.headPosition();
        await store.appendToStream(contractStream('failing'), 'no-stream', [contractEvent()]);
        const sub = store.subscribeToAll({
          fromPosition: from,
          onEvents: async () => {
            throw new Error('projection failed');
          },
        });
        subscriptions.push(sub);
        await expect(sub.done).rejects.toThrow('projection failed');
      });
    });
  });
}
