export function toMcpReport(info) {
    return {
        methods: [...info.methods],
        tools: [...(info.toolsCalled.length > 0 ? info.toolsCalled : info.toolsListed)],
        transport: info.transport,
        protocolVersion: info.protocolVersion,
        client: info.client,
        server: info.server,
        sessionIds: [...info.sessionIds],
        toolsCalled: [...info.toolsCalled],
        toolsListed: [...info.toolsListed],
        resourcesRead: [...info.resourcesRead],
        promptsGot: [...info.promptsGot],
        errors: info.errors,
        toolErrors: info.toolErrors,
        messageCount: info.messageCount,
        malformed: info.malformed,
        legacy: info.legacy,
    };
}
//# sourceMappingURL=report.js.map