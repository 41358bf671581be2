/**
 * Step 1 of a rebuild (see projection-rebuild.ts): clear leftovers of earlier rebuilds, refuse what a swap could not
 * carry, and create the scratch schema the replay writes into, with the live tables' definitions, sequences, foreign
 * keys and privileges.
 */
import type { PoolClient } from 'pg';
import type { Projection } from './projection';
import type { ProjectorLogger } from './projection-runner.types';
import { qualifiedTable, quoteIdent } from './sql';

/** The runner's own tables, which every scratch schema gets empty. */
export const BOOKKEEPING_TABLES = ['checkpoints', 'parked_events'];

export const ownedTables = (projections: readonly Projection[]) => projections.flatMap((p) => p.tables);
export const scratchSharedTables = (projections: readonly Projection[]) => {
  const owned = new Set(ownedTables(projections));
  return [...new Set(projections.flatMap((p) => p.sharedTables ?? []))].filter((t) => !owned.has(t));
};

/** Scratch and old schemas of crashed or inspected rebuilds (safe: we hold the rebuild lock). */
export async function dropLeftovers(client: PoolClient, schema: string, logger: ProjectorLogger): Promise<void> {
  const { rows } = await client.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname ~ ('^' || $1 || '_(rebuild|old)_[0-9]+$')`,
    [schema],
  );
  for (const { nspname } of rows) {
    logger.warn(`dropping schema ${nspname} left by an earlier rebuild`);
    await client.query(`DROP SCHEMA ${quoteIdent(nspname)} CASCADE`);
  }
}

export async function preflight(client: PoolClient, schema: string, selected: readonly Projection[]): Promise<void> {
  const tables = [...ownedTables(selected), ...scratchSharedTables(selected), ...BOOKKEEPING_TABLES];
  const { rows: missing } = await client.query<{ t: string }>(
    `SELECT t FROM unnest($2::text[]) AS t WHERE to_regclass(quote_ident($1) || '.' || quote_ident(t)) IS NULL`,
    [schema, tables],
  );
  if (missing.length) {
    throw new Error(`rebuild: table(s) ${missing.map((r) => `${schema}.${r.t}`).join(', ')} do not exist: run the migrations first`);
  }
  const { rows: unsupported } = await client.query<{ what: string }>(
    `SELECT CASE c.relkind WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view ' ELSE 'foreign table ' END || c.relname AS what
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('v', 'm', 'f')
     UNION ALL
     SELECT 'extension ' || e.extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE n.nspname = $1
     UNION ALL
     SELECT 'trigger ' || t.tgname || ' on ' || c.relname
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND NOT t.tgisinternal`,
    [schema, ownedTables(selected)],
  );
  if (unsupported.length) {
    throw new Error(
      `rebuild cannot carry these objects of schema ${schema} through the swap: ${unsupported.map((r) => r.what).join(', ')}. ` +
        'Keep read-model schemas to tables (with indexes, constraints, sequences), types and functions.',
    );
  }
}

/**
 * Creates the scratch schema and its tables. Returns the `CREATE INDEX` statements of the projections' `readIndexes`,
 * which the caller runs once the replay is done (`createDeferredIndexes`).
 */
export async function createScratchSchema(client: PoolClient, schema: string, target: string, selected: readonly Projection[]): Promise<string[]> {
  const rebuilt = ownedTables(selected);
  const tables = [...rebuilt, ...scratchSharedTables(selected), ...BOOKKEEPING_TABLES];
  const readIndexes = new Set(selected.flatMap((p) => p.readIndexes ?? []));
  const deferred: string[] = [];
  await client.query('BEGIN');
  try {
    await client.query(`CREATE SCHEMA ${quoteIdent(target)}`);
    for (const table of tables) {
      await client.query(`CREATE TABLE ${qualifiedTable(target, table)} (LIKE ${qualifiedTable(schema, table)} INCLUDING ALL EXCLUDING INDEXES)`);
      await recreateOwnedSequences(client, schema, target, table);
      deferred.push(...(await copyIndexes(client, schema, target, table, readIndexes)));
    }
    for (const table of tables) await copyForeignKeys(client, schema, target, table, new Set(tables));
    await copyPrivileges(client, schema, target, tables);
    await client.query('COMMIT');
    return deferred;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * The live table's indexes under their live names (LIKE would name them anew, so every rebuild renamed them): primary
 * key, unique and exclusion constraints as constraints, the others as plain `CREATE INDEX`. Those named in
 * `deferrable` (the projections' `readIndexes`) are returned instead of created: an index built once over the
 * finished table costs far less than one maintained row by row through the replay. Unique indexes are never
 * deferred (ON CONFLICT needs them).
 */
async function copyIndexes(client: PoolClient, schema: string, target: string, table: string, deferrable: ReadonlySet<string>): Promise<string[]> {
  const { rows } = await client.query<{ name: string; def: string; unique: boolean; constraint: string | null }>(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS def, x.indisunique AS unique,
            (SELECT pg_get_constraintdef(con.oid) FROM pg_constraint con
              WHERE con.conindid = x.indexrelid AND con.conrelid = x.indrelid AND con.contype IN ('p', 'u', 'x')) AS constraint
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = $1::regclass
      ORDER BY i.relname`,
    [qualifiedTable(schema, table)],
  );
  const deferred: string[] = [];
  for (const r of rows) {
    if (r.constraint !== null) {
      await client.query(`ALTER TABLE ${qualifiedTable(target, table)} ADD CONSTRAINT ${quoteIdent(r.name)} ${r.constraint}`);
      continue;
    }
    // pg_get_indexdef: `CREATE [UNIQUE] INDEX <name> ON <schema>.<table> USING <method> (<keys>) [INCLUDE …] [WHERE …]`.
    const using = r.def.indexOf(' USING ');
    if (using < 0) throw new Error(`rebuild: cannot read the definition of index ${schema}.${r.name}: ${r.def}`);
    const sql = `CREATE ${r.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(r.name)} ON ${qualifiedTable(target, table)}${r.def.slice(using)}`;
    if (!r.unique && deferrable.has(r.name)) deferred.push(sql);
    else await client.query(sql);
  }
  return deferred;
}

