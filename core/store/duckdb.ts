/**
 * The DuckDB packages, loaded with require(). Both are CommonJS: an ESM `import` of
 * @duckdb/node-api makes Node's ESM loader analyse the exports of every module it pulls in
 * (≈ 190) before linking, which took 83–100 ms here against 44–69 ms for require() — time
 * spent on every `--db` scan, `db` command and dashboard start. Types still come from
 * `import type`; only the values go through this module.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type Api = typeof import('@duckdb/node-api');

const api = require('@duckdb/node-api') as Api;

/** @duckdb/node-bindings: the C API calls chunks.ts makes directly */
export const bindings = require('@duckdb/node-bindings') as typeof import('@duckdb/node-bindings');

export const DuckDBInstance: Api['DuckDBInstance'] = api.DuckDBInstance;
export type DuckDBInstance = import('@duckdb/node-api').DuckDBInstance;
export const DuckDBDataChunk: Api['DuckDBDataChunk'] = api.DuckDBDataChunk;
export type DuckDBDataChunk = import('@duckdb/node-api').DuckDBDataChunk;
export const timestampValue: Api['timestampValue'] = api.timestampValue;
