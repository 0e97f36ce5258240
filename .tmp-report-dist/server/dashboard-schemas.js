/**
 * JSON schemas of the dashboard routes (server/dashboard-routes.ts) and of the upload routes
 * (server/upload-routes.ts): params, query strings and responses. Response schemas list every
 * field so Fastify's serializer never leaks anything else. Shapes: core/store/dashboard-types.ts.
 */
import { errorSchema } from './errors.js';
import { flowSchema, idParams } from './schemas.js';
const KEX = { type: 'string', enum: ['plaintext', 'classical', 'hybrid', 'pq', 'unknown'] };
const LEVEL = { type: 'string', enum: ['none', 'low', 'medium', 'high', 'critical'] };
const nullableLevel = { type: ['string', 'null'], enum: ['none', 'low', 'medium', 'high', 'critical', null] };
const nullableString = { type: ['string', 'null'] };
const nullableNumber = { type: ['number', 'null'] };
const int = { type: 'integer' };
const strings = { type: 'array', items: { type: 'string' } };
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 500: errorSchema };
function obj(properties) {
    return { type: 'object', required: Object.keys(properties), properties };
}
const heatCell = {
    server: { type: 'string' },
    flows: int,
    bytes: int,
    maxScore: nullableNumber,
    level: nullableLevel,
    worstClass: KEX,
};
const finding = obj({
    ruleId: { type: 'string' },
    level: nullableLevel,
    message: { type: 'string' },
    server: nullableString,
    client: nullableString,
    flowIds: { type: 'array', items: int },
    recommendation: nullableString,
});
export const overviewRoute = {
    params: idParams,
    querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { top: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
    },
    response: {
        200: obj({
            scan: obj({
                id: { type: 'string' },
                startedAt: nullableString,
                finishedAt: nullableString,
                durationMs: nullableNumber,
                packets: int,
                inputs: int,
            }),
            flows: int,
            bytes: int,
            servers: int,
            clients: int,
            classes: {
                type: 'array',
                items: obj({ class: KEX, flows: int, bytes: int, flowShare: { type: 'number' }, byteShare: { type: 'number' }, offered: int }),
            },
            bytesAtRisk: int,
            flowsAtRisk: int,
            bytesUnknown: int,
            bytesHighRisk: int,
            offeredHybridNegotiatedClassical: int,
            mcpFlows: int,
            mcpPlaintextFlows: int,
            risk: obj({
                assessed: int,
                notAssessed: int,
                levels: { type: 'array', items: obj({ level: LEVEL, flows: int, bytes: int }) },
            }),
            topFindings: {
                type: 'array',
                items: obj({
                    ruleId: { type: 'string' },
                    level: nullableLevel,
                    findings: int,
                    flows: int,
                    message: nullableString,
                    recommendation: nullableString,
                    servers: strings,
                }),
            },
            topServers: {
                type: 'array',
                items: obj({
                    server: { type: 'string' },
                    flows: int,
                    bytes: int,
                    bytesAtRisk: int,
                    worstClass: KEX,
                    maxScore: nullableNumber,
                    level: nullableLevel,
                }),
            },
        }),
        ...errors,
    },
};
const serversParam = { type: 'integer', minimum: 1, maximum: 200, default: 40 };
export const categoryHeatmapRoute = {
    params: idParams,
    querystring: { type: 'object', additionalProperties: false, properties: { servers: serversParam } },
    response: {
        200: obj({
            servers: strings,
            categories: strings,
            totalServers: int,
            cells: { type: 'array', items: obj({ ...heatCell, category: { type: 'string' } }) },
        }),
        ...errors,
    },
};
export const timeHeatmapRoute = {
    params: idParams,
    querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { servers: serversParam, buckets: { type: 'integer', minimum: 1, maximum: 200, default: 24 } },
    },
    response: {
        200: obj({
            start: nullableString,
            end: nullableString,
            bucketMicros: { type: 'number' },
            buckets: { type: 'array', items: obj({ index: int, start: { type: 'string' }, end: { type: 'string' } }) },
            servers: strings,
            totalServers: int,
            cells: { type: 'array', items: obj({ ...heatCell, bucket: int }) },
        }),
        ...errors,
    },
};
export const mcpInventoryRoute = {
    params: idParams,
    response: {
        200: obj({
            servers: {
                type: 'array',
                items: obj({
                    server: { type: 'string' },
                    names: strings,
                    versions: strings,
                    transports: strings,
                    protocolVersions: strings,
                    flows: int,
                    bytes: int,
                    clients: int,
                    worstClass: KEX,
                    status: { type: 'string', enum: ['registered', 'shadow', 'unknown'] },
                }),
            },
            clients: {
                type: 'array',
                items: obj({ client: { type: 'string' }, names: strings, versions: strings, flows: int, servers: int, worstClass: KEX }),
            },
            tools: {
                type: 'array',
                items: obj({ server: { type: 'string' }, tool: { type: 'string' }, calls: int, flows: int, clients: int, worstClass: KEX }),
            },
        }),
        ...errors,
    },
};
export const findingsRoute = {
    params: idParams,
    querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
            level: LEVEL,
            rule: { type: 'string', pattern: '^[A-Z]{2,10}[0-9]{1,5}$' },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 1000 },
        },
    },
    response: { 200: obj({ total: int, findings: { type: 'array', items: finding } }), ...errors },
};
export const flowDetailRoute = {
    params: {
        type: 'object',
        required: ['id', 'flowId'],
        properties: { id: idParams.properties.id, flowId: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } },
    },
    response: {
        200: obj({
            flow: flowSchema,
            serverLabel: { type: 'string' },
            findings: { type: 'array', items: finding },
            names: obj({
                groups: { type: 'object', additionalProperties: { type: 'string' } },
                cipherSuite: nullableString,
                signatureAlgorithms: { type: 'object', additionalProperties: { type: 'string' } },
            }),
        }),
        ...errors,
    },
};
export const deleteScanRoute = {
    params: idParams,
    response: { 204: { type: 'null' }, ...errors, 409: errorSchema },
};
const compareSide = {
    type: ['object', 'null'],
    required: ['flows', 'pqFlows', 'worstClass'],
    properties: { flows: int, pqFlows: int, worstClass: KEX },
};
export const compareRoute = {
    querystring: {
        type: 'object',
        required: ['a', 'b'],
        additionalProperties: false,
        properties: {
            a: idParams.properties.id,
            b: idParams.properties.id,
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
        },
    },
    response: {
        200: obj({
            a: { type: 'string' },
            b: { type: 'string' },
            flows: obj({ a: int, b: int }),
            pqShare: obj({ a: { type: 'number' }, b: { type: 'number' }, delta: { type: 'number' } }),
            pqAdoptionUp: { type: 'boolean' },
            classes: { type: 'array', items: obj({ class: KEX, a: int, b: int, bytesA: int, bytesB: int }) },
            serverChanges: obj({ servers: int, improved: int, regressed: int, new: int, gone: int }),
            servers: {
                type: 'array',
                items: obj({
                    server: { type: 'string' },
                    change: { type: 'string', enum: ['improved', 'regressed', 'same', 'new', 'gone'] },
                    a: compareSide,
                    b: compareSide,
                }),
            },
        }),
        ...errors,
    },
};
const jobEvent = {
    type: 'object',
    required: ['type'],
    properties: {
        type: { type: 'string', enum: ['upload', 'queued', 'scan', 'done', 'error'] },
        bytes: int,
        files: int,
        position: int,
        input: int,
        inputs: int,
        bytesDone: int,
        totalBytes: { type: ['integer', 'null'] },
        flows: int,
        scanId: { type: 'string' },
        code: { type: 'string' },
        message: { type: 'string' },
    },
};
const jobSchema = obj({
    id: { type: 'string' },
    state: { type: 'string', enum: ['receiving', 'queued', 'scanning', 'done', 'error'] },
    files: { type: 'array', items: obj({ name: { type: 'string' }, bytes: int }) },
    scanId: nullableString,
    error: { type: ['object', 'null'], required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
    events: { type: 'array', items: jobEvent },
    eventsUrl: { type: 'string' },
});
const uploadIdParams = {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } },
};
export const uploadRoute = {
    response: {
        202: jobSchema,
        ...errors,
        413: errorSchema,
        415: errorSchema,
        429: errorSchema,
        503: errorSchema,
    },
};
export const uploadStatusRoute = { params: uploadIdParams, response: { 200: jobSchema, ...errors } };
/** the SSE stream itself is written raw (text/event-stream); only errors are JSON */
export const uploadEventsRoute = { params: uploadIdParams, response: { ...errors } };
export const uploadLimitsRoute = {
    response: {
        200: obj({ maxUploadBytes: int, maxFiles: int, rateLimit: obj({ capacity: int, refillPerMinute: { type: 'number' } }) }),
        ...errors,
    },
};
//# sourceMappingURL=dashboard-schemas.js.map