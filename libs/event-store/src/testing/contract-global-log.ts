/**
 * Part of the event-store contract (composed by ./event-store.contract): the global log: readAll paging and
 * subscribeToAll delivery, catch-up and failure.
 */
import { waitFor } from '@klantcentraal/testing';
import type { RecordedEvent, Subscription } from '../event-store.port';
import { contractEvent, contractStream, type ContractContext } from './contract-support';

export function describeGlobalLogContract(ctx: ContractContext): void {
  describe('global log', () => {
    it('readAll is ascending, strictly increasing, exclusive of fromPosition, limited, and ends at the head', async () => {
      const stream = contractStream('readall');
      const result = await ctx.store.appendToStream(stream, 'no-stream', Array.from({ length: 7 }, () => contractEvent()));
      const page = await ctx.store.readAll(result.firstPosition - 1, 5);
      const expected = ctx.dense
        ? [0, 1, 2, 3, 4].map((i) => result.firstPosition + i)
        : (await ctx.readStream(stream)).slice(0, 5).map((e) => e.globalPosition);
      expect(page.map((e) => e.globalPosition)).toEqual(expected);
      expect(page.every((e) => e.stream === stream)).toBe(true);
      const all: RecordedEvent[] = [];
      for (let from = 0; ; ) {
        const next = await ctx.store.readAll(from, 1000);
        if (next.length === 0) break;
        expect(next.length).toBeLessThanOrEqual(1000);
        all.push(...next);
        from = next[next.length - 1].globalPosition;
      }
      for (let i = 1; i < all.length; i++) expect(all[i].globalPosition).toBeGreaterThan(all[i - 1].globalPosition);
      expect(all.filter((e) => e.stream === stream).map((e) => e.streamRevision)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(all[all.length - 1].globalPosition).toBe(await ctx.store.headPosition());
      expect(await ctx.store.readAll(await ctx.store.headPosition(), 10)).toEqual([]);
    });

    it('readAll with hashes: false gives the same events, at most without hash and previousHash', async () => {
      const stream = contractStream('readall-unhashed');
      const result = await ctx.store.appendToStream(stream, 'no-stream', Array.from({ length: 4 }, () => contractEvent()));
      const withHashes = await ctx.store.readAll(result.firstPosition - 1, 4);
      const without = await ctx.store.readAll(result.firstPosition - 1, 4, { hashes: false });
      const unhashed = ({ hash: _hash, previousHash: _previous, ...event }: RecordedEvent) => event;
      expect(without.map(unhashed)).toEqual(withHashes.map(unhashed));
      expect(without.length).toBe(4);
    });
  });

  describe('subscribeToAll', () => {
    const subscriptions: Subscription[] = [];
    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    });

    it('catches up from a position, then delivers live appends, in order and in batches of at most batchSize', async () => {
      const stream = contractStream('subscribe');
      const from = await ctx.store.headPosition();
      await ctx.store.appendToStream(stream, 'no-stream', Array.from({ length: 5 }, () => contractEvent()));
      const received: RecordedEvent[] = [];
      const batchSizes: number[] = [];
      let caughtUp: number | null = null;
      const sub = ctx.store.subscribeToAll({
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
      await waitFor('catch-up', () => mine().length === 5, ctx.deliveryTimeoutMs);
      await waitFor('onCaughtUp', () => caughtUp !== null, ctx.deliveryTimeoutMs);
      const live = await ctx.store.appendToStream(stream, 4, [contractEvent(), contractEvent(), contractEvent()]);
      await waitFor('live events', () => mine().length === 8, ctx.deliveryTimeoutMs);
      expect(mine().map((e) => e.streamRevision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      if (ctx.dense) expect(received[0].globalPosition).toBe(from + 1);
      else expect(received[0].globalPosition).toBeGreaterThan(from);
      for (let i = 1; i < received.length; i++) expect(received[i].globalPosition).toBeGreaterThan(received[i - 1].globalPosition);
      expect(Math.max(...batchSizes)).toBeLessThanOrEqual(2);
      expect(mine()[7].globalPosition).toBe(live.lastPosition);
    });

    it('from position 0 delivers the whole log exactly once in ascending order', async () => {
      await ctx.store.appendToStream(contractStream('from-zero'), 'any', [contractEvent()]);
      const head = await ctx.store.headPosition();
      const received: number[] = [];
      const sub = ctx.store.subscribeToAll({ fromPosition: 0, onEvents: async (events) => void received.push(...events.map((e) => e.globalPosition)) });
      subscriptions.push(sub);
      await waitFor('the whole log', () => received.length > 0 && received[received.length - 1] >= head, ctx.deliveryTimeoutMs);
      const all: number[] = [];
      for (let from = 0; ; ) {
        const next = await ctx.store.readAll(from, 1000);
        if (next.length === 0) break;
        all.push(...next.map((e) => e.globalPosition));
        from = next[next.length - 1].globalPosition;
      }
      expect(received.slice(0, all.length)).toEqual(all);
    });

    it('delivers batches sequentially: the next batch only after onEvents resolved', async () => {
      const stream = contractStream('sequential');
      const from = await ctx.store.headPosition();
      await ctx.store.appendToStream(stream, 'no-stream', Array.from({ length: 6 }, () => contractEvent()));
      let active = 0;
      let maxActive = 0;
      let count = 0;
      const sub = ctx.store.subscribeToAll({
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
      await waitFor('six events', () => count === 6, ctx.deliveryTimeoutMs);
      expect(maxActive).toBe(1);
    });

    it('stop() ends the subscription: done resolves and later appends are not delivered', async () => {
      const stream = contractStream('stop');
      const from = await ctx.store.headPosition();
      const received: RecordedEvent[] = [];
      const sub = ctx.store.subscribeToAll({ fromPosition: from, onEvents: async (events) => void received.push(...events) });
      await ctx.store.appendToStream(stream, 'no-stream', [contractEvent()]);
      await waitFor('first event', () => received.some((e) => e.stream === stream), ctx.deliveryTimeoutMs);
      await sub.stop();
      await expect(sub.done).resolves.toBeUndefined();
      await ctx.store.appendToStream(stream, 0, [contractEvent()]);
      await new Promise((r) => setTimeout(r, 300));
      expect(received.filter((e) => e.stream === stream)).toHaveLength(1);
      await sub.stop(); // idempotent
    });

    it('an error thrown by onEvents rejects done', async () => {
      const from = await ctx.store.headPosition();
      await ctx.store.appendToStream(contractStream('failing'), 'no-stream', [contractEvent()]);
      const sub = ctx.store.subscribeToAll({
        fromPosition: from,
        onEvents: async () => {
          throw new Error('projection failed');
        },
      });
      subscriptions.push(sub);
      await expect(sub.done).rejects.toThrow('projection failed');
    });
  });
}
