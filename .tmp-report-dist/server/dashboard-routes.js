import { categoryHeatmap, compareScans, flowDetail, listFindings, mcpInventory, scanOverview, timeHeatmap, } from '../core/store/index.js';
import { groupName } from '../core/tls/groups.js';
import { cipherSuiteName } from '../core/tls/suites.js';
import { ApiError } from './errors.js';
import { categoryHeatmapRoute, compareRoute, deleteScanRoute, findingsRoute, flowDetailRoute, mcpInventoryRoute, overviewRoute, timeHeatmapRoute, } from './dashboard-schemas.js';
function found(v, what = 'no such scan') {
    if (v === null)
        throw new ApiError('NOT_FOUND', what);
    return v;
}
/** TLS SignatureScheme names (RFC 8446 §4.2.3, draft-ietf-tls-mldsa) for display */
const SIG_SCHEMES = {
    0x0401: 'rsa_pkcs1_sha256', 0x0501: 'rsa_pkcs1_sha384', 0x0601: 'rsa_pkcs1_sha512',
    0x0403: 'ecdsa_secp256r1_sha256', 0x0503: 'ecdsa_secp384r1_sha384', 0x0603: 'ecdsa_secp521r1_sha512',
    0x0804: 'rsa_pss_rsae_sha256', 0x0805: 'rsa_pss_rsae_sha384', 0x0806: 'rsa_pss_rsae_sha512',
    0x0807: 'ed25519', 0x0808: 'ed448', 0x0809: 'rsa_pss_pss_sha256', 0x080a: 'rsa_pss_pss_sha384',
    0x080b: 'rsa_pss_pss_sha512', 0x0201: 'rsa_pkcs1_sha1', 0x0203: 'ecdsa_sha1',
    0x0904: 'mldsa44', 0x0905: 'mldsa65', 0x0906: 'mldsa87',
};
export async function dashboardRoutes(app, store) {
    app.get('/scans/:id/overview', { schema: overviewRoute }, async (request) => found(await scanOverview(store, request.params.id, request.query.top)));
    app.get('/scans/:id/heatmap/category', { schema: categoryHeatmapRoute }, async (request) => found(await categoryHeatmap(store, request.params.id, request.query.servers)));
    app.get('/scans/:id/heatmap/time', { schema: timeHeatmapRoute }, async (request) => found(await timeHeatmap(store, request.params.id, request.query.buckets, request.query.servers)));
    app.get('/scans/:id/mcp', { schema: mcpInventoryRoute }, async (request) => found(await mcpInventory(store, request.params.id)));
    app.get('/scans/:id/findings', { schema: findingsRoute }, async (request) => {
        const q = request.query;
        return found(await listFindings(store, request.params.id, {
            limit: q.limit,
            ...(q.level !== undefined ? { level: q.level } : {}),
            ...(q.rule !== undefined ? { ruleId: q.rule } : {}),
        }));
    });
    app.get('/scans/:id/flows/:flowId', { schema: flowDetailRoute }, async (request) => {
        const d = found(await flowDetail(store, request.params.id, request.params.flowId), 'no such flow');
        const tls = d.flow.tls;
        const groups = {};
        const sigs = {};
        if (tls !== null) {
            for (const g of [...tls.offeredGroups, ...tls.keyShareGroups, ...(tls.selectedGroup !== null ? [tls.selectedGroup] : [])]) {
                groups[String(g)] = groupName(g);
            }
            for (const s of tls.signatureAlgorithms ?? []) {
                sigs[String(s)] = SIG_SCHEMES[s] ?? `0x${s.toString(16).padStart(4, '0')}`;
            }
        }
        const cs = tls?.cipherSuite ?? null;
        return { ...d, names: { groups, cipherSuite: cs === null ? null : cipherSuiteName(cs), signatureAlgorithms: sigs } };
    });
    app.delete('/scans/:id', { schema: deleteScanRoute }, async (request, reply) => {
        const deleted = await store.deleteScan(request.params.id);
        if (!deleted)
            throw new ApiError('NOT_FOUND', 'no such scan');
        return reply.code(204).send();
    });
    app.get('/compare', { schema: compareRoute }, async (request) => {
        const q = request.query;
        return found(await compareScans(store, q.a, q.b, q.limit), 'no such scan (both a and b must exist)');
    });
}
//# sourceMappingURL=dashboard-routes.js.map