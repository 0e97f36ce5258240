/**
 * JSON schemas of the API: route params, query strings and responses (Fastify validates
 * input with them and serialises output through them, so unknown fields never leak).
 */
import { FLOW_SORT_KEYS, MAX_LIMIT } from '../core/store/index.js';
import { errorSchema } from './errors.js';

const KEX = { type: 'string', enum: ['plaintext', 'classical', 'hybrid', 'pq', 'unknown'] } as const;
const nullableString = { type: ['string', 'null'] } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const counts = { type: 'object', additionalProperties: { type: 'number' } } as const;
const endpoint = {
  type: 'object',
  required: ['ip', 'port'],
  properties: { ip: { type: 'string' }, port: { type: 'integer' } },
} as const;
const pair = {
  type: 'object',
  required: ['clientToServer', 'serverToClient'],
  properties: { clientToServer: { type: 'integer' }, serverToClient: { type: 'integer' } },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 256 } },
} as const;

export const flowsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 100 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000_000, default: 0 },
    sort: { type: 'string', enum: [...FLOW_SORT_KEYS], default: 'id' },
    order: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
    kex: KEX,
    server: { type: 'string', maxLength: 256 },
    offered: KEX,
    /** exact server label (SNI, else ip:port): a heatmap row */
    label: { type: 'string', maxLength: 512 },
    risk: { type: 'string', enum: ['none', 'low', 'medium', 'high', 'critical', 'unassessed'] },
    category: { type: 'string', maxLength: 128 },
    mcp: { type: 'boolean' },
    q: { type: 'string', maxLength: 256 },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
  },
} as const;

const input = {
  type: 'object',
  required: ['path', 'format', 'packets', 'bytes', 'truncated'],
  properties: {
    path: { type: 'string' },
    format: { type: 'string' },
    compressed: { type: 'boolean' },
    packets: { type: 'integer' },
    bytes: { type: 'integer' },
    truncated: { type: 'boolean' },
    error: nullableString,
    sha256: nullableString,
    linkTypes: { type: 'array', items: { type: 'integer' } },
  },
} as const;

const tls = {
  type: ['object', 'null'],
  properties: {
    version: nullableString,
    sni: nullableString,
    offeredGroups: { type: 'array', items: { type: 'integer' } },
    keyShareGroups: { type: 'array', items: { type: 'integer' } },
    selectedGroup: nullableInt,
    helloRetryRequest: { type: 'boolean' },
    cipherSuite: nullableInt,
    alpn: { type: 'array', items: { type: 'string' } },
    ja4: nullableString,
    signatureAlgorithms: { type: 'array', items: { type: 'integer' } },
    ech: { type: 'boolean' },
    certificate: {
      type: ['object', 'null'],
      properties: {
        signatureAlgorithm: nullableString,
        publicKeyAlgorithm: nullableString,
        publicKeyBits: nullableInt,
      },
    },
    shareValidation: nullableString,
  },
} as const;

export const flowSchema = {
  type: 'object',
  required: ['id', 'transport', 'client', 'server', 'bytes', 'kex'],
  additionalProperties: true,
  properties: {
    id: { type: 'integer' },
    transport: { type: 'string' },
    client: endpoint,
    server: endpoint,
    vlan: { type: 'integer' },
    tunnelId: { type: 'integer' },
    app: { type: 'string' },
    firstSeen: { type: 'string' },
    lastSeen: { type: 'string' },
    packets: pair,
    bytes: pair,
    endReason: nullableString,
    tls,
    kex: {
      type: 'object',
      required: ['offered', 'negotiated'],
      properties: {
        offered: KEX,
        negotiated: KEX,
        group: nullableString,
        reason: nullableString,
        mechanism: nullableString,
      },
    },
    mcp: { type: ['object', 'null'], additionalProperties: true },
    sensitivity: { type: 'object', additionalProperties: true },
    risk: { type: 'object', additionalProperties: true },
    issues: { type: 'array', items: { type: 'string' } },
  },
} as const;

const scanListItem = {
  type: 'object',
  required: ['id', 'flows', 'packets', 'bytes', 'byNegotiated'],
  properties: {
    id: { type: 'string' },
    startedAt: nullableString,
    finishedAt: nullableString,
    durationMs: { type: ['number', 'null'] },
    toolVersion: { type: 'string' },
    flows: { type: 'integer' },
    packets: { type: 'integer' },
    bytes: { type: 'integer' },
    inputs: { type: 'integer' },
    byNegotiated: counts,
    storedAt: { type: 'string' },
  },
} as const;

const scanRecord = {
  type: 'object',
  required: ['id', 'tool', 'flows', 'packets', 'bytes', 'summary', 'inputs'],
  properties: {
    id: { type: 'string' },
    startedAt: nullableString,
    finishedAt: nullableString,
    durationMs: { type: ['number', 'null'] },
    tool: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' } } },
    flows: { type: 'integer' },
    packets: { type: 'integer' },
    bytes: { type: 'integer' },
    summary: { type: 'object', additionalProperties: true },
    inputs: { type: 'array', items: input },
    options: { type: ['object', 'null'], additionalProperties: true },
    storedAt: { type: 'string' },
  },
} as const;

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 500: errorSchema };

export const healthRoute = {
  response: {
    200: {
      type: 'object',
      required: ['status', 'schemaVersion'],
      properties: { status: { type: 'string' }, schemaVersion: { type: 'integer' }, readOnly: { type: 'boolean' } },
    },
    ...errors,
  },
} as const;

export const listScansRoute = {
  response: {
    200: { type: 'object', required: ['scans'], properties: { scans: { type: 'array', items: scanListItem } } },
    ...errors,
  },
} as const;

export const getScanRoute = { params: idParams, response: { 200: scanRecord, ...errors } } as const;

export const listFlowsRoute = {
  params: idParams,
  querystring: flowsQuery,
  response: {
    200: {
      type: 'object',
      required: ['total', 'limit', 'offset', 'flows'],
      properties: {
        total: { type: 'integer' },
        limit: { type: 'integer' },
        offset: { type: 'integer' },
        flows: { type: 'array', items: flowSchema },
      },
    },
    ...errors,
  },
} as const;

/** POST /api/scans: a whole report (shallow check here; the store validates the rest) */
export const importScanRoute = {
  body: {
    type: 'object',
    required: ['tool', 'scan', 'summary', 'flows'],
    properties: {
      tool: {
        type: 'object',
        required: ['name', 'version'],
        properties: { name: { type: 'string', maxLength: 256 }, version: { type: 'string', maxLength: 256 } },
      },
      scan: {
        type: 'object',
        required: ['id', 'inputs'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 256 },
          inputs: { type: 'array' },
          durationMs: { type: ['number', 'null'], minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        },
      },
      summary: { type: 'object', required: ['flows'] },
      flows: { type: 'array' },
    },
  },
  response: {
    201: { type: 'object', required: ['id', 'flows'], properties: { id: { type: 'string' }, flows: { type: 'integer' } } },
    ...errors,
    409: errorSchema,
    413: errorSchema,
    415: errorSchema,
  },
} as const;
