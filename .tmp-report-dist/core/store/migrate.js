import { META_DDL, MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { StoreError } from './types.js';
async function tableExists(conn, name) {
    const r = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = $name AND table_schema = 'main'`, { name });
    const row = r.getRowObjectsJS()[0];
    return row !== undefined && row['n'] === 1;
}
/** The schema version recorded in the file; 0 for a new (empty) database. */
export async function readSchemaVersion(conn) {
    if (!(await tableExists(conn, 'meta')))
        return 0;
    const r = await conn.runAndReadAll(`SELECT value FROM meta WHERE key = 'schema_version'`);
    const v = r.getRowObjectsJS()[0]?.['value'];
    const n = typeof v === 'string' ? Number.parseInt(v, 10) : 0;
    return Number.isFinite(n) ? n : 0;
}
async function apply(conn, m) {
    await conn.run('BEGIN TRANSACTION');
    try {
        for (const sql of m.statements)
            await conn.run(sql);
        await conn.run(`INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', $v)`, { v: String(m.version) });
        await conn.run('COMMIT');
    }
    catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw err;
    }
}
/**
 * Bring the database to SCHEMA_VERSION. Returns the versions applied (empty when current).
 * `migrations` is injectable for tests; it defaults to schema.ts's MIGRATIONS.
 */
export async function migrate(conn, opts = {}) {
    const list = opts.migrations ?? MIGRATIONS;
    const target = list[list.length - 1]?.version ?? SCHEMA_VERSION;
    const current = await readSchemaVersion(conn);
    if (current > target) {
        throw new StoreError('SCHEMA_TOO_NEW', `database schema version ${current} is newer than this hndl-scan supports (${target})`);
    }
    if (current === target)
        return [];
    if (opts.readOnly) {
        throw new StoreError('NEEDS_MIGRATION', `database schema version ${current} needs migration to ${target}; open it once read-write`);
    }
    await conn.run(META_DDL);
    const applied = [];
    for (const m of list) {
        if (m.version <= current)
            continue;
        await apply(conn, m);
        applied.push(m.version);
    }
    return applied;
}
//# sourceMappingURL=migrate.js.map