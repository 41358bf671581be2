/**
 * THE ADAPTER'S LOGIC, NOT THE SERVER: EventStoreDbEventStore over EventStoreDbClientModel, an in-memory model of the
 * few client calls it makes (testing/eventstoredb-client.model.ts). What passes here shows that claims, idempotent
 * answers, paging, positions and the per-stream bulk behave as the port's contract says GIVEN the modelled server
 * behaviour; whether a real EventStoreDB behaves like the model is what eventstoredb-event-store.int-spec.ts checks
 * against a real server (where one can be had). Same contract suite as the PostgreSQL store, plus crash cases of the
 * claims and the bulk write that no server run could stage. Hash-chain cases: eventstoredb-hash-chain.spec.ts.
 */
import { randomUUID } from 'node:crypto';
import { IdempotencyConflictError, RevisionConflictError } from '../errors';
import { idempotencyHash } from '../idempotency';
import { describeEventStoreContract, contractEvent, contractStream } from '../testing';
import { EventStoreDbClientModel } from '../testing/eventstoredb-client.model';
import { claimStream } from './eventstoredb-claims';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

/** A store over a fresh model with a server's own events in `$all` around ours. */
function storeOverModel(): { model: EventStoreDbClientModel; store: EventStoreDbEventStore } {
  const model = new EventStoreDbClientModel();
  model.writeSystemEvent('$scavenges');
  return { model, store: new EventStoreDbEventStore(model, { readPageSize: 50, pollIntervalMs: 20 }) };
}

describeEventStoreContract(
  'EventStoreDbEventStore over the client model',
  async () => {
    const { store } = storeOverModel();
    return { store, teardown: () => store.close() };
  },
  { atomicAppendMany: false, densePositions: false },
);

describe('EventStoreDbEventStore over the client model: event id claims', () => {
  let model: EventStoreDbClientModel;
  let store: EventStoreDbEventStore;
  beforeEach(() => ({ model, store } = storeOverModel()));

  it('claims every id before the append, with NO_STREAM, holding the stream and the payload hash', async () => {
    const stream = contractStream('claim');
    const event = contractEvent();
    await store.appendToStream(stream, 'no-stream', [event]);
    expect(model.appendCalls.indexOf(claimStream(event.eventId))).toBeLessThan(model.appendCalls.indexOf(stream));
    const [claim] = await collect(model.readStream(claimStream(event.eventId)));
    expect(claim.event?.data).toEqual({ stream, payloadHash: idempotencyHash(event.idempotencyPayload), fromRevision: 0 });
  });

  it('of the same id sent concurrently to two streams exactly one is stored; the other loses with a conflict', async () => {
    const event = contractEvent();
    const streams = [contractStream('race-a'), contractStream('race-b')];
    const results = await Promise.allSettled(streams.map((s) => store.appendToStream(s, 'any', [event])));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(lost.reason).toBeInstanceOf(IdempotencyConflictError);
    const revisions = await Promise.all(streams.map((s) => store.streamRevision(s)));
    expect(revisions.filter((r) => r === 0)).toHaveLength(1);
    expect(revisions.filter((r) => r === null)).toHaveLength(1);
    expect(await store.findByEventIds([event.eventId])).toHaveLength(1);
  });

  it('a claim without its event (crash after the claim) lets the same payload to the same stream proceed, once', async () => {
    const stream = contractStream('crash-after-claim');
    const event = contractEvent();
    const undo = model.failAppends((s) => s === stream);
    await expect(store.appendToStream(stream, 'no-stream', [event])).rejects.toThrow('connection lost');
    undo();
    expect(await collect(model.readStream(claimStream(event.eventId)))).toHaveLength(1);
    expect(await store.findByEventIds([event.eventId])).toEqual([]);
    const retry = await store.appendToStream(stream, 'no-stream', [event]);
    expect(retry).toMatchObject({ written: true, firstRevision: 0, lastRevision: 0 });
    expect(await store.appendToStream(stream, 'no-stream', [event])).toEqual({ ...retry, written: false });
    expect((await collect(store.readStream(stream))).map((e) => e.eventId)).toEqual([event.eventId]);
  });

  it('a claim without its event refuses another payload and another stream (409 as in the PostgreSQL store)', async () => {
    const stream = contractStream('claimed');
    const event = contractEvent('MailOpened', { mailId: 'M-1' });
    const undo = model.failAppends((s) => s === stream);
    await expect(store.appendToStream(stream, 'any', [event])).rejects.toThrow();
    undo();
    const changed = contractEvent('MailOpened', { mailId: 'M-2' }, event.eventId);
    await expect(store.appendToStream(stream, 'any', [changed])).rejects.toBeInstanceOf(IdempotencyConflictError);
    const other = contractStream('other');
    await expect(store.appendToStream(other, 'any', [event])).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect(await store.streamRevision(stream)).toBeNull();
    expect(await store.streamRevision(other)).toBeNull();
  });

  it('a retry after a crash between the append and its answer is a no-op with the original positions, even when stale', async () => {
    const stream = contractStream('crash-after-append');
    const batch = [contractEvent(), contractEvent()];
    const undo = model.failAppends((s) => s.startsWith('kc-chain-')); // the append is stored, then the process dies
    await expect(store.appendToStream(stream, 'no-stream', batch)).rejects.toThrow('connection lost');
    undo();
    const stored = await collect(store.readStream(stream));
    await store.appendToStream(stream, 1, [contractEvent()]);
    const retry = await store.appendToStream(stream, 'no-stream', batch);
    expect(retry).toEqual({ written: false, firstRevision: 0, lastRevision: 1, firstPosition: stored[0].globalPosition, lastPosition: stored[1].globalPosition });
  });

  it('a copy stored by a concurrent identical append below the expectation is found before appending (never twice)', async () => {
    const stream = contractStream('below');
    await store.appendToStream(stream, 'no-stream', [contractEvent(), contractEvent()]);
    const batch = [contractEvent(), contractEvent()];
    const other = new EventStoreDbEventStore(model, { readPageSize: 50 });
    let otherResult: Awaited<ReturnType<typeof other.appendToStream>> | undefined;
    let started = false;
    // While this store claims, another one claims first and stores the batch at revisions 2..3.
    const undo = model.onAppend(async (s) => {
      if (s !== claimStream(batch[0].eventId) || started) return;
      started = true;
      otherResult = await other.appendToStream(stream, 1, batch);
    });
    const result = await store.appendToStream(stream, 3, batch);
    undo();
    expect(otherResult).toMatchObject({ written: true, firstRevision: 2, lastRevision: 3 });
    expect(result).toEqual({ ...otherResult, written: false });
    expect(await store.streamRevision(stream)).toBe(3);
  });

  it("concurrent 'any' appends of different batches all land, each once, in some order", async () => {
    const stream = contractStream('any-race');
    const batches = Array.from({ length: 6 }, () => [contractEvent(), contractEvent()]);
    const results = await Promise.all(batches.map((b) => store.appendToStream(stream, 'any', b)));
    expect(results.every((r) => r.written)).toBe(true);
    const ids = (await collect(store.readStream(stream))).map((e) => e.eventId);
    expect(ids).toHaveLength(12);
    expect(new Set(ids)).toEqual(new Set(batches.flat().map((e) => e.eventId)));
  });

  it('concurrent identical appends with a stale claim (an earlier failed attempt) still store the batch once', async () => {
    const stream = contractStream('stale-claim-race');
    const batch = [contractEvent(), contractEvent()];
    const undo = model.failAppends((s) => s === stream);
    await expect(store.appendToStream(stream, 'any', batch)).rejects.toThrow();
    undo();
    await store.appendToStream(stream, 'any', [contractEvent()]); // the stream moves on past the claims' revision
    const second = new EventStoreDbEventStore(model, { readPageSize: 50 });
    const results = await Promise.all([store, second, store, second].map((s) => s.appendToStream(stream, 'any', batch)));
    expect(results.filter((r) => r.written)).toHaveLength(1);
    expect((await collect(store.readStream(stream))).map((e) => e.eventId)).toHaveLength(3);
  });

  it("reads claims of the adapter's first version (written after the append, with the event's revision)", async () => {
    const stream = contractStream('legacy-claim');
    await store.appendToStream(stream, 'no-stream', [contractEvent()]);
    const event = contractEvent();
    const payloadHash = idempotencyHash(event.idempotencyPayload);
    const metadata = { ...event.metadata, $kc: { payloadHash } };
    await model.appendToStream(stream, { id: event.eventId, contentType: 'application/json', type: event.type, data: { ...event.data }, metadata }, { expectedRevision: 0n });
    const claim = { id: randomUUID(), contentType: 'application/json' as const, type: 'EventIdClaimed', data: { stream, revision: 1, payloadHash }, metadata: undefined };
    await model.appendToStream(claimStream(event.eventId), claim, { expectedRevision: 'no_stream' });
    expect(await store.findByEventIds([event.eventId])).toMatchObject([{ eventId: event.eventId, stream, streamRevision: 1, payloadHash }]);
    expect(await store.appendToStream(stream, 'no-stream', [event])).toMatchObject({ written: false, firstRevision: 1, lastRevision: 1 });
    await expect(store.appendToStream(contractStream('elsewhere'), 'any', [event])).rejects.toBeInstanceOf(IdempotencyConflictError);
  });

  it('refuses an event id that is not a UUID before anything is written', async () => {
    const stream = contractStream('not-uuid');
    await expect(store.appendToStream(stream, 'any', [contractEvent('MailOpened', { mailId: 'M-1' }, 'evt-1')])).rejects.toBeInstanceOf(TypeError);
    expect(await store.streamRevision(stream)).toBeNull();
  });
});

describe('EventStoreDbEventStore over the client model: appendMany stream by stream', () => {
  let model: EventStoreDbClientModel;
  let store: EventStoreDbEventStore;
  beforeEach(() => ({ model, store } = storeOverModel()));

  it('checks every expectation before writing: a conflict on a later stream writes nothing on the earlier ones', async () => {
    const [s1, s2] = [contractStream('pre-1'), contractStream('pre-2')];
    await store.appendToStream(s2, 'no-stream', [contractEvent()]);
    const ok = contractEvent();
    const err = await store.appendMany([
      { stream: s1, expectedRevision: 'no-stream', events: [ok] },
      { stream: s2, expectedRevision: 'no-stream', events: [contractEvent()] },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RevisionConflictError);
    expect(err).toMatchObject({ stream: s2, expectedRevision: 'no-stream', actualRevision: 0 });
    expect(await store.streamRevision(s1)).toBeNull();
  });

  it('counts the earlier events of a stream named twice in one request', async () => {
    const s1 = contractStream('twice');
    const result = await store.appendMany([
      { stream: s1, expectedRevision: 'no-stream', events: [contractEvent(), contractEvent()] },
      { stream: s1, expectedRevision: 1, events: [contractEvent()] },
    ]);
    expect(result.streams.map((s) => [s.firstRevision, s.lastRevision])).toEqual([[0, 1], [2, 2]]);
  });

  it('checks every claim before writing: an id claimed for another stream writes nothing', async () => {
    const [s1, s2, elsewhere] = [contractStream('claim-1'), contractStream('claim-2'), contractStream('elsewhere')];
    const taken = contractEvent();
    await store.appendToStream(elsewhere, 'any', [taken]);
    await expect(
      store.appendMany([
        { stream: s1, expectedRevision: 'any', events: [contractEvent()] },
        { stream: s2, expectedRevision: 'any', events: [contractEvent(), { ...taken, eventId: taken.eventId.toUpperCase() }] },
      ]),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect(await store.streamRevision(s1)).toBeNull();
  });

  it('a failure after earlier streams were written names the written and the unwritten streams', async () => {
    const [s1, s2, s3] = [contractStream('part-1'), contractStream('part-2'), contractStream('part-3')];
    const undo = model.failAppends((s) => s === s2, () => new Error('connection lost'));
    const err = (await store
      .appendMany([s1, s2, s3].map((stream) => ({ stream, expectedRevision: 'no-stream' as const, events: [contractEvent()] })))
      .catch((e: unknown) => e)) as Error & { writtenStreams: { stream: string }[]; notWrittenStreams: string[] };
    undo();
    expect(err.message).toContain(`${s1} written; ${s2}, ${s3} not written`);
    expect(err.writtenStreams.map((s) => s.stream)).toEqual([s1]);
    expect(err.notWrittenStreams).toEqual([s2, s3]);
    expect(await store.streamRevision(s1)).toBe(0);
    expect(await store.streamRevision(s3)).toBeNull();
  });

  it('(model sanity) a re-sent batch at its expectation is answered idempotently, another batch is refused', async () => {
    const stream = contractStream('model');
    const id = randomUUID();
    const event = { id, contentType: 'application/json' as const, type: 'MailOpened', data: {}, metadata: undefined };
    await model.appendToStream(stream, event, { expectedRevision: 'no_stream' });
    await expect(model.appendToStream(stream, event, { expectedRevision: 'no_stream' })).resolves.toMatchObject({ nextExpectedRevision: 0n });
    await expect(model.appendToStream(stream, { ...event, id: randomUUID() }, { expectedRevision: 'no_stream' })).rejects.toMatchObject({ type: 'wrong-expected-version' });
  });
});
