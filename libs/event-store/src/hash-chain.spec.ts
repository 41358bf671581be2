import { createHash } from 'node:crypto';
import {
  canonicalEnvelope,
  canonicalEnvelopeText,
  computeEventHash,
  envelopeFragments,
  envelopeTail,
  GENESIS_HASH,
  StreamChainVerifier,
  streamFragment,
  verifyChain,
  type ChainedEvent,
  type HashedEnvelope,
} from './hash-chain';
import { canonicalJson } from './idempotency';

const ENVELOPE: HashedEnvelope = {
  eventId: '3f0c2a8e-5b1d-4c7e-9a6f-2d8b1e4c7a90',
  stream: 'customer-acme-42',
  streamRevision: 0,
  globalPosition: 1,
  recordedAt: '2026-03-01T10:00:00.123Z',
  type: 'ProspectRegistered',
  data: { name: 'Acme BV', size: 'medium' },
  metadata: {
    occurredAt: '2026-03-01T10:00:00.000Z',
    recordedBy: { userId: 'u-17', department: 'marketing-sales' },
    schemaVersion: 1,
    customerId: 'acme-42',
  },
};

/** A valid chain of `n` events of one stream. */
function chain(n: number, stream = 'customer-acme-42'): ChainedEvent[] {
  const events: ChainedEvent[] = [];
  let previous = GENESIS_HASH;
  for (let revision = 0; revision < n; revision++) {
    const envelope: HashedEnvelope = {
      ...ENVELOPE,
      eventId: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
      stream,
      streamRevision: revision,
      globalPosition: 100 + revision * 3,
      type: revision === 0 ? 'ProspectRegistered' : 'MailOpened',
      data: revision === 0 ? ENVELOPE.data : { mailId: `M-${revision}` },
    };
    const hash = computeEventHash(previous, envelope);
    events.push({ ...envelope, hash, previousHash: previous });
    previous = hash;
  }
  return events;
}

