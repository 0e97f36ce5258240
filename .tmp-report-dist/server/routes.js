import { SCHEMA_VERSION } from '../core/store/index.js';
import { ApiError } from './errors.js';
import { getScanRoute, healthRoute, importScanRoute, listFlowsRoute, listScansRoute } from './schemas.js';
/** the flows query string → store filters (absent keys stay absent) */
function flowFilters(q) {
    const o = { limit: q.limit, offset: q.offset, sort: q.sort, order: q.order };
    if (q.kex !== undefined)
        o.kexNegotiated = q.kex;
    if (q.server !== undefined)
        o.server = q.server;
    if (q.offered !== undefined)
        o.kexOffered = q.offered;
    if (q.label !== undefined)
        o.serverLabel = q.label;
    if (q.risk !== undefined)
        o.riskLevel = q.risk;
    if (q.category !== undefined)
        o.category = q.category;
    if (q.mcp !== undefined)
        o.mcp = q.mcp;
    if (q.q !== undefined)
        o.search = q.q;
    if (q.from !== undefined)
        o.from = q.from;
    if (q.to !== undefined)
        o.to = q.to;
    return o;
}
export async function apiRoutes(app, store) {
    app.get('/health', { schema: healthRoute }, async () => ({
        status: 'ok',
        schemaVersion: SCHEMA_VERSION,
        readOnly: store.readOnly,
    }));
    app.get('/scans', { schema: listScansRoute }, async () => ({ scans: await store.listScans() }));
    app.get('/scans/:id', { schema: getScanRoute }, async (request) => {
        const scan = await store.getScan(request.params.id);
        if (scan === null)
            throw new ApiError('NOT_FOUND', 'no such scan');
        return scan;
    });
    app.get('/scans/:id/flows', { schema: listFlowsRoute }, async (request) => {
        const page = await store.listFlows(request.params.id, flowFilters(request.query));
        if (page === null)
            throw new ApiError('NOT_FOUND', 'no such scan');
        return page;
    });
    app.post('/scans', { schema: importScanRoute }, async (request, reply) => {
        const report = request.body;
        await store.writeScan(report);
        return reply.code(201).send({ id: report.scan.id, flows: report.flows.length });
    });
}
//# sourceMappingURL=routes.js.map