/**
 * Migration runner: reads meta.schema_version and applies every newer migration of
 * schema.ts in order, each in its own transaction together with the version bump.
 * A read-only store never migrates; it only checks that the file is at SCHEMA_VERSION.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { META_DDL, MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import type { Migration } from './schema.js';
import { StoreError } from './types.js';

async function tableExists(conn: DuckDBConnection, name: string): Promise<boolean> {
  const r = await conn.runAndReadAll(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = $name AND table_schema = 'main'`,
    { name },
  );
  const row = r.getRowObjectsJS()[0];
  return row !== undefined && row['n'] === 1;
}

/** The schema version recorded in the file; 0 for a new (empty) database. */
export async function readSchemaVersion(conn: DuckDBConnection): Promise<number> {
  if (!(await tableExists(conn, 'meta'))) return 0;
  const r = await conn.runAndReadAll(`SELECT value FROM meta WHERE key = 'schema_version'`);
  const v = r.getRowObjectsJS()[0]?.['value'];
  const n = typeof v === 'string' ? Number.parseInt(v, 10) : 0;
  return Number.isFinite(n) ? n : 0;
}

/** up to `max` names of the tables and views a database holds (main schema) */
async function someTables(conn: DuckDBConnection, max: number): Promise<string[]> {
  const r = await conn.runAndReadAll(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name LIMIT ${max}`,
  );
  return r.getRowObjectsJS().map((row) => String(row['table_name']));
}

async function apply(conn: DuckDBConnection, m: Migration): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    // in the transaction: a migration that fails leaves the file as it was, meta table included
    await conn.run(META_DDL);
    for (const sql of m.statements) await conn.run(sql);
    await conn.run(
      `INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', $v)`,
      { v: String(m.version) },
    );
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * Bring the database to SCHEMA_VERSION. Returns the versions applied (empty when current).
 * `migrations` is injectable for tests; it defaults to schema.ts's MIGRATIONS.
 */
export async function migrate(
  conn: DuckDBConnection,
  opts: { readOnly?: boolean; migrations?: readonly Migration[] } = {},
): Promise<number[]> {
  const list = opts.migrations ?? MIGRATIONS;
  const target = list[list.length - 1]?.version ?? SCHEMA_VERSION;
  const current = await readSchemaVersion(conn);
  if (current > target) {
    throw new StoreError(
      'SCHEMA_TOO_NEW',
      `database schema version ${current} is newer than this hndl-scan supports (${target})`,
    );
  }
  if (current === target) return [];
  if (opts.readOnly) {
    throw new StoreError(
      'NEEDS_MIGRATION',
      `database schema version ${current} needs migration to ${target}; open it once read-write`,
    );
  }
  if (current === 0) {
    // no schema version: a new file, or someone else's DuckDB database, which hndl-scan must not
    // fill with its tables
    const tables = await someTables(conn, 4);
    if (tables.length > 0) {
      throw new StoreError('NOT_HNDL_DB', `not an hndl-scan database: it already holds other tables (${tables.slice(0, 3).join(', ')}${tables.length > 3 ? ', …' : ''})`);
    }
  }
  const applied: number[] = [];
  for (const m of list) {
    if (m.version <= current) continue;
    await apply(conn, m);
    applied.push(m.version);
  }
  return applied;
}