/**
 * After the replay, before the swap: build the deferred indexes, then ANALYZE the rebuilt tables — the scratch
 * tables have no statistics yet, and the first queries after the swap should not be planned without any.
 */
export async function finishScratchTables(client: PoolClient, target: string, selected: readonly Projection[], deferredIndexes: readonly string[]): Promise<void> {
  for (const sql of deferredIndexes) await client.query(sql);
  for (const table of ownedTables(selected)) await client.query(`ANALYZE ${qualifiedTable(target, table)}`);
}

/**
 * LIKE … INCLUDING ALL copies a serial column's default as `nextval(<the old table's sequence>)`: the new table would
 * share the old sequence and lose its default when the old schema is dropped. Give it its own sequence (identity
 * columns get one from LIKE already).
 */
async function recreateOwnedSequences(client: PoolClient, schema: string, target: string, table: string): Promise<void> {
  const { rows } = await client.query<{
    column: string;
    sequence: string;
    type: string;
    start: string;
    increment: string;
    min: string;
    max: string;
    cache: string;
    cycle: boolean;
  }>(
    `SELECT a.attname AS column, seq.relname AS sequence, format_type(s.seqtypid, NULL) AS type, s.seqstart::text AS start,
            s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max, s.seqcache::text AS cache,
            s.seqcycle AS cycle
       FROM pg_attrdef d
       JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
       JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid AND dep.refclassid = 'pg_class'::regclass
       JOIN pg_class seq ON seq.oid = dep.refobjid AND seq.relkind = 'S'
       JOIN pg_sequence s ON s.seqrelid = seq.oid
      WHERE d.adrelid = $1::regclass AND pg_get_serial_sequence($2, a.attname)::regclass = seq.oid`,
    [qualifiedTable(target, table), qualifiedTable(schema, table)],
  );
  for (const r of rows) {
    const sequence = qualifiedTable(target, r.sequence);
    await client.query(
      `CREATE SEQUENCE ${sequence} AS ${r.type} INCREMENT BY ${r.increment} MINVALUE ${r.min} MAXVALUE ${r.max} START WITH ${r.start} ` +
        `CACHE ${r.cache} ${r.cycle ? 'CYCLE' : 'NO CYCLE'} OWNED BY ${qualifiedTable(target, table)}.${quoteIdent(r.column)}`,
    );
    await client.query(
      `ALTER TABLE ${qualifiedTable(target, table)} ALTER COLUMN ${quoteIdent(r.column)} SET DEFAULT nextval('${sequence.replace(/'/g, "''")}'::regclass)`,
    );
  }
}

/** LIKE does not copy foreign keys. References to tables rebuilt alongside point into the scratch schema. */
async function copyForeignKeys(client: PoolClient, schema: string, target: string, table: string, copied: ReadonlySet<string>): Promise<void> {
  const { rows } = await client.query<{ name: string; def: string; ref: string; refname: string; refschema: string }>(
    `SELECT con.conname AS name, pg_get_constraintdef(con.oid) AS def, con.confrelid::regclass::text AS ref,
            rc.relname AS refname, rn.nspname AS refschema
       FROM pg_constraint con JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE con.conrelid = $1::regclass AND con.contype = 'f'`,
    [qualifiedTable(schema, table)],
  );
  for (const r of rows) {
    const def =
      r.refschema === schema && copied.has(r.refname) ? r.def.replace(`REFERENCES ${r.ref}(`, `REFERENCES ${qualifiedTable(target, r.refname)}(`) : r.def;
    await client.query(`ALTER TABLE ${qualifiedTable(target, table)} ADD CONSTRAINT ${quoteIdent(r.name)} ${def}`);
  }
}

/** Grants on the schema, on its tables and its default privileges, so roles that read the read models still can. */
async function copyPrivileges(client: PoolClient, schema: string, target: string, tables: readonly string[]): Promise<void> {
  const grantee = `CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END`;
  const option = `CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END`;
  const { rows } = await client.query<{ sql: string }>(
    `SELECT format('GRANT %s ON SCHEMA %I TO %s%s', a.privilege_type, $2::text, ${grantee}, ${option}) AS sql
       FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = $1
     UNION ALL
     SELECT format('GRANT %s ON TABLE %I.%I TO %s%s', a.privilege_type, $2::text, c.relname, ${grantee}, ${option})
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
      WHERE n.nspname = $1 AND c.relname = ANY($3::text[])
     UNION ALL
     SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT %s ON %s TO %s%s', pg_get_userbyid(d.defaclrole), $2::text,
                   a.privilege_type,
                   CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS' ELSE 'TYPES' END,
                   ${grantee}, ${option})
       FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
      WHERE n.nspname = $1`,
    [schema, target, tables],
  );
  for (const { sql } of rows) await client.query(sql);
}
