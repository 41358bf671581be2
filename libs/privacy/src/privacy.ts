import type { Pool } from 'pg';
import { PostgresEventStore, type EventStore } from '@klantcentraal/event-store';
import { loadKeyEncryptionKey, type KeyEncryptionKey } from './crypto/key-encryption-key';
import { EncryptingEventStore } from './encrypting-event-store';
import { ErasureService, type ErasureServiceOptions } from './erasure/erasure.service';
import { PostgresKeyStore } from './key-store/postgres-key-store';
import { encryptStoredPersonalData, type StoreEncryptionResult } from './store-encryption/encrypt-stored-events';

export type Privacy = Readonly<{
  /** The event store every service uses: personal fields encrypted on the way in, decrypted (or null) on the way out. */
  eventStore: EncryptingEventStore;
  keyStore: PostgresKeyStore;
  /** The key-encryption key the key store unwraps with: another key store on another pool uses the same. */
  kek: KeyEncryptionKey;
  erasures: ErasureService;
  /**
   * Before serving: finishes erasures a crash left half done and (PostgreSQL store) encrypts personal fields still in
   * plaintext from before encryption existed. Run after PRIVACY_MIGRATIONS.
   */
  prepare(): Promise<Readonly<{ erasuresFinished: number; encryption: StoreEncryptionResult | null }>>;
}>;

export type PrivacyOptions = Readonly<{
  pool: Pool;
  /** Any adapter of the event-store port. */
  store: EventStore;
  /** The KEK: a KMS adapter, or `loadKeyEncryptionKey({ masterKey, dataDir })` (the default from these two). */
  kek?: KeyEncryptionKey;
  masterKey?: string | null;
  dataDir?: string;
  /** true when `store` is the PostgreSQL adapter on `pool`: `prepare()` then encrypts plaintext already stored. */
  storeOnPool?: boolean;
  erasure?: ErasureServiceOptions;
}>;

export function createPrivacy(options: PrivacyOptions): Privacy {
  const kek = options.kek ?? loadKeyEncryptionKey({ masterKey: options.masterKey ?? null, dataDir: options.dataDir ?? '.data' });
  const keyStore = new PostgresKeyStore(options.pool, kek);
  const eventStore = new EncryptingEventStore(options.store, keyStore);
  const erasures = new ErasureService(options.pool, eventStore, options.erasure);
  return {
    eventStore,
    keyStore,
    kek,
    erasures,
    async prepare() {
      const encryption = options.storeOnPool ? await encryptStoredPersonalData(options.pool, keyStore) : null;
      const erasuresFinished = await erasures.recover();
      return { erasuresFinished, encryption };
    },
  };
}

/**
 * The event store a service process uses on the platform's database: the PostgreSQL adapter behind the privacy
 * layer, with the KEK from `MASTER_KEY` or `DATA_DIR` (as `loadConfig` reads them). Every process that appends or
 * reads events must use it (a reader without it would see ciphertext; a writer would store plaintext).
 */
export function privateEventStore(pool: Pool, settings: Readonly<{ masterKey: string | null; dataDir: string }>, store: EventStore = new PostgresEventStore(pool)): EncryptingEventStore {
  return createPrivacy({ pool, store, masterKey: settings.masterKey, dataDir: settings.dataDir }).eventStore;
}
