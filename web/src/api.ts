/**
 * Typed fetch helpers for the hndl-scan API (server/routes.ts, server/dashboard-routes.ts,
 * server/upload-routes.ts). A bearer token, when the server needs one, is kept in
 * sessionStorage for this tab only and sent as `Authorization: Bearer …` — also on the upload
 * (XMLHttpRequest, for upload progress) and the progress stream (fetch-read Server-Sent
 * Events, since EventSource cannot send headers).
 */
// response shapes are the server's own types (type-only imports: nothing of the server is bundled)
import type { KexClass } from '../../core/tls/types.js';
import type { FlowReport, RiskLevel } from '../../core/report/model.js';
import type { StartTlsInfo } from '../../core/app/starttls.js';
import type { ConnectInfo } from '../../core/app/http-connect.js';
import type { ScanListItem } from '../../core/store/types.js';
import type {
  CategoryHeatmap, CompareResult, CompareSide, FindingRow as Finding, HeatCell, McpInventoryView as McpInventory, Overview, TimeHeatmap,
} from '../../core/store/dashboard-types.js';
import type { JobEvent } from '../../server/upload-jobs.js';

export type {
  CategoryHeatmap, CompareResult, CompareSide, Finding, HeatCell, JobEvent, KexClass, McpInventory, Overview, RiskLevel, ScanListItem, TimeHeatmap,
};
export const KEX_CLASSES: KexClass[] = ['plaintext', 'classical', 'unknown', 'hybrid', 'pq'];
export const RISK_LEVELS: RiskLevel[] = ['critical', 'high', 'medium', 'low', 'none'];
export const NOT_ASSESSED = 'not assessed';

export interface Evidence {
  detector?: string;
  category?: string;
  location?: string;
  confidence?: string;
  source?: string;
  count?: number;
}

export interface McpMessage {
  tsMicros?: number;
  dir?: string;
  id?: string | null;
  method?: string | null;
  kind?: string;
  tool?: string | null;
  uri?: string | null;
  size?: number;
  status?: number | null;
}

export interface McpInfo {
  methods: string[];
  tools: string[];
  transport?: string;
  protocolVersion?: string | null;
  client?: { name?: string; version?: string } | null;
  server?: { name?: string; version?: string } | null;
  messages?: McpMessage[];
  toolsCalled?: string[];
  resourcesRead?: string[];
  [k: string]: unknown;
}

/** a flow as the API returns it: the report's fields, with sensitivity, risk and MCP typed for the UI */
export interface Flow
  extends Pick<FlowReport, 'id' | 'client' | 'server' | 'app' | 'firstSeen' | 'lastSeen' | 'packets' | 'bytes' | 'endReason' | 'tls' | 'kex' | 'issues'> {
  transport: string;
  mcp: McpInfo | null;
  sensitivity?: { category: string; lifetimeYears: number; confidence?: string; evidence?: Evidence[] };
  risk?: { score: number; level: RiskLevel; reasons?: string[]; exposure?: number };
  /** a session that started in plaintext and could upgrade to TLS in-band (STARTTLS and kin) */
  starttls?: StartTlsInfo;
  /** an HTTP CONNECT tunnel through a forward proxy: what was asked and answered */
  connect?: ConnectInfo;
}

export interface FlowPage {
  total: number;
  limit: number;
  offset: number;
  flows: Flow[];
}

export interface FlowFilters {
  kex?: string;
  offered?: string;
  risk?: string;
  category?: string;
  mcp?: string;
  q?: string;
  label?: string;
  from?: string;
  to?: string;
}
export const FILTER_KEYS: (keyof FlowFilters)[] = ['kex', 'offered', 'risk', 'category', 'mcp', 'q', 'label', 'from', 'to'];

export interface FlowQuery extends FlowFilters {
  limit: number;
  offset: number;
  sort: string;
  order: 'asc' | 'desc';
}

export interface FlowDetail {
  flow: Flow;
  serverLabel: string;
  findings: Finding[];
  names: { groups: Record<string, string>; cipherSuite: string | null; signatureAlgorithms: Record<string, string> };
}

export interface UploadJob {
  id: string;
  state: string;
  files: { name: string; bytes: number }[];
  scanId: string | null;
  eventsUrl: string;
}

export interface UploadLimits {
  maxUploadBytes: number;
  maxFiles: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'hndl-scan.token';

export function setToken(token: string): void {
  if (token === '') sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

function headers(accept = 'application/json'): Record<string, string> {
  const h: Record<string, string> = { accept };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token !== null) h['authorization'] = `Bearer ${token}`;
  return h;
}

async function failure(res: Response): Promise<ApiError> {
  let code = 'HTTP_ERROR';
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { code?: string; message?: string };
    code = body.code ?? code;
    message = body.message ?? message;
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, code, message);
}