describe('the hash of one event', () => {
  it('is lowercase hex SHA-256 of the previous hash (as 64 hex characters) followed by the canonical JSON envelope', () => {
    const canonical =
      '{"data":{"name":"Acme BV","size":"medium"},"eventId":"3f0c2a8e-5b1d-4c7e-9a6f-2d8b1e4c7a90","globalPosition":1,' +
      '"metadata":{"customerId":"acme-42","occurredAt":"2026-03-01T10:00:00.000Z","recordedBy":{"department":"marketing-sales","userId":"u-17"},"schemaVersion":1},' +
      '"recordedAt":"2026-03-01T10:00:00.123Z","stream":"customer-acme-42","streamRevision":0,"type":"ProspectRegistered"}';
    expect(canonicalEnvelope(ENVELOPE)).toBe(canonical);
    const expected = createHash('sha256').update(GENESIS_HASH + canonical, 'utf8').digest('hex');
    expect(computeEventHash(GENESIS_HASH, ENVELOPE)).toBe(expected);
    // Golden value, computed independently with Python's hashlib and json.dumps(sort_keys=True, separators=(',', ':')).
    expect(expected).toBe('cffea6ca62797bd5832203f1743f67b25b90dd8f0db1de0bd937bc5ecbce81ca');
  });

  it("is the README's worked example (a real demo event as the audit API returns it)", () => {
    const line = {
      streamRevision: 0,
      globalPosition: 1,
      eventId: '6014dab7-ff73-4503-9f29-51c1e8183fd1',
      type: 'ProspectRegistered',
      occurredAt: '2025-01-08T15:47:27.000Z',
      recordedAt: '2026-11-27T07:47:31.448Z',
      recordedBy: { userId: 'u-28', department: 'marketing-sales' },
      data: { name: 'Westhoek Thuiszorg BV', size: 'small', source: 'website', industry: 'healthcare' },
      metadata: {
        customerId: 'c-00001',
        occurredAt: '2025-01-08T15:47:27.000Z',
        recordedBy: { userId: 'u-28', department: 'marketing-sales' },
        schemaVersion: 1,
      },
      stream: 'customer-c-00001',
    };
    expect(computeEventHash(GENESIS_HASH, line)).toBe('b7aeb8eff42d35b9ac963ba5ad405047cede9bb8622d29c52bf4f850a56708fe');
  });

  it('ignores fields that are not part of the stored envelope (e.g. the hashes themselves)', () => {
    const [event] = chain(1);
    expect(computeEventHash(GENESIS_HASH, event)).toBe(event.hash);
  });

  it('changes with every envelope field and with the previous hash', () => {
    const base = computeEventHash(GENESIS_HASH, ENVELOPE);
    const variants: Partial<HashedEnvelope>[] = [
      { eventId: '3f0c2a8e-5b1d-4c7e-9a6f-2d8b1e4c7a91' },
      { stream: 'customer-acme-43' },
      { streamRevision: 1 },
      { globalPosition: 2 },
      { recordedAt: '2026-03-01T10:00:00.124Z' },
      { type: 'ContactAdded' },
      { data: { name: 'Acme BV', size: 'large' } },
      { metadata: { ...(ENVELOPE.metadata as object), occurredAt: '2026-03-01T10:00:01.000Z' } },
      { metadata: { ...(ENVELOPE.metadata as object), recordedBy: { userId: 'u-18' } } },
    ];
    for (const variant of variants) expect(computeEventHash(GENESIS_HASH, { ...ENVELOPE, ...variant })).not.toBe(base);
    expect(computeEventHash('f'.repeat(64), ENVELOPE)).not.toBe(base);
  });

  it.each([
    ['unicode, emoji and escapes', { s: 'Zoë ☕ 𝄞 "quoted" \\ back\nslash\ttab \u0001 \u2028', ['b']: 1, a: [1, 'x', null, { z: 1, y: 2 }] }],
    ['numbers', { int: 42, neg: -7, float: 0.1 + 0.2, big: 1e21, small: 5e-324, zero: -0, exp: 1.5e-7 }],
    ['empty and nested', { empty: {}, list: [], deep: { b: { d: [{ f: true, e: false }], c: null } } }],
    ['keys that sort by UTF-16 code units', { é: 1, e: 2, E: 3, '\u{1F600}': 4, '\uFB33': 5, aa: 6, a: 7 }],
  ])('reassembles from the append fragments exactly (%s)', (_, data) => {
    const envelope = { ...ENVELOPE, data, globalPosition: 123456789, streamRevision: 99 };
    const f = envelopeFragments(envelope);
    expect(f.head + '123456789' + f.middle + envelope.recordedAt + f.streamPart + '99' + f.tail).toBe(canonicalEnvelope(envelope));
    expect(JSON.parse(canonicalEnvelope(envelope))).toEqual(JSON.parse(JSON.stringify({ ...envelope })));
  });

  it('assembles from text exactly what canonicalEnvelope writes (the PostgreSQL verifier reads rows as text)', () => {
    const envelope = { ...ENVELOPE, globalPosition: 123456789, streamRevision: 99, type: 'Type "with" \\ quotes ☕' };
    const text = canonicalEnvelopeText(
      canonicalJson(envelope.data),
      envelope.eventId,
      '123456789',
      canonicalJson(envelope.metadata),
      envelope.recordedAt,
      streamFragment(envelope.stream),
      '99',
      envelopeTail(envelope.type),
    );
    expect(text).toBe(canonicalEnvelope(envelope));
  });

  it('hashes absent data as JSON null and absent metadata as {}, as the store keeps them', () => {
    const f = envelopeFragments({ ...ENVELOPE, data: undefined, metadata: undefined });
    expect(f.head.startsWith('{"data":null,')).toBe(true);
    expect(f.middle).toBe(',"metadata":{},"recordedAt":"');
  });
});

describe('canonical JSON', () => {
  it('sorts keys, drops whitespace and undefined members, writes undefined array elements as null and uses toJSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [undefined, 2], c: undefined }, t: new Date('2026-03-01T10:00:00Z') })).toBe(
      '{"a":{"d":[null,2]},"b":1,"t":"2026-03-01T10:00:00.000Z"}',
    );
  });
});

describe('verifyChain', () => {
  const events = chain(6);
  const head = { revision: 5, lastHash: events[5].hash };

  it('accepts an untouched chain, an empty stream, and reports the last hash', () => {
    expect(verifyChain(events, head)).toEqual({ valid: true, events: 6, lastHash: events[5].hash, lastRevision: 5 });
    expect(verifyChain([], null)).toEqual({ valid: true, events: 0, lastHash: null, lastRevision: null });
  });

  it('names the changed revision when a field changes', () => {
    const changed = events.map((e) => (e.streamRevision === 3 ? { ...e, data: { mailId: 'M-x' } } : e));
    expect(verifyChain(changed, head)).toMatchObject({ valid: false, events: 6, firstInvalidRevision: 3, reason: 'hash-mismatch' });
  });

  it('names the missing revision when an event is deleted, also the first and the last', () => {
    expect(verifyChain(events.filter((e) => e.streamRevision !== 2), head)).toMatchObject({ firstInvalidRevision: 2, reason: 'revision-gap' });
    expect(verifyChain(events.slice(1), head)).toMatchObject({ firstInvalidRevision: 0, reason: 'revision-gap' });
    expect(verifyChain(events.slice(0, 5), head)).toMatchObject({ firstInvalidRevision: 5, reason: 'revision-gap' });
  });

  it('names the lower revision when two events swap revisions, and a duplicate revision', () => {
    const swapped = events.map((e) =>
      e.streamRevision === 1 ? { ...events[4], streamRevision: 1 } : e.streamRevision === 4 ? { ...events[1], streamRevision: 4 } : e,
    );
    expect(verifyChain(swapped, head)).toMatchObject({ firstInvalidRevision: 1 });
    expect(verifyChain([events[0], events[1], events[1], ...events.slice(2)], head)).toMatchObject({
      firstInvalidRevision: 1,
      reason: 'revision-duplicate',
    });
  });

  it('gives the same verdicts for events read as text (addCanonical) as for events read as objects (add)', () => {
    const asText = (e: ChainedEvent) => ({ ...e, envelope: canonicalEnvelope(e) });
    const cases: ChainedEvent[][] = [
      events,
      events.map((e) => (e.streamRevision === 3 ? { ...e, data: { mailId: 'M-x' } } : e)),
      events.filter((e) => e.streamRevision !== 2),
      [events[0], events[1], events[1], ...events.slice(2)],
      events.map((e) => (e.streamRevision === 2 ? { ...e, previousHash: GENESIS_HASH } : e)),
      events.map((e) => (e.streamRevision === 4 ? { ...e, hash: null } : e)),
      events.map((e) => (e.streamRevision === 1 ? { ...e, stream: 'customer-other' } : e)),
    ];
    for (const events of cases) {
      const [byObject, byText] = [new StreamChainVerifier('customer-acme-42'), new StreamChainVerifier('customer-acme-42')];
      for (const e of events) {
        byObject.add(e);
        byText.addCanonical(asText(e));
      }
      expect(byText.finish(head)).toEqual(byObject.finish(head));
    }
  });

  it('names a revision whose previousHash or hash was rewritten, and a stream head that disagrees', () => {
    const relinked = events.map((e) => (e.streamRevision === 2 ? { ...e, previousHash: GENESIS_HASH } : e));
    expect(verifyChain(relinked, head)).toMatchObject({ firstInvalidRevision: 2, reason: 'previous-hash-mismatch' });
    const rehashed = events.map((e) => (e.streamRevision === 5 ? { ...e, hash: 'a'.repeat(64) } : e));
    expect(verifyChain(rehashed, head)).toMatchObject({ firstInvalidRevision: 5, reason: 'hash-mismatch' });
    expect(verifyChain(events, { revision: 5, lastHash: 'b'.repeat(64) })).toMatchObject({ firstInvalidRevision: 5, reason: 'head-mismatch' });
    expect(verifyChain(events, { revision: 4 })).toMatchObject({ firstInvalidRevision: 5, reason: 'head-mismatch' });
    expect(verifyChain(events.map(({ hash: _hash, ...e }) => e), head)).toMatchObject({ firstInvalidRevision: 0, reason: 'missing-hash' });
  });
});
