/**
 * The key-store port: one data key per data subject of a stream (`subject` is `customer` or `contact:<id>`).
 * A key is usable until an erasure marks it; a marked key never decrypts again (reads show null) and is then
 * destroyed (its wrapped bytes deleted). A subject whose key was erased gets a fresh key for later events.
 */
export type SubjectRef = Readonly<{ stream: string; subject: string }>;
export type DataKey = Readonly<{ keyId: string; key: Buffer }>;

export interface KeyStore {
  /**
   * Makes the next answers at least as new as every erasure committed before this call (caches that may hold a
   * key marked since are dropped). Call once per read or append, before using keys.
   */
  sync(): Promise<void>;
  /** The usable key of each subject, created where none exists. Keyed by `subjectKey(ref)`. */
  activeKeys(refs: readonly SubjectRef[]): Promise<ReadonlyMap<string, DataKey>>;
  /**
   * `sync()` then `activeKeys(refs)`, in as few round trips as the store can: an append to a new stream reads the
   * erasure generation inside the statement that creates its keys.
   */
  syncedActiveKeys(refs: readonly SubjectRef[]): Promise<ReadonlyMap<string, DataKey>>;
  /** Keys by id; null for a key an erasure marked or destroyed (or one never known). */
  keysById(keyIds: readonly string[]): Promise<ReadonlyMap<string, Buffer | null>>;
}

export const subjectKey = (ref: SubjectRef): string => `${ref.stream}\u0000${ref.subject}`;