async function request<T>(path: string, method = 'GET'): Promise<T> {
  const res = await fetch(path, { method, headers: headers(), credentials: 'omit' });
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

const enc = encodeURIComponent;

export async function listScans(): Promise<ScanListItem[]> {
  return (await request<{ scans: ScanListItem[] }>('/api/scans')).scans;
}

export function deleteScan(id: string): Promise<void> {
  return request<void>(`/api/scans/${enc(id)}`, 'DELETE');
}

export function getOverview(id: string): Promise<Overview> {
  return request<Overview>(`/api/scans/${enc(id)}/overview`);
}

export function getCategoryHeatmap(id: string, servers = 40): Promise<CategoryHeatmap> {
  return request<CategoryHeatmap>(`/api/scans/${enc(id)}/heatmap/category?servers=${servers}`);
}

export function getTimeHeatmap(id: string, buckets = 24, servers = 40): Promise<TimeHeatmap> {
  return request<TimeHeatmap>(`/api/scans/${enc(id)}/heatmap/time?buckets=${buckets}&servers=${servers}`);
}

export function getMcpInventory(id: string): Promise<McpInventory> {
  return request<McpInventory>(`/api/scans/${enc(id)}/mcp`);
}

export function getFindings(id: string, level = ''): Promise<{ total: number; findings: Finding[] }> {
  return request(`/api/scans/${enc(id)}/findings${level !== '' ? `?level=${enc(level)}` : ''}`);
}

export function getFlow(id: string, flowId: number): Promise<FlowDetail> {
  return request<FlowDetail>(`/api/scans/${enc(id)}/flows/${flowId}`);
}

export function compareScans(a: string, b: string): Promise<CompareResult> {
  return request<CompareResult>(`/api/compare?a=${enc(a)}&b=${enc(b)}`);
}

export function getUploadLimits(): Promise<UploadLimits> {
  return request<UploadLimits>('/api/uploads/limits');
}

export function listFlows(scanId: string, q: FlowQuery): Promise<FlowPage> {
  const params = new URLSearchParams({ limit: String(q.limit), offset: String(q.offset), sort: q.sort, order: q.order });
  for (const k of FILTER_KEYS) {
    const v = q[k];
    if (v !== undefined && v.trim() !== '') params.set(k, v.trim());
  }
  return request<FlowPage>(`/api/scans/${enc(scanId)}/flows?${params.toString()}`);
}

/** POST the files as multipart; onProgress(bytes sent, total) while the browser uploads */
export function uploadCaptures(files: File[], onProgress: (loaded: number, total: number) => void): Promise<UploadJob> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const f of files) form.append('capture', f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/uploads');
    for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e: ProgressEvent) => onProgress(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'the upload failed (network error or the server closed the connection)'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText) as unknown;
      } catch {
        body = null;
      }
      if (xhr.status === 202 && body !== null && typeof body === 'object') {
        resolve(body as UploadJob);
        return;
      }
      const b = (body ?? {}) as { code?: string; message?: string };
      reject(new ApiError(xhr.status, b.code ?? 'HTTP_ERROR', b.message ?? `upload failed (${xhr.status})`));
    };
    xhr.send(form);
  });
}

/** read the job's Server-Sent Events until done / error (or abort) */
export async function watchUpload(id: string, onEvent: (e: JobEvent) => void, signal?: AbortSignal): Promise<void> {
  const res = await fetch(`/api/uploads/${enc(id)}/events`, {
    headers: headers('text/event-stream'),
    credentials: 'omit',
    ...(signal !== undefined ? { signal } : {}),
  });
  if (!res.ok || res.body === null) throw await failure(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let cut = buf.indexOf('\n\n');
    while (cut >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (data !== '') onEvent(JSON.parse(data) as JobEvent);
      cut = buf.indexOf('\n\n');
    }
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i] ?? 'B'}`;
}

export function formatEndpoint(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

export function formatTime(iso: string | null): string {
  if (iso === null || iso === '') return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function pct(x: number): string {
  return `${(x * 100).toFixed(x > 0 && x < 0.01 ? 2 : 1)} %`;
}

export function serverLabel(f: Flow): string {
  const sni = f.tls?.sni;
  return sni !== null && sni !== undefined && sni !== '' ? sni : formatEndpoint(f.server);
}
