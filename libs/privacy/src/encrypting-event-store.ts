import { dataSubjectOf, PERSONAL_FIELDS, personalFieldsPresent, subjectName } from '@klantcentraal/domain';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  MultiAppendResult,
  ReadAllOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  Subscription,
} from '@klantcentraal/event-store';
import { decryptValue, encryptValue, isEncryptedValue, keyIdOf } from './crypto/field-cipher';
import { subjectKey, type KeyStore, type SubjectRef } from './key-store/key-store.port';

/** Events decrypted per key-store round trip while a stream is read. */
const READ_CHUNK = 500;

/**
 * Privacy at the event-store port: wraps ANY adapter (PostgreSQL, EventStoreDB), so every adapter stores personal
 * fields (domain `PERSONAL_FIELDS`) only encrypted with the data key of their subject, and every reader gets them
 * back decrypted — or null, listed in `erased`, once the subject's key is erased. The adapter hashes what it stores,
 * so the hash chain covers the ciphertext and survives erasure; `storedData` carries the stored form for verifiers.
 */
export class EncryptingEventStore implements EventStore {
  readonly streamHead?: EventStore['streamHead'];

  constructor(
    readonly inner: EventStore,
    private readonly keys: KeyStore,
  ) {
    if (inner.streamHead) this.streamHead = (stream) => inner.streamHead!(stream);
  }

  async appendToStream(stream: string, expectedRevision: ExpectedRevision, events: readonly EventToAppend[]): Promise<AppendResult> {
    const [encrypted] = await this.encrypt([{ stream, expectedRevision, events }]);
    return this.inner.appendToStream(stream, expectedRevision, encrypted.events);
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<MultiAppendResult> {
    return this.inner.appendMany(await this.encrypt(appends));
  }

  async *readStream(
    stream: string,
    options?: { fromRevision?: number; toPosition?: number; types?: readonly string[] },
  ): AsyncIterable<RecordedEvent> {
    await this.keys.sync();
    let chunk: RecordedEvent[] = [];
    for await (const event of this.inner.readStream(stream, options)) {
      chunk.push(event);
      if (chunk.length >= READ_CHUNK) {
        yield* await this.decryptEvents(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) yield* await this.decryptEvents(chunk);
  }

  async findByEventIds(eventIds: readonly string[]): Promise<readonly (RecordedEvent & { payloadHash: string })[]> {
    const found = await this.inner.findByEventIds(eventIds);
    if (found.length === 0) return found; // the common answer before an append: nothing to decrypt, no key-store trip
    await this.keys.sync();
    const decrypted = await this.decryptEvents(found);
    return decrypted.map((event, i) => ({ ...event, payloadHash: found[i].payloadHash }));
  }

  streamRevision(stream: string): Promise<number | null> {
    return this.inner.streamRevision(stream);
  }

  async readAll(fromPosition: number, limit: number, options?: ReadAllOptions): Promise<readonly RecordedEvent[]> {
    const events = await this.inner.readAll(fromPosition, limit, options);
    await this.keys.sync();
    return this.decryptEvents(events);
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return this.inner.subscribeToAll({
      ...options,
      onEvents: async (events) => {
        await this.keys.sync();
        await options.onEvents(await this.decryptEvents(events));
      },
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /**
   * Every personal field replaced by its ciphertext under the subject's usable key (created on first use). Each
   * event's personal fields and subject are worked out once (the same list serves the key lookup and the
   * encryption); events without personal data pass through untouched.
   */
  private async encrypt(appends: readonly StreamAppend[]): Promise<StreamAppend[]> {
    const refs = new Map<string, SubjectRef>();
    const plans = appends.map((append) =>
      append.events.map((event) => {
        const fields = personalFieldsPresent(event.type, event.data);
        if (fields.length === 0) return null;
        const ref = { stream: append.stream, subject: subjectName(dataSubjectOf(event.type, event.data)) };
        const key = subjectKey(ref);
        if (!refs.has(key)) refs.set(key, ref);
        return { fields, key };
      }),
    );
    if (refs.size === 0) return [...appends];
    const keys = await this.keys.syncedActiveKeys([...refs.values()]);
    return appends.map((append, a) => ({
      ...append,
      events: append.events.map((event, e) => {
        const plan = plans[a][e];
        if (plan === null) return event;
        const { keyId, key } = keys.get(plan.key)!;
        const data: Record<string, unknown> = { ...event.data };
        for (const field of plan.fields) {
          const value = data[field];
          if (typeof value === 'string' && !isEncryptedValue(value)) data[field] = encryptValue(key, keyId, `data.${field}`, value);
        }
        return { ...event, data };
      }),
    }));
  }

  /** Decrypts a batch with one key-store lookup for the keys not cached. Call `keys.sync()` first. */
  private async decryptEvents<E extends RecordedEvent>(events: readonly E[]): Promise<E[]> {
    const keyIds = new Set<string>();
    for (const event of events) {
      for (const field of PERSONAL_FIELDS[event.type] ?? []) {
        const value = event.data[field];
        if (isEncryptedValue(value)) keyIds.add(keyIdOf(value));
      }
    }
    if (keyIds.size === 0) return [...events];
    const keys = await this.keys.keysById([...keyIds]);
    return events.map((event) => decryptEvent(event, keys));
  }
}

/** The event with its personal fields in plaintext, or null and listed in `erased` where the key is gone. */
export function decryptEvent<E extends RecordedEvent>(event: E, keys: ReadonlyMap<string, Buffer | null>): E {
  const fields = PERSONAL_FIELDS[event.type];
  if (!fields) return event;
  let data: Record<string, unknown> | null = null;
  const erased: string[] = [];
  for (const field of fields) {
    const value = event.data[field];
    if (!isEncryptedValue(value)) continue;
    data ??= { ...event.data };
    const key = keys.get(keyIdOf(value)) ?? null;
    const path = `data.${field}`;
    if (key === null) {
      data[field] = null;
      erased.push(path);
    } else {
      data[field] = decryptValue(key, path, value);
    }
  }
  if (data === null) return event;
  return { ...event, data, storedData: event.data, ...(erased.length > 0 ? { erased } : {}) };
}
