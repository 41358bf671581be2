import { IdempotencyConflictError } from './errors';
import { idempotencyHash } from './idempotency';
import { idempotentAnswer, type StoredEventRef } from './idempotent-retry';
import type { StreamAppend } from './event-store.port';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const event = (eventId: string, payload: unknown) => ({ eventId, type: 'MailSent', data: {}, metadata: {}, idempotencyPayload: payload });
const appends: StreamAppend[] = [
  { stream: 'customer-1', expectedRevision: 'any', events: [event(A, { n: 1 })] },
  { stream: 'customer-2', expectedRevision: 'any', events: [event(B, { n: 2 })] },
];
const stored = (eventId: string, stream: string, payload: unknown, streamRevision: number, globalPosition: number): StoredEventRef => ({
  eventId,
  stream,
  streamRevision,
  globalPosition,
  payloadHash: idempotencyHash(payload),
});
const label = (id: string) => (id === A ? 'events[0]' : 'events[1]');

describe('idempotentAnswer (the one idempotency rule of appends)', () => {
  it('has nothing to say when none of the ids is stored', () => {
    expect(idempotentAnswer(appends, [])).toBeNull();
  });

  it('answers an identical retry with the original revisions and positions, written: false', () => {
    expect(idempotentAnswer(appends, [stored(A, 'customer-1', { n: 1 }, 4, 17), stored(B, 'customer-2', { n: 2 }, 0, 18)])).toEqual({
      written: false,
      count: 2,
      firstPosition: 17,
      lastPosition: 18,
      streams: [
        { stream: 'customer-1', written: false, firstRevision: 4, lastRevision: 4, firstPosition: 17, lastPosition: 17 },
        { stream: 'customer-2', written: false, firstRevision: 0, lastRevision: 0, firstPosition: 18, lastPosition: 18 },
      ],
    });
  });

  it('is a conflict naming the event when a stored id arrives with another payload or for another stream', () => {
    const changed = () => idempotentAnswer(appends, [stored(A, 'customer-1', { n: 9 }, 4, 17), stored(B, 'customer-2', { n: 2 }, 0, 18)], label);
    expect(changed).toThrow(IdempotencyConflictError);
    expect(changed).toThrow('events[0]: eventId already stored with a different payload');
    expect(() => idempotentAnswer(appends, [stored(A, 'customer-9', { n: 1 }, 4, 17), stored(B, 'customer-2', { n: 2 }, 0, 18)], label)).toThrow('events[0]');
  });

  it('is a conflict naming the new events when a batch mixes stored and new ids', () => {
    expect(() => idempotentAnswer(appends, [stored(A, 'customer-1', { n: 1 }, 4, 17)], label)).toThrow('(events[1] are new); resend the exact original batch');
  });
});
