/**
 * Public entry of the DuckDB store (core/store): open a database, write and query scans.
 */
export { openStore } from './store.js';
export { migrate, readSchemaVersion } from './migrate.js';
export { SCHEMA_VERSION, MIGRATIONS, FLOW_COLUMNS, INPUT_COLUMNS } from './schema.js';
export { StoreError, FLOW_SORT_KEYS } from './types.js';
export { DEFAULT_LIMIT, MAX_LIMIT } from './query.js';
export { scanOverview, categoryHeatmap, timeHeatmap, mcpInventory, listFindings, flowDetail, compareScans, NOT_ASSESSED, } from './dashboard.js';
export { SERVER_LABEL_SQL, UNASSESSED } from './query.js';
//# sourceMappingURL=index.js.map