/** The tool's version, reported in every output (kept in step with package.json by a test). */
export const TOOL_NAME = 'hndl-scan';
export const TOOL_VERSION = '0.1.0';
//# sourceMappingURL=version.js.map