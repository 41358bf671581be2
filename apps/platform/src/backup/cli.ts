/**
 * npm run backup -- --out <file>
 * npm run restore -- --from <file> [--erasures <ledger file>]
 *
 * Backup reads DATABASE_URL, else the embedded cluster of a running `npm start` (DATA_DIR/postgres.url). Restore loads
 * into DATABASE_URL, else the embedded cluster in DATA_DIR (started for the restore when the platform is not
 * running); it needs the same MASTER_KEY (or DATA_DIR key file) as the backed-up platform. Progress goes to stderr.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import { Logger } from '@nestjs/common';
import { loadConfig, redactUrl, resolveDatabaseUrl } from '@klantcentraal/config';
import { createRootLogger, useRootLogger } from '@klantcentraal/observability';
import { createPool, runMigrations } from '@klantcentraal/postgres';
import { parseLedger } from '@klantcentraal/privacy';
import { database, PLATFORM_MIGRATIONS } from '../platform';
import { createBackup } from './backup';
import { rebuildReadModels } from './rebuild-read-models';
import { restoreBackup, RestoreRefused } from './restore';

const USAGE = `usage: npm run backup -- --out <file>
       npm run restore -- --from <file> [--erasures <erasure ledger file>]`;

class UsageError extends Error {}

const progress = (message: string) => process.stderr.write(`${message}\n`);

function flags(args: readonly string[], allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]?.replace(/^--/, '');
    if (!allowed.includes(name) || args[i + 1] === undefined) throw new UsageError(`unexpected argument "${args[i]}"`);
    out[name] = args[i + 1];
  }
  return out;
}

async function backup(args: readonly string[]): Promise<void> {
  const { out } = flags(args, ['out']);
  if (!out) throw new UsageError('--out <file> is required');
  const { url, source } = resolveDatabaseUrl(process.env);
  progress(`backup: database ${redactUrl(url)} (from ${source})`);
  const pool = createPool(url, { max: 2 });
  try {
    const header = await createBackup(pool, out, progress);
    const total = Object.values(header.rows).reduce((a, b) => a + b, 0);
    progress(`backup: written to ${out} (${total} rows, events up to position ${header.headPosition})`);
  } finally {
    await pool.end();
  }
}

async function restore(args: readonly string[]): Promise<void> {
  const { from, erasures } = flags(args, ['from', 'erasures']);
  if (!from) throw new UsageError('--from <backup file> is required');
  if (!fs.existsSync(from)) throw new UsageError(`no such backup file: ${from}`);
  const ledger = erasures ? parseLedger(fs.readFileSync(erasures, 'utf8')) : null;
  const config = loadConfig();
  useRootLogger(createRootLogger({ format: 'text', level: 'warn' })); // stdout stays quiet: progress is on stderr
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    const { url } = await database(config, new Logger('restore'), cleanups, (err) => {
      throw err;
    });
    progress(`restore: database ${redactUrl(url)}`);
    await runMigrations(url, PLATFORM_MIGRATIONS);
    const pool = createPool(url, { max: 6 });
    cleanups.push(() => pool.end());
    const result = await restoreBackup(pool, from, ledger, progress);
    await rebuildReadModels(pool, config, progress);
    progress(
      `restore: done — events up to position ${result.header.headPosition} (backup of ${result.header.createdAt}), ` +
        `${result.streamsVerified} chains valid, read models rebuilt; the platform may start now`,
    );
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  try {
    if (command === 'backup') await backup(args);
    else if (command === 'restore') await restore(args);
    else throw new UsageError(`unknown command "${command ?? ''}"`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      progress(`${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof RestoreRefused) {
      progress(`restore refused: ${err.message}`);
      return 2;
    }
    progress(`${command} failed: ${(err as Error).message}`);
    return 1;
  }
}

void main().then((code) => process.exit(code));
