import * as fs from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '@klantcentraal/postgres';
import { BACKUP_FORMAT, BACKUP_TABLES, BACKUP_VERSION, type BackupHeader, type Progress } from './backup-format';

const FETCH_ROWS = 5000;

/**
 * Writes one consistent snapshot (a REPEATABLE READ, READ ONLY transaction: appends and erasures running meanwhile
 * are either wholly in it or not at all) to `out`, via a temporary file renamed at the end so a failed backup never
 * leaves a truncated file under the expected name. The file gets mode 0600 (it holds wrapped keys).
 */
export async function createBackup(pool: Pool, out: string, progress: Progress): Promise<BackupHeader> {
  const partial = `${out}.partial`;
  const file = fs.createWriteStream(partial, { mode: 0o600 });
  const gzip = createGzip();
  gzip.pipe(file);
  const write = async (line: string) => {
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  };
  try {
    const header = await withTransaction(pool, (client) => writeSnapshot(client, write, progress), 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    gzip.end();
    await once(file, 'close');
    fs.renameSync(partial, out);
    return header;
  } catch (err) {
    gzip.destroy();
    file.destroy();
    fs.rmSync(partial, { force: true });
    throw err;
  }
}

async function writeSnapshot(client: PoolClient, write: (line: string) => Promise<void>, progress: Progress): Promise<BackupHeader> {
  const rows: Record<string, number> = {};
  for (const table of BACKUP_TABLES) {
    const { rows: counted } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table.name}`);
    rows[table.name] = counted[0].n;
  }
  const { rows: head } = await client.query<{ value: string }>('SELECT value FROM event_store.global_position');
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: new Date().toISOString(),
    headPosition: Number(head[0]?.value ?? 0),
    rows,
  };
  await write(JSON.stringify(header));
  for (const table of BACKUP_TABLES) {
    await write(JSON.stringify({ table: table.name }));
    await client.query(`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS row FROM ${table.name} t ORDER BY ${table.orderBy}`);
    let done = 0;
    let reported = Date.now();
    for (;;) {
      const page = await client.query<{ row: string }>(`FETCH ${FETCH_ROWS} FROM backup_rows`);
      for (const r of page.rows) await write(r.row);
      done += page.rows.length;
      if (Date.now() - reported > 1000) {
        progress(`backup: ${table.name} ${done}/${rows[table.name]} rows`);
        reported = Date.now();
      }
      if (page.rows.length < FETCH_ROWS) break;
    }
    await client.query('CLOSE backup_rows');
    progress(`backup: ${table.name} ${done} rows`);
  }
  return header;
}
