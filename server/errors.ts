/**
 * The one catalogue of API error codes and the error / not-found handlers. Every error
 * answer is `{ statusCode, code, message }`; stack traces and internal messages never leave
 * the process (500s are logged and answered with a fixed message).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StoreError } from '../core/store/index.js';

export const ERROR_CODES = {
  BAD_REQUEST: { statusCode: 400, message: 'bad request' },
  UNAUTHORIZED: { statusCode: 401, message: 'missing or invalid bearer token' },
  FORBIDDEN: { statusCode: 403, message: 'forbidden' },
  NOT_FOUND: { statusCode: 404, message: 'not found' },
  METHOD_NOT_ALLOWED: { statusCode: 405, message: 'method not allowed' },
  REQUEST_TIMEOUT: { statusCode: 408, message: 'the request did not arrive in time' },
  CONFLICT: { statusCode: 409, message: 'conflict' },
  PAYLOAD_TOO_LARGE: { statusCode: 413, message: 'request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { statusCode: 415, message: 'unsupported media type' },
  TOO_MANY_REQUESTS: { statusCode: 429, message: 'too many requests: try again later' },
  HEADERS_TOO_LARGE: { statusCode: 431, message: 'request headers too large' },
  INTERNAL: { statusCode: 500, message: 'internal error' },
  SERVICE_UNAVAILABLE: { statusCode: 503, message: 'service unavailable: try again later' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
}

/** JSON schema of every error answer */
export const errorSchema = {
  type: 'object',
  required: ['statusCode', 'code', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', enum: Object.keys(ERROR_CODES) },
    message: { type: 'string' },
  },
} as const;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  constructor(code: ErrorCode, message?: string) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = ERROR_CODES[code].statusCode;
  }
}

export function errorBody(code: ErrorCode, message?: string): ErrorBody {
  return { statusCode: ERROR_CODES[code].statusCode, code, message: message ?? ERROR_CODES[code].message };
}

function storeErrorBody(err: StoreError): ErrorBody {
  switch (err.code) {
    case 'BAD_QUERY':
    case 'INVALID_REPORT':
      return errorBody('BAD_REQUEST', err.message);
    case 'SCAN_EXISTS':
      return errorBody('CONFLICT', err.message);
    case 'READ_ONLY':
      return errorBody('FORBIDDEN', 'the database is open read-only');
    default:
      return errorBody('INTERNAL');
  }
}

function isFastifyError(err: unknown): err is FastifyError {
  return err instanceof Error && typeof (err as Partial<FastifyError>).code === 'string';
}

/** map any thrown value to the public error body */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof ApiError) return errorBody(err.code, err.message);
  if (err instanceof StoreError) return storeErrorBody(err);
  if (isFastifyError(err)) {
    if (err.validation !== undefined) return errorBody('BAD_REQUEST', err.message);
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errorBody('PAYLOAD_TOO_LARGE');
    // @fastify/multipart's count limits: say which, not "request body too large"
    if (err.code === 'FST_FILES_LIMIT') return errorBody('PAYLOAD_TOO_LARGE', 'too many files in one upload (GET /api/uploads/limits has the limits)');
    if (err.code === 'FST_PARTS_LIMIT' || err.code === 'FST_FIELDS_LIMIT') {
      return errorBody('PAYLOAD_TOO_LARGE', 'too many form fields in one upload');
    }
    const status = err.statusCode ?? 500;
    if (status === 413) return errorBody('PAYLOAD_TOO_LARGE');
    if (status === 415) return errorBody('UNSUPPORTED_MEDIA_TYPE');
    if (status === 406 && err.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
      return errorBody('UNSUPPORTED_MEDIA_TYPE', 'expected a multipart/form-data upload');
    }
    if (status === 429) return errorBody('TOO_MANY_REQUESTS');
    if (status === 404) return errorBody('NOT_FOUND');
    if (status === 405) return errorBody('METHOD_NOT_ALLOWED');
    if (status >= 400 && status < 500) return errorBody('BAD_REQUEST', err.message);
  }
  // plugins' HTTP errors without a code (e.g. @fastify/send's 403 for dot segments): keep the status
  const status = httpStatusOf(err);
  if (status === 403) return errorBody('FORBIDDEN');
  if (status === 404) return errorBody('NOT_FOUND');
  if (status !== null && status >= 400 && status < 500) return errorBody('BAD_REQUEST');
  return errorBody('INTERNAL');
}

function httpStatusOf(err: unknown): number | null {
  if (typeof err !== 'object' || err === null) return null;
  const o = err as { statusCode?: unknown; status?: unknown };
  const v = typeof o.statusCode === 'number' ? o.statusCode : typeof o.status === 'number' ? o.status : null;
  return v !== null && Number.isInteger(v) ? v : null;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const body = toErrorBody(err);
    if (body.statusCode >= 500) request.log.error({ err }, 'request failed');
    return reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
  });
}

/**
 * The answer to a request Node's HTTP parser refused before Fastify saw it (headers over the
 * size limit, a malformed request line or header, Transfer-Encoding with Content-Length): raw
 * bytes on the socket, with the same body and headers as every other error (Fastify's default
 * wrote a body of its own shape; found by fuzzing the API). Nothing is written on a socket
 * already reset or closed.
 */
export function clientErrorResponse(err: { code?: unknown }, headers: Readonly<Record<string, string>>): string | null {
  if (err.code === 'ECONNRESET') return null;
  const body =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? errorBody('REQUEST_TIMEOUT')
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? errorBody('HEADERS_TOO_LARGE')
        : errorBody('BAD_REQUEST', 'malformed HTTP request');
  const json = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${body.statusCode} ${STATUS_TEXT[body.statusCode] ?? 'Error'}`,
    ...Object.entries({ ...headers, 'cache-control': 'no-store' }).map(([k, v]) => `${k}: ${v}`),
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(json)}`,
    'connection: close',
  ];
  return `${lines.join('\r\n')}\r\n\r\n${json}`;
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };
