/**
 * The salespeople's terminal tail of `GET /v1/feed` (`npm run feed -- --account-manager u-17`): one readable line
 * per insight, reconnecting with `Last-Event-ID` so nothing is missed while the connection was down.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { insightLine } from './insight-line';
import { openSse } from './sse-reader';

export type TailOptions = Readonly<{
  url: string;
  key: string;
  accountManager: string | null;
  types: string | null;
  /** Raw CloudEvent JSON per line instead of the readable line. */
  json: boolean;
}>;

export const TAIL_USAGE = `usage: npm run feed -- [--account-manager <employeeId>] [--types <type,type>] [--url <base url>] [--key <api key>] [--json]

  --account-manager  only insights about this account manager's customers (e.g. u-17)
  --types            only these insight types, comma-separated (customer-at-risk, detractor-responded, …)
  --url              the platform (default http://localhost:$PORT, PORT default 3000)
  --key              an API key with role sales; default $KLANTCENTRAAL_KEY, else the sales key of
                     <DATA_DIR or .data>/dev-api-keys.json (written by npm start)
  --json             print each insight's CloudEvent JSON instead of a readable line`;

export class UsageError extends Error {}

/** The tail's options from its arguments and environment (throws UsageError with the reason). */
export function parseTailArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): TailOptions {
  const flags = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') {
      json = true;
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2);
    if (!['--account-manager', '--types', '--url', '--key'].includes(name)) throw new UsageError(`unknown argument ${arg}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    flags.set(name, value);
  }
  const url = (flags.get('--url') ?? `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, '');
  const key = flags.get('--key') ?? (env.KLANTCENTRAAL_KEY || null) ?? devSalesKey(path.resolve(cwd, env.DATA_DIR || '.data'));
  if (!key) {
    throw new UsageError('no API key: pass --key, set KLANTCENTRAAL_KEY, or start the platform (npm start) so that dev keys exist');
  }
  return { url, key, accountManager: flags.get('--account-manager') ?? null, types: flags.get('--types') ?? null, json };
}

/** The dev key with role `sales` (else `admin`) from `<dataDir>/dev-api-keys.json`; null when there is none. */
export function devSalesKey(dataDir: string): string | null {
  let keys: Record<string, { roles?: unknown }>;
  try {
    keys = JSON.parse(fs.readFileSync(path.join(dataDir, 'dev-api-keys.json'), 'utf8'));
  } catch {
    return null;
  }
  const withRole = (role: string) =>
    Object.entries(keys).find(([, spec]) => Array.isArray(spec?.roles) && spec.roles.includes(role))?.[0] ?? null;
  return withRole('sales') ?? withRole('admin');
}

export type TailOutput = Readonly<{ line(text: string): void; note(text: string): void }>;

/** Refusals that retrying cannot fix (bad key, wrong role, bad filter). */
export class TailRefused extends Error {}

/**
 * Follows the feed until `signal` aborts: prints each insight, reconnects (1 s doubling to 30 s) with the last id seen.
 * Rejects with TailRefused on 400/401/403.
 */
export async function tailFeed(options: TailOptions, output: TailOutput, signal: AbortSignal, reconnectMs = 1_000): Promise<void> {
  const query = new URLSearchParams();
  if (options.accountManager) query.set('accountManager', options.accountManager);
  if (options.types) query.set('types', options.types);
  const url = `${options.url}/v1/feed${query.toString() ? `?${query}` : ''}`;
  let lastEventId: string | null = null;
  let delay = reconnectMs;
  while (!signal.aborted) {
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${options.key}` };
      if (lastEventId) headers['last-event-id'] = lastEventId;
      const connection = await openSse(url, headers);
      if (connection.status === 400 || connection.status === 401 || connection.status === 403) {
        throw new TailRefused(`${url} answered ${connection.status}: ${errorMessageOf(connection.errorBody)}`);
      }
      if (connection.status !== 200) throw new Error(`${url} answered ${connection.status}`);
      const abort = () => connection.close();
      signal.addEventListener('abort', abort, { once: true });
      output.note(`connected to ${url}${lastEventId ? ` (resuming after ${lastEventId})` : ''}`);
      delay = reconnectMs;
      try {
        for await (const item of connection.items) {
          if (item.kind !== 'message') continue;
          if (item.id) lastEventId = item.id;
          output.line(options.json ? item.data : insightLine(JSON.parse(item.data)));
        }
      } finally {
        signal.removeEventListener('abort', abort);
      }
      if (!signal.aborted) output.note('the server closed the feed');
    } catch (err) {
      if (err instanceof TailRefused) throw err;
      if (signal.aborted) break;
      output.note(`feed unavailable (${describe(err)})`);
    }
    if (signal.aborted) break;
    output.note(`reconnecting in ${Math.round(delay / 1000)} s${lastEventId ? ` with Last-Event-ID ${lastEventId}` : ''}`);
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, delay);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve(undefined)), { once: true });
    });
    delay = Math.min(30_000, delay * 2);
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? err.message;
}

function errorMessageOf(body: string | null): string {
  try {
    return (JSON.parse(body ?? '') as { message?: string }).message ?? String(body);
  } catch {
    return body || 'refused';
  }
}
