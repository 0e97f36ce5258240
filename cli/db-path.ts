/**
 * The --db path of `hndl-scan` and `hndl-scan serve`: what it may be, and the one line a user
 * gets when a database cannot be opened.
 */
import { UsageError } from './errors.js';

/**
 * --db must name a file: DuckDB reads '' and ':memory:' as an in-memory database, which would
 * drop the scan without a word.
 */
export function checkDbPath(path: string): void {
  if (path.trim() === '' || path === ':memory:' || path.startsWith(':memory:')) {
    throw new UsageError(`--db needs a file path, got '${path}' (an in-memory database would lose the scan)`);
  }
}

/** the user-facing line for a database that cannot be opened (the first line of DuckDB's reason, bounded) */
export function dbOpenProblem(path: string, e: unknown): string {
  const msg = ((e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '').slice(0, 300);
  const hint = /lock/i.test(msg)
    ? 'another process has it open: stop it or give --db another file'
    : /newer than this hndl-scan/i.test(msg)
      ? 'use the hndl-scan version that wrote it'
      : /not an hndl-scan database/i.test(msg)
        ? 'give --db a new path or a database hndl-scan made'
        : 'give --db a DuckDB file made by hndl-scan, or a new path';
  return `${path}: cannot open the database (${msg}); ${hint}`;
}

