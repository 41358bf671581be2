import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Pool, PoolClient } from 'pg';
import { verifyPostgresEventStore } from '@klantcentraal/event-store';
import { withTransaction } from '@klantcentraal/postgres';
import { applyLedger, type LedgerEntry } from '@klantcentraal/privacy';
import { BACKUP_FORMAT, BACKUP_TABLES, BACKUP_VERSION, CONTENT_TABLES, type BackupHeader, type Progress } from './backup-format';

const INSERT_BATCH = 1000;

/** A restore that must not happen (non-empty target, a file that is not a complete backup): exit 2, nothing written. */
export class RestoreRefused extends Error {}

export type RestoreResult = Readonly<{
  header: BackupHeader;
  erasuresApplied: number;
  keysDestroyed: number;
  streamsVerified: number;
  eventsVerified: number;
}>;

/**
 * Loads a backup into an empty, migrated database, in one transaction (a failure leaves the database as empty as it
 * was), then re-applies the erasure ledger — so erasures made after the backup destroy the restored copies of their
 * keys before anything can read them — and verifies every hash chain. Rebuilding the read models is the caller's
 * next step (it needs the decrypting event store).
 */
export async function restoreBackup(pool: Pool, from: string, ledger: readonly LedgerEntry[] | null, progress: Progress): Promise<RestoreResult> {
  for (const table of CONTENT_TABLES) {
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    if (rows[0].n > 0) {
      throw new RestoreRefused(
        `the target database is not empty (${table} holds ${rows[0].n} rows): restore only loads into an empty database; ` +
          'point DATABASE_URL (or DATA_DIR) at a new one',
      );
    }
  }
  const header = await withTransaction(pool, (client) => loadRows(client, from, progress));

  let keysDestroyed = 0;
  if (ledger && ledger.length > 0) {
    const applied = await applyLedger(pool, ledger);
    keysDestroyed = applied.keysDestroyed;
    progress(`restore: erasure ledger applied (${ledger.length} erasures, ${applied.entriesAdded} newer than the backup, ${keysDestroyed} data keys destroyed)`);
  } else {
    progress('restore: no erasure ledger given (--erasures): erasures made after the backup are NOT re-applied');
  }

  const verification = await verifyPostgresEventStore(pool, {
    onProgress: (p) => progress(`restore: verifying hash chains: ${p.events} events, ${p.streams} streams`),
  });
  if (!verification.valid) {
    const first = verification.broken.slice(0, 5).map((b) => `${b.stream} at revision ${b.firstInvalidRevision}`).join(', ');
    throw new Error(`restored hash chains do not verify: ${verification.broken.length} broken streams (${first})`);
  }
  progress(`restore: every hash chain is valid (${verification.streams} streams, ${verification.events} events)`);
  return { header, erasuresApplied: ledger?.length ?? 0, keysDestroyed, streamsVerified: verification.streams, eventsVerified: verification.events };
}

async function loadRows(client: PoolClient, from: string, progress: Progress): Promise<BackupHeader> {
  const lines = readline.createInterface({ input: fs.createReadStream(from).pipe(createGunzip()), crlfDelay: Infinity });
  let header: BackupHeader | null = null;
  let table: (typeof BACKUP_TABLES)[number] | null = null;
  let batch: string[] = [];
  const loaded: Record<string, number> = {};
  const flush = async () => {
    if (!table || batch.length === 0) return;
    await client.query(`INSERT INTO ${table.name} SELECT * FROM json_populate_recordset(NULL::${table.name}, $1::json)`, [`[${batch.join(',')}]`]);
    loaded[table.name] = (loaded[table.name] ?? 0) + batch.length;
    batch = [];
  };
  for await (const line of lines) {
    if (line === '') continue;
    if (!header) {
      header = parseHeader(line);
      continue;
    }
    if (line.startsWith('{"table":')) {
      await flush();
      if (table) progress(`restore: ${table.name} ${loaded[table.name] ?? 0} rows`);
      const name = (JSON.parse(line) as { table: unknown }).table;
      table = BACKUP_TABLES.find((t) => t.name === name) ?? null;
      if (!table) throw new RestoreRefused(`the backup names an unknown table ${JSON.stringify(name)}`);
      if (table.seeded) await client.query(`DELETE FROM ${table.name}`);
      continue;
    }
    if (!table) throw new RestoreRefused('the backup has rows before its first table line');
    batch.push(line);
    if (batch.length >= INSERT_BATCH) await flush();
  }
  await flush();
  if (table) progress(`restore: ${table.name} ${loaded[table.name] ?? 0} rows`);
  if (!header) throw new RestoreRefused(`${from} is empty: not a backup`);
  for (const [name, expected] of Object.entries(header.rows)) {
    if ((loaded[name] ?? 0) !== expected) {
      throw new RestoreRefused(`the backup is incomplete: ${name} has ${loaded[name] ?? 0} rows, its header says ${expected}`);
    }
  }
  for (const t of BACKUP_TABLES) {
    if (t.serial) {
      await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT max(${t.serial}) FROM ${t.name}), 1))`, [t.name, t.serial]);
    }
  }
  return header;
}

function parseHeader(line: string): BackupHeader {
  let value: Partial<BackupHeader>;
  try {
    value = JSON.parse(line) as Partial<BackupHeader>;
  } catch {
    throw new RestoreRefused('not a Klantcentraal backup (the first line is not JSON)');
  }
  if (value.format !== BACKUP_FORMAT) throw new RestoreRefused(`not a Klantcentraal backup (format ${JSON.stringify(value.format)})`);
  if (value.version !== BACKUP_VERSION) throw new RestoreRefused(`backup version ${value.version} is not supported (this version reads ${BACKUP_VERSION})`);
  return value as BackupHeader;
}
