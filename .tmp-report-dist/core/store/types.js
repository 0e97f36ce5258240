export class StoreError extends Error {
    code;
    constructor(code, message, options) {
        super(message, options);
        this.name = 'StoreError';
        this.code = code;
    }
}
/** Sort keys accepted by listFlows (whitelisted; mapped to SQL in query.ts). */
export const FLOW_SORT_KEYS = [
    'id', 'firstSeen', 'lastSeen', 'bytes', 'packets', 'client', 'server', 'serverPort', 'sni',
    'transport', 'app', 'offered', 'negotiated', 'group', 'risk',
];
//# sourceMappingURL=types.js.map