import { createHash } from 'node:crypto';

/**
 * Runtime settings (contract "Runtime settings"), read from the environment once at start-up and validated with a
 * message that names the variable. Nothing else reads process.env.
 */
export type Role = 'ingest' | 'analyst' | 'sales' | 'auditor' | 'admin';
export const ROLES: readonly Role[] = ['ingest', 'analyst', 'sales', 'auditor', 'admin'];

/**
 * One configured key: `key` is the secret itself, or `sha256:<64 hex>` (its SHA-256) so that no plaintext key needs
 * to be configured. `accountManager` (an employeeId) scopes a `sales` key to the customers that employee manages.
 */
export type ApiKeySpec = { key: string; name: string; roles: Role[]; accountManager?: string };

/** Shortest accepted API key (contract "Abuse resistance"): long enough that guessing is hopeless. */
export const MIN_API_KEY_LENGTH = 24;
const SHA256_ENTRY = /^sha256:([0-9a-f]{64})$/i;

/** The hex SHA-256 of a `sha256:<hex>` entry (lowercase), or null when the entry is a plaintext key. */
export function sha256EntryHex(key: string): string | null {
  const match = SHA256_ENTRY.exec(key);
  return match ? match[1].toLowerCase() : null;
}

/**
 * Why a configured key is not acceptable, or null when it is. The message names the rule and the key's name, never
 * the key itself.
 */
export function apiKeyProblem(spec: Pick<ApiKeySpec, 'key' | 'name'>): string | null {
  if (spec.key.startsWith('sha256:')) {
    return sha256EntryHex(spec.key) ? null : `key "${spec.name}": a "sha256:" entry must be followed by 64 hex digits (the SHA-256 of the key)`;
  }
  if (spec.key.length < MIN_API_KEY_LENGTH) {
    return `key "${spec.name}" is ${spec.key.length} characters long; every API key must be at least ${MIN_API_KEY_LENGTH} characters (or configure it as "sha256:<hex>")`;
  }
  if (/\s/.test(spec.key)) return `key "${spec.name}" contains white space, which a Bearer header cannot carry`;
  return null;
}

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
  /** PROJECTION_PARTITIONS (default 16): customers are spread over this many partitions among the projectors. */
  projectionPartitions: number;
  /** LOG_FORMAT: `json` (one object per line) or `text`; absent: json unless stdout is a terminal. */
  logFormat: 'json' | 'text' | null;
  /** Requests per API key per minute (RATE_LIMIT_PER_MINUTE, default 12000). */
  rateLimitPerMinute: number;
  /** Statement timeout of every query, in ms (QUERY_TIMEOUT_MS, default 10000). */
  queryTimeoutMs: number;
  /** Origins that browsers may call the API from (CORS_ORIGINS, comma-separated; default none). */
  corsOrigins: string[];
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

  const partitionsText = blank('PROJECTION_PARTITIONS') ?? '16';
  const projectionPartitions = Number(partitionsText);
  if (!/^\d+$/.test(partitionsText) || projectionPartitions < 1 || projectionPartitions > 1024) {
    throw new ConfigError('PROJECTION_PARTITIONS', `must be an integer 1–1024 (the same for every projector), got "${partitionsText}"`);
  }
  const positiveInteger = (name: string, fallback: number) => {
    const text = blank(name);
    if (text === null) return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(name, `must be a positive integer, got "${text}"`);
    return value;
  };
  const rateLimitPerMinute = positiveInteger('RATE_LIMIT_PER_MINUTE', 12_000);
  const queryTimeoutMs = positiveInteger('QUERY_TIMEOUT_MS', 10_000);
  const corsOrigins = (blank('CORS_ORIGINS') ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError('CORS_ORIGINS', `each origin must look like https://host[:port] (no path), got "${origin}"`);
    }
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
    projectionPartitions,
    logFormat: logFormat(blank('LOG_FORMAT')),
    rateLimitPerMinute,
    queryTimeoutMs,
    corsOrigins,
    masterKey: blank('MASTER_KEY'),
  };
}

function logFormat(value: string | null): 'json' | 'text' | null {
  if (value === null) return null;
  if (value !== 'json' && value !== 'text') throw new ConfigError('LOG_FORMAT', `must be "json" or "text", got "${value}"`);
  return value;
}

/**
 * `API_KEYS`: a JSON object key → roles, e.g. `{"kc-ingest-0123456789abcdef":["ingest"]}` (keys ≥ 24 characters,
 * or `"sha256:<hex>"`); a value may also be
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
    const name = named && typeof named.name === 'string' && named.name ? named.name : `key-${sha256Prefix(key)}`;
    const problem = apiKeyProblem({ key, name });
    if (problem) throw new ConfigError('API_KEYS', problem);
    const accountManager = named?.accountManager;
    if (accountManager !== undefined && (typeof accountManager !== 'string' || accountManager.trim() === '')) {
      throw new ConfigError('API_KEYS', 'accountManager of a key must be a non-empty employeeId');
    }
    return { key, name, roles: roles as Role[], ...(typeof accountManager === 'string' ? { accountManager } : {}) };
  });
  if (specs.length === 0) throw new ConfigError('API_KEYS', 'must define at least one key');
  return specs;
}

/** The same name whether a key is configured in plaintext or as its `sha256:` entry. */
function sha256Prefix(key: string): string {
  return (sha256EntryHex(key) ?? createHash('sha256').update(key).digest('hex')).slice(0, 8);
}
