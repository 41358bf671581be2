/**
 * Part of the event-store contract (composed by ./event-store.contract): retries by eventId (a no-op or a
 * conflict) and appendMany across several streams.
 */
import { randomUUID } from 'node:crypto';
import { IdempotencyConflictError, RevisionConflictError } from '../errors';
import { idempotencyHash } from '../idempotency';
import { contractEvent, contractStream, rejection, type ContractContext } from './contract-support';

export function describeIdempotencyContract(ctx: ContractContext): void {
  describe('idempotency by eventId', () => {
    it('an identical retry is a no-op answering the original revisions and positions, even with a stale expectation', async () => {
      const stream = contractStream('retry');
      const batch = [contractEvent(), contractEvent('QuoteRequested', { quoteId: 'Q-1', expectedWithinDays: 5 })];
      const original = await ctx.store.appendToStream(stream, 'no-stream', batch);
      await ctx.store.appendToStream(stream, 1, [contractEvent()]); // the expectation 'no-stream' is stale from now on
      const head = await ctx.store.headPosition();
      const retry = await ctx.store.appendToStream(stream, 'no-stream', batch);
      expect(retry).toEqual({ ...original, written: false });
      expect(await ctx.store.headPosition()).toBe(head);
      expect((await ctx.readStream(stream)).map((e) => e.eventId)).toEqual([...batch.map((e) => e.eventId), expect.any(String)]);
    });

    it('a retry differing only in server defaults (metadata outside the idempotency payload) is still a no-op', async () => {
      const stream = contractStream('defaults');
      const event = contractEvent();
      const original = await ctx.store.appendToStream(stream, 'any', [event]);
      const again = { ...event, metadata: { ...event.metadata, recordedAt: 'later', server: 'generated' } };
      expect(await ctx.store.appendToStream(stream, 'any', [again])).toEqual({ ...original, written: false });
    });

    it('concurrent identical appends store the events once and all answer with the same positions', async () => {
      const stream = contractStream('concurrent-retry');
      const batch = [contractEvent(), contractEvent(), contractEvent()];
      const results = await Promise.all(Array.from({ length: 4 }, () => ctx.store.appendToStream(stream, 'any', batch)));
      expect(results.filter((r) => r.written)).toHaveLength(1);
      for (const r of results) expect({ ...r, written: true }).toEqual(results.find((x) => x.written));
      expect(await ctx.readStream(stream)).toHaveLength(3);
    });

    it('a stored eventId with a different payload is a conflict and nothing of the batch is stored', async () => {
      const stream = contractStream('different');
      const event = contractEvent('MailOpened', { mailId: 'M-1' });
      await ctx.store.appendToStream(stream, 'any', [event]);
      const changed = contractEvent('MailOpened', { mailId: 'M-2' }, event.eventId);
      const fresh = contractEvent();
      const err = await rejection(ctx.store.appendToStream(stream, 'any', [fresh, changed]));
      expect(err).toBeInstanceOf(IdempotencyConflictError);
      expect(err).toMatchObject({ code: 'idempotency-conflict' });
      expect((err as IdempotencyConflictError).eventIds).toContain(event.eventId);
      expect(await ctx.store.findByEventIds([fresh.eventId])).toEqual([]);
      expect(await ctx.readStream(stream)).toHaveLength(1);
    });

    it('a batch mixing stored and new eventIds is a conflict and stores nothing', async () => {
      const stream = contractStream('mixed');
      const stored = contractEvent();
      await ctx.store.appendToStream(stream, 'any', [stored]);
      const fresh = contractEvent();
      const err = await rejection(ctx.store.appendToStream(stream, 'any', [stored, fresh]));
      expect(err).toBeInstanceOf(IdempotencyConflictError);
      expect(await ctx.store.findByEventIds([fresh.eventId])).toEqual([]);
      expect(await ctx.store.streamRevision(stream)).toBe(0);
    });

    it('the same eventId twice in one batch is a conflict', async () => {
      const stream = contractStream('duplicate');
      const event = contractEvent();
      const err = await rejection(ctx.store.appendToStream(stream, 'any', [event, event]));
      expect(err).toBeInstanceOf(IdempotencyConflictError);
      expect(await ctx.store.streamRevision(stream)).toBeNull();
    });

    it('a stored eventId re-sent to another stream is a conflict', async () => {
      const event = contractEvent();
      await ctx.store.appendToStream(contractStream('home'), 'any', [event]);
      const other = contractStream('other');
      await expect(ctx.store.appendToStream(other, 'any', [event])).rejects.toBeInstanceOf(IdempotencyConflictError);
      expect(await ctx.store.streamRevision(other)).toBeNull();
    });

    it('findByEventIds returns stored events (any stream) with the hash of their idempotency payload', async () => {
      const a = contractEvent('NpsResponded', { surveyId: 'S-1', score: 9 });
      const b = contractEvent('MailOpened', { mailId: 'M-9' });
      const sa = contractStream('find-a');
      const sb = contractStream('find-b');
      const ra = await ctx.store.appendToStream(sa, 'no-stream', [a]);
      const rb = await ctx.store.appendToStream(sb, 'no-stream', [b]);
      const found = await ctx.store.findByEventIds([b.eventId, a.eventId, randomUUID()]);
      const byId = new Map(found.map((f) => [f.eventId, f]));
      expect(found).toHaveLength(2);
      expect(byId.get(a.eventId)).toMatchObject({ stream: sa, streamRevision: 0, globalPosition: ra.firstPosition, type: 'NpsResponded', data: a.data, payloadHash: idempotencyHash(a.idempotencyPayload) });
      expect(byId.get(b.eventId)).toMatchObject({ stream: sb, globalPosition: rb.firstPosition, payloadHash: idempotencyHash(b.idempotencyPayload) });
      expect(await ctx.store.findByEventIds([])).toEqual([]);
    });
  });

  describe('appendMany', () => {
    it('appends to several streams with one result per stream', async () => {
      const s1 = contractStream('many-1');
      const s2 = contractStream('many-2');
      await ctx.store.appendToStream(s2, 'no-stream', [contractEvent()]);
      const result = await ctx.store.appendMany([
        { stream: s1, expectedRevision: 'no-stream', events: [contractEvent(), contractEvent()] },
        { stream: s2, expectedRevision: 0, events: [contractEvent()] },
      ]);
      expect(result).toMatchObject({ written: true, count: 3 });
      expect(result.streams.map(({ stream, firstRevision, lastRevision }) => ({ stream, firstRevision, lastRevision }))).toEqual([
        { stream: s1, firstRevision: 0, lastRevision: 1 },
        { stream: s2, firstRevision: 1, lastRevision: 1 },
      ]);
      expect(result.firstPosition).toBeLessThan(result.lastPosition);
      const positions = [...(await ctx.readStream(s1)), ...(await ctx.readStream(s2))].map((e) => e.globalPosition).filter((p) => p >= result.firstPosition);
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
      const original = await ctx.store.appendMany(request);
      const retry = await ctx.store.appendMany(request);
      expect(retry).toEqual({ ...original, written: false, streams: original.streams.map((s) => ({ ...s, written: false })) });
      const mixed = [...request, { stream: contractStream('bulk-retry-3'), expectedRevision: 'any' as const, events: [contractEvent()] }];
      await expect(ctx.store.appendMany(mixed)).rejects.toBeInstanceOf(IdempotencyConflictError);
      expect(await ctx.store.streamRevision(mixed[2].stream)).toBeNull();
    });

    if (ctx.contractOptions.atomicAppendMany !== false) {
      it('is all-or-nothing: a conflict on one stream stores nothing on any', async () => {
        const s1 = contractStream('atomic-1');
        const s2 = contractStream('atomic-2');
        await ctx.store.appendToStream(s2, 'no-stream', [contractEvent()]);
        const ok = contractEvent();
        const err = await rejection(
          ctx.store.appendMany([
            { stream: s1, expectedRevision: 'no-stream', events: [ok] },
            { stream: s2, expectedRevision: 'no-stream', events: [contractEvent()] },
          ]),
        );
        expect(err).toBeInstanceOf(RevisionConflictError);
        expect(err).toMatchObject({ stream: s2, expectedRevision: 'no-stream', actualRevision: 0 });
        expect(await ctx.store.streamRevision(s1)).toBeNull();
        expect(await ctx.store.findByEventIds([ok.eventId])).toEqual([]);
      });
    }
  });
}
