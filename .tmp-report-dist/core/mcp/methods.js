/**
 * The MCP method namespace (Model Context Protocol specification 2024-11-05 … 2026-07-28,
 * "Base Protocol" and "Server/Client Features"). A method in MCP_METHODS is MCP evidence on
 * its own; `ping` and unknown `notifications/*` are shared with other JSON-RPC dialects and
 * only count together with stronger evidence.
 */
export const MCP_METHODS = new Set([
    'initialize',
    'notifications/initialized',
    'notifications/cancelled',
    'notifications/progress',
    'notifications/message',
    'notifications/roots/list_changed',
    'notifications/resources/list_changed',
    'notifications/resources/updated',
    'notifications/tools/list_changed',
    'notifications/prompts/list_changed',
    'notifications/elicitation/complete',
    'tools/list',
    'tools/call',
    'resources/list',
    'resources/templates/list',
    'resources/read',
    'resources/subscribe',
    'resources/unsubscribe',
    'prompts/list',
    'prompts/get',
    'sampling/createMessage',
    'elicitation/create',
    'roots/list',
    'completion/complete',
    'logging/setLevel',
    'tasks/get',
    'tasks/list',
    'tasks/result',
    'tasks/cancel',
]);
/** prefixes only MCP uses */
const MCP_PREFIXES = ['tools/', 'resources/', 'prompts/', 'sampling/', 'elicitation/', 'roots/', 'completion/'];
export function mcpMethodEvidence(method) {
    if (MCP_METHODS.has(method))
        return 'strong';
    for (const p of MCP_PREFIXES)
        if (method.startsWith(p))
            return 'strong';
    if (method === 'ping' || method.startsWith('notifications/'))
        return 'weak';
    return 'none';
}
//# sourceMappingURL=methods.js.map