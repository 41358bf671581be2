/**
 * Part of the event-store contract (composed by ./event-store.contract): appending to and reading one stream,
 * and the expected-revision check that guards appends.
 */
import { RevisionConflictError } from '../errors';
import { contractEvent, contractStream, rejection, type ContractContext } from './contract-support';

export function describeAppendContract(ctx: ContractContext): void {
  describe('append and read', () => {
    it('round-trips a batch: revisions from 0, consecutive increasing positions, fields as stored', async () => {
      const stream = contractStream('roundtrip');
      const events = [
        contractEvent('ProspectRegistered', { name: 'Acme BV', size: 'medium', industry: 'logistics' }),
        contractEvent('QuoteSent', { quoteId: 'Q-7', amount: 1200.5, currency: 'EUR' }),
        contractEvent('PurchaseMade', { orderId: 'O-1', lines: [{ sku: 'A-1', quantity: 2, unitPrice: 10 }], total: 20, currency: 'EUR' }),
      ];
      const before = await ctx.store.headPosition();
      const result = await ctx.store.appendToStream(stream, 'no-stream', events);
      expect(result).toMatchObject({ written: true, firstRevision: 0, lastRevision: 2 });
      expect(result.firstPosition).toBeGreaterThan(before);
      if (ctx.dense) expect(result.lastPosition - result.firstPosition).toBe(2);
      else expect(result.lastPosition).toBeGreaterThan(result.firstPosition);

      const read = await ctx.readStream(stream);
      expect(read.map((e) => e.streamRevision)).toEqual([0, 1, 2]);
      if (ctx.dense) expect(read.map((e) => e.globalPosition)).toEqual([result.firstPosition, result.firstPosition + 1, result.lastPosition]);
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
      expect(await ctx.store.streamRevision(stream)).toBe(2);
      expect(await ctx.store.headPosition()).toBeGreaterThanOrEqual(result.lastPosition);
    });

    it('continues the revisions of an existing stream and reads an unknown stream as empty', async () => {
      const stream = contractStream('continue');
      await ctx.store.appendToStream(stream, 'no-stream', [contractEvent(), contractEvent()]);
      const second = await ctx.store.appendToStream(stream, 1, [contractEvent(), contractEvent(), contractEvent()]);
      expect(second).toMatchObject({ written: true, firstRevision: 2, lastRevision: 4 });
      expect((await ctx.readStream(stream)).map((e) => e.streamRevision)).toEqual([0, 1, 2, 3, 4]);
      const unknown = contractStream('unknown');
      expect(await ctx.readStream(unknown)).toEqual([]);
      expect(await ctx.store.streamRevision(unknown)).toBeNull();
    });

    it('reads a stream from a revision, up to a position, and filtered by type (revisions keep their gaps)', async () => {
      const stream = contractStream('options');
      const r1 = await ctx.store.appendToStream(stream, 'no-stream', [contractEvent('MailSent', { mailId: 'M-1' }), contractEvent('MailOpened', { mailId: 'M-1' })]);
      await ctx.store.appendToStream(stream, 1, [contractEvent('MailClicked', { mailId: 'M-1', url: 'https://example.com' }), contractEvent('MailOpened', { mailId: 'M-1' })]);
      expect((await ctx.readStream(stream, { fromRevision: 2 })).map((e) => e.streamRevision)).toEqual([2, 3]);
      expect((await ctx.readStream(stream, { toPosition: r1.lastPosition })).map((e) => e.streamRevision)).toEqual([0, 1]);
      expect((await ctx.readStream(stream, { types: ['MailOpened'] })).map((e) => e.streamRevision)).toEqual([1, 3]);
      expect((await ctx.readStream(stream, { types: ['MailOpened'], fromRevision: 2 })).map((e) => e.streamRevision)).toEqual([3]);
    });

    it('reads a long stream completely and in order (paged)', async () => {
      const stream = contractStream('long');
      let expected: 'no-stream' | number = 'no-stream';
      for (let batch = 0; batch < 5; batch++) {
        const result = await ctx.store.appendToStream(stream, expected, Array.from({ length: 500 }, () => contractEvent()));
        expected = result.lastRevision;
      }
      const read = await ctx.readStream(stream);
      expect(read).toHaveLength(2500);
      read.forEach((e, i) => expect(e.streamRevision).toBe(i));
      for (let i = 1; i < read.length; i++) expect(read[i].globalPosition).toBeGreaterThan(read[i - 1].globalPosition);
    });
  });

  describe('expected revision', () => {
    it("'any' appends to a new and to an existing stream", async () => {
      const stream = contractStream('any');
      expect(await ctx.store.appendToStream(stream, 'any', [contractEvent()])).toMatchObject({ firstRevision: 0, lastRevision: 0 });
      expect(await ctx.store.appendToStream(stream, 'any', [contractEvent(), contractEvent()])).toMatchObject({ firstRevision: 1, lastRevision: 2 });
    });

    it("'no-stream' on an existing stream is a conflict with the actual revision, and stores nothing", async () => {
      const stream = contractStream('nostream');
      await ctx.store.appendToStream(stream, 'no-stream', [contractEvent(), contractEvent()]);
      const attempt = contractEvent();
      const err = await rejection(ctx.store.appendToStream(stream, 'no-stream', [attempt]));
      expect(err).toBeInstanceOf(RevisionConflictError);
      expect(err).toMatchObject({ code: 'revision-conflict', stream, expectedRevision: 'no-stream', actualRevision: 1 });
      expect(await ctx.store.streamRevision(stream)).toBe(1);
      expect(await ctx.store.findByEventIds([attempt.eventId])).toEqual([]);
    });

    it('n matching the last revision appends; a stale n is a conflict and the whole batch is not stored', async () => {
      const stream = contractStream('stale');
      await ctx.store.appendToStream(stream, 'no-stream', [contractEvent(), contractEvent(), contractEvent()]);
      expect(await ctx.store.appendToStream(stream, 2, [contractEvent()])).toMatchObject({ firstRevision: 3, lastRevision: 3 });
      const batch = [contractEvent(), contractEvent(), contractEvent()];
      const head = await ctx.store.headPosition();
      const err = await rejection(ctx.store.appendToStream(stream, 2, batch));
      expect(err).toBeInstanceOf(RevisionConflictError);
      expect(err).toMatchObject({ stream, expectedRevision: 2, actualRevision: 3 });
      expect((await ctx.readStream(stream)).map((e) => e.streamRevision)).toEqual([0, 1, 2, 3]);
      expect(await ctx.store.findByEventIds(batch.map((e) => e.eventId))).toEqual([]);
      // Nothing written by the failed batch may show up in the global log either.
      const after = await ctx.store.readAll(head, 10_000);
      expect(after.filter((e) => batch.some((b) => b.eventId === e.eventId))).toEqual([]);
    });

    it('n on a stream that does not exist is a conflict with actual null', async () => {
      const stream = contractStream('missing');
      const err = await rejection(ctx.store.appendToStream(stream, 0, [contractEvent()]));
      expect(err).toBeInstanceOf(RevisionConflictError);
      expect(err).toMatchObject({ stream, expectedRevision: 0, actualRevision: null });
      expect(await ctx.store.streamRevision(stream)).toBeNull();
      expect(await ctx.readStream(stream)).toEqual([]);
    });

    it('of concurrent appends with the same expectation exactly one wins', async () => {
      const stream = contractStream('race');
      await ctx.store.appendToStream(stream, 'no-stream', [contractEvent()]);
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => ctx.store.appendToStream(stream, 0, [contractEvent(), contractEvent()])));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        expect(r.reason).toBeInstanceOf(RevisionConflictError);
      }
      expect((await ctx.readStream(stream)).map((e) => e.streamRevision)).toEqual([0, 1, 2]);
    });
  });
}
