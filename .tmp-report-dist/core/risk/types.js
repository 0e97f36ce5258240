/**
 * Shared types of the HNDL risk model (core/risk). Evidence names where a category was inferred
 * from and how strongly — never the matched value itself.
 */
/** strength of each source: declared > content > MCP metadata > HTTP > SNI > port > default */
export const SOURCE_RANK = {
    declared: 6,
    content: 5,
    mcp: 4,
    http: 3,
    sni: 2,
    port: 1,
    default: 0,
};
export const CONFIDENCE_RANK = { high: 3, medium: 2, low: 1 };
//# sourceMappingURL=types.js.map