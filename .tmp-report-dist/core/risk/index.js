/**
 * Public API of the HNDL risk model: data categories and lifetimes, content detectors,
 * metadata hints, policy, CRQC curve, per-flow scoring and aggregation. Pure functions; the
 * engine wires them into the report.
 */
export { DEFAULT_CATEGORIES, DEFAULT_CATEGORY, MCP_DEFAULT_CATEGORY } from './categories.js';
export { DEFAULT_SCAN_LIMITS, scanJson, scanText } from './detectors.js';
export { defaultEvidence, httpHints, lookupHost, mcpHints, mcpTrafficEvidence, portHints, sniHints } from './hints.js';
export { PolicyError, defaultPolicy, loadPolicy, parsePolicy, validatePolicy } from './policy.js';
export { CRQC_PRESETS, DEFAULT_CRQC, crqcCurve, pCrqcWithin } from './crqc.js';
export { assessFlow, collectEvidence, levelFor } from './score.js';
export { aggregate, serverKeyOf } from './aggregate.js';
export { DEFAULT_DEADLINES } from './deadlines.js';
//# sourceMappingURL=index.js.map