/**
 * Public entry of the DuckDB store (core/store): open a database, write and query scans.
 */
export { openStore } from './store.js';
export { migrate, readSchemaVersion } from './migrate.js';
export { SCHEMA_VERSION, MIGRATIONS, FLOW_COLUMNS, INPUT_COLUMNS } from './schema.js';
export type { Migration } from './schema.js';
export { StoreError, FLOW_SORT_KEYS } from './types.js';
export type {
  Store, StoreErrorCode, OpenStoreOptions, WriteScanOptions, ListFlowsOptions, FlowSortKey,
  FlowPage, ScanRecord, ScanListItem,
} from './types.js';
export { DEFAULT_LIMIT, MAX_LIMIT } from './query.js';
export {
  scanOverview, categoryHeatmap, timeHeatmap, mcpInventory, listFindings, flowDetail, compareScans, NOT_ASSESSED,
} from './dashboard.js';
export type {
  Overview, CategoryHeatmap, TimeHeatmap, HeatCell, McpInventoryView, McpServerStatus, FindingRow, FlowDetail,
  CompareResult, CompareSide,
} from './dashboard.js';
export { SERVER_LABEL_SQL, UNASSESSED } from './query.js';
export type { QueryFn, QueryRow } from './types.js';
