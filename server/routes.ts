/**
 * The /api routes: health, scan list, one scan, a scan's flows (paged, sorted, filtered in
 * SQL by the store) and POST /api/scans to import a JSON report.
 */
import type { FastifyInstance } from 'fastify';
import { SCHEMA_VERSION } from '../core/store/index.js';
import type { FlowSortKey, Store } from '../core/store/index.js';
import type { ScanReport } from '../core/report/model.js';
import type { KexClass } from '../core/tls/types.js';
import { ApiError } from './errors.js';
import { getScanRoute, healthRoute, importScanRoute, listFlowsRoute, listScansRoute } from './schemas.js';

interface IdParams {
  id: string;
}

interface FlowsQuery {
  limit: number;
  offset: number;
  sort: FlowSortKey;
  order: 'asc' | 'desc';
  kex?: KexClass;
  server?: string;
}

export async function apiRoutes(app: FastifyInstance, store: Store): Promise<void> {
  app.get('/health', { schema: healthRoute }, async () => ({
    status: 'ok',
    schemaVersion: SCHEMA_VERSION,
    readOnly: store.readOnly,
  }));

  app.get('/scans', { schema: listScansRoute }, async () => ({ scans: await store.listScans() }));

  app.get<{ Params: IdParams }>('/scans/:id', { schema: getScanRoute }, async (request) => {
    const scan = await store.getScan(request.params.id);
    if (scan === null) throw new ApiError('NOT_FOUND', 'no such scan');
    return scan;
  });

  app.get<{ Params: IdParams; Querystring: FlowsQuery }>(
    '/scans/:id/flows',
    { schema: listFlowsRoute },
    async (request) => {
      const q = request.query;
      const page = await store.listFlows(request.params.id, {
        limit: q.limit,
        offset: q.offset,
        sort: q.sort,
        order: q.order,
        ...(q.kex !== undefined ? { kexNegotiated: q.kex } : {}),
        ...(q.server !== undefined ? { server: q.server } : {}),
      });
      if (page === null) throw new ApiError('NOT_FOUND', 'no such scan');
      return page;
    },
  );

  app.post<{ Body: ScanReport }>('/scans', { schema: importScanRoute }, async (request, reply) => {
    const report = request.body;
    await store.writeScan(report);
    return reply.code(201).send({ id: report.scan.id, flows: report.flows.length });
  });
}
