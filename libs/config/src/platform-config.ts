import { createHash } from 'node:crypto';

/**
 * Runtime settings (contract "Runtime settings"), read from the environment once at start-up and validated with a
 * message that names the variable. Nothing else reads process.env.
 */
export type Role = 'ingest' | 'analyst' | 'sales' | 'auditor' | 'admin';
export const ROLES: readonly Role[] = ['ingest', 'analyst', 'sales', 'auditor', 'admin'];

/** `accountManager` (an employeeId) scopes a `sales` key to the customers that employee manages. */
export type ApiKeySpec = { key: string; name: string; roles: Role[]; accountManager?: string };

export type PlatformConfig = {
  port: number;
  /** Interface to listen on (HOST, default 127.0.0.1; 0.0.0.0 in a container). */
  host: string;
  dataDir: string;
  /** Absent: start embedded PostgreSQL under dataDir. */
  databaseUrl: string | null;
  /** `true`: load demo data on a first start with an empty store; `false`: never. */
  demoData: boolean;
  /** Absent: dev keys are generated into dataDir and printed. */
  apiKeys: ApiKeySpec[] | null;
  eventStore: 'postgres' | 'eventstoredb';
  eventStoreConnectionString: string | null;
  kafkaBrokers: string[] | null;
  /** Password of the warehouse's read-only SQL role; absent: generated into dataDir. */
  warehouseReaderPassword: string | null;
  /** MASTER_KEY: base64 of the 32-byte key-encryption key; absent: generated into dataDir (mode 0600). */
  masterKey: string | null;
};

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const blank = (name: string) => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? null : value.trim();
  };

  const portText = blank('PORT') ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('PORT', `must be an integer 0–65535, got "${portText}"`);
  }

  const databaseUrl = blank('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// connection URL');
  }

  const demo = blank('DEMO_DATA') ?? '1';
  if (demo !== '0' && demo !== '1') throw new ConfigError('DEMO_DATA', `must be 0 or 1, got "${demo}"`);

  const eventStore = blank('EVENT_STORE') ?? 'postgres';
  if (eventStore !== 'postgres' && eventStore !== 'eventstoredb') {
    throw new ConfigError('EVENT_STORE', `must be "postgres" or "eventstoredb", got "${eventStore}"`);
  }
  const eventStoreConnectionString = blank('EVENTSTORE_CONNECTION_STRING');
  if (eventStore === 'eventstoredb' && !eventStoreConnectionString) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'is required when EVENT_STORE=eventstoredb');
  }

  const brokers = blank('KAFKA_BROKERS');
  const kafkaBrokers = brokers ? brokers.split(',').map((b) => b.trim()).filter(Boolean) : null;
  if (kafkaBrokers?.some((b) => !/^[^\s:]+:\d+$/.test(b))) {
    throw new ConfigError('KAFKA_BROKERS', `must be comma-separated host:port pairs, got "${brokers}"`);
  }

  const keys = blank('API_KEYS');
  return {
    port,
    host: blank('HOST') ?? '127.0.0.1',
    dataDir: blank('DATA_DIR') ?? '.data',
    databaseUrl,
    demoData: demo === '1',
    apiKeys: keys === null ? null : parseApiKeys(keys),
    eventStore,
    eventStoreConnectionString,
    kafkaBrokers,
    warehouseReaderPassword: blank('WAREHOUSE_READER_PASSWORD'),
    masterKey: blank('MASTER_KEY'),
  };
}

/**
 * `API_KEYS`: a JSON object key → roles, e.g. `{"k-ingest":["ingest"]}`; a value may also be
 * `{ "name": "crm-sync", "roles": [...] }` to give the key a name (recorded as the recorder of events it sends).
 * Unnamed keys are named `key-<first 8 hex of their SHA-256>` so the secret itself is never recorded.
 */
export function parseApiKeys(json: string): ApiKeySpec[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new ConfigError('API_KEYS', `is not valid JSON (${(err as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('API_KEYS', 'must be a JSON object mapping each key to its roles');
  }
  const specs = Object.entries(parsed as Record<string, unknown>).map(([key, value]): ApiKeySpec => {
    const named = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    const roles = named ? named.roles : value;
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => ROLES.includes(r as Role))) {
      throw new ConfigError('API_KEYS', `roles of a key must be a non-empty array of ${ROLES.join(', ')}`);
    }
    if (key.length < 8) throw new ConfigError('API_KEYS', 'every key must be at least 8 characters long');
    const name = named && typeof named.name === 'string' && named.name ? named.name : `key-${sha256Prefix(key)}`;
    const accountManager = named?.accountManager;
    if (accountManager !== undefined && (typeof accountManager !== 'string' || accountManager.trim() === '')) {
      throw new ConfigError('API_KEYS', 'accountManager of a key must be a non-empty employeeId');
    }
    return { key, name, roles: roles as Role[], ...(typeof accountManager === 'string' ? { accountManager } : {}) };
  });
  if (specs.length === 0) throw new ConfigError('API_KEYS', 'must define at least one key');
  return specs;
}

function sha256Prefix(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
