/**
 * THE ADAPTER'S LOGIC, NOT THE SERVER: the EventStoreDB hash chain (kc-chain-<stream>) over the in-memory model of
 * the client (testing/eventstoredb-client.model.ts). Checks that reads carry hashes that verify with the same
 * verifier and head the audit uses, that a crash between an append and its links is healed by the next append or
 * read, that racing writers record each link once, and that an altered or missing event is detected. A real
 * server's behaviour is checked only by eventstoredb-event-store.int-spec.ts.
 */
import { computeEventHash, GENESIS_HASH, verifyChainAsync } from '../hash-chain';
import { contractEvent, contractStream } from '../testing';
import { EventStoreDbClientModel } from '../testing/eventstoredb-client.model';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { chainStream, linkEventId } from './eventstoredb-hash-chain';

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

describe('EventStoreDbEventStore over the client model: hash chain', () => {
  let model: EventStoreDbClientModel;
  let store: EventStoreDbEventStore;
  beforeEach(() => {
    model = new EventStoreDbClientModel();
    store = new EventStoreDbEventStore(model, { readPageSize: 4 }); // small pages: links and events span several
  });

  const verify = (stream: string, on = store) => verifyChainAsync(on.readStream(stream), () => on.streamHead(stream));
  const links = async (stream: string) =>
    (await collect(model.readStream(chainStream(stream))).catch(() => [])).map((r) => r.event!.data as { hash: string; previousHash: string });

  async function appendBatches(stream: string, sizes: readonly number[]): Promise<void> {
    let expected: 'no-stream' | number = 'no-stream';
    for (const size of sizes) expected = (await store.appendToStream(stream, expected, Array.from({ length: size }, () => contractEvent()))).lastRevision;
  }

  it('reads carry hash and previousHash as hash-chain.ts defines them over the event as read back', async () => {
    const stream = contractStream('chain');
    await appendBatches(stream, [3, 1, 6]);
    const events = await collect(store.readStream(stream));
    let previous = GENESIS_HASH;
    for (const event of events) {
      expect(event.previousHash).toBe(previous);
      expect(event.hash).toBe(computeEventHash(previous, event));
      previous = event.hash!;
    }
    expect(await store.streamHead(stream)).toEqual({ revision: 9, lastHash: previous });
    expect(await verify(stream)).toMatchObject({ valid: true, events: 10, lastRevision: 9, lastHash: previous });
    expect((await collect(store.readStream(stream, { fromRevision: 5, types: ['MailOpened'] })))[0]).toMatchObject({ streamRevision: 5, hash: events[5].hash });
  });

  it('records each link once, appended with the expected revision, under an id derived from stream, revision and hash', async () => {
    const stream = contractStream('links');
    await appendBatches(stream, [2, 5]);
    const recorded = await collect(model.readStream(chainStream(stream)));
    const events = await collect(store.readStream(stream));
    expect(recorded.map((r) => Number(r.event!.revision))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(recorded.map((r) => r.event!.id)).toEqual(events.map((e) => linkEventId(stream, e.streamRevision, e.hash!)));
  });

  it('a crash between the append and its links is healed by the next read', async () => {
    const stream = contractStream('heal-read');
    await appendBatches(stream, [2]);
    const undo = model.failAppends((s) => s === chainStream(stream));
    await expect(store.appendToStream(stream, 1, [contractEvent(), contractEvent(), contractEvent()])).rejects.toThrow('connection lost');
    undo();
    expect(await links(stream)).toHaveLength(2); // the events are stored, their links are not
    expect(await verify(stream)).toMatchObject({ valid: true, events: 5, lastRevision: 4 });
    expect(await links(stream)).toHaveLength(5);
  });

  it('a crash between the append and its links is healed by the next append to the stream', async () => {
    const stream = contractStream('heal-append');
    const undo = model.failAppends((s) => s === chainStream(stream));
    await expect(store.appendToStream(stream, 'no-stream', [contractEvent(), contractEvent()])).rejects.toThrow();
    undo();
    await store.appendToStream(stream, 1, [contractEvent()]);
    expect(await links(stream)).toHaveLength(3);
    expect(await verify(stream)).toMatchObject({ valid: true, events: 3 });
  });

  it('streams written before the chain existed are chained by their first read', async () => {
    const stream = contractStream('legacy');
    const undo = model.failAppends((s) => s.startsWith('kc-chain-'));
    await appendBatches(stream, [3]).catch(() => undefined);
    await store.appendToStream(stream, 2, [contractEvent()]).catch(() => undefined);
    undo();
    expect(await links(stream)).toEqual([]);
    expect(await verify(stream)).toMatchObject({ valid: true, events: 4 });
  });

  it('racing writers and readers of one stream record every link exactly once', async () => {
    const stream = contractStream('race');
    await appendBatches(stream, [1]);
    const stores = [store, new EventStoreDbEventStore(model, { readPageSize: 3 }), new EventStoreDbEventStore(model, { readPageSize: 5 })];
    await Promise.all(
      stores.flatMap((s, i) => [
        ...Array.from({ length: 4 }, () => s.appendToStream(stream, 'any', [contractEvent(), contractEvent()])),
        collect(s.readStream(stream)),
        s.streamHead(stream),
        i === 0 ? verify(stream, s) : Promise.resolve(),
      ]),
    );
    const recorded = await links(stream);
    expect(recorded).toHaveLength(25);
    expect(await verify(stream, stores[1])).toMatchObject({ valid: true, events: 25 });
  });

  it('detects an event altered after its link was recorded (hash-mismatch at its revision)', async () => {
    const stream = contractStream('altered');
    await appendBatches(stream, [6]);
    model.alterEvent(stream, 3, { mailId: 'M-forged' });
    expect(await verify(stream)).toMatchObject({ valid: false, firstInvalidRevision: 3, reason: 'hash-mismatch' });
  });

  it('detects a missing event in the middle (revision-gap) and a missing last event (the head disagrees)', async () => {
    const middle = contractStream('missing-middle');
    await appendBatches(middle, [5]);
    model.removeEvent(middle, 2);
    expect(await verify(middle)).toMatchObject({ valid: false, firstInvalidRevision: 2, reason: 'revision-gap' });

    const last = contractStream('missing-last');
    await appendBatches(last, [5]);
    model.removeEvent(last, 4);
    expect(await store.streamHead(last)).toMatchObject({ revision: 4 });
    expect(await verify(last)).toMatchObject({ valid: false, firstInvalidRevision: 4, reason: 'revision-gap' });
  });

  it('never chains across a gap: events after a missing unchained one read without hashes', async () => {
    const stream = contractStream('gap');
    const undo = model.failAppends((s) => s.startsWith('kc-chain-'));
    await appendBatches(stream, [4]).catch(() => undefined);
    undo();
    model.removeEvent(stream, 1);
    const events = await collect(store.readStream(stream));
    expect(events.map((e) => [e.streamRevision, e.hash !== undefined])).toEqual([[0, true], [2, false], [3, false]]);
    expect(await verify(stream)).toMatchObject({ valid: false, firstInvalidRevision: 1, reason: 'revision-gap' });
  });
});
