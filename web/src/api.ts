/**
 * Typed fetch helpers for the hndl-scan API. A bearer token, when the server needs one, is
 * kept in sessionStorage for this tab only and sent as `Authorization: Bearer …`.
 */
export type KexClass = 'plaintext' | 'classical' | 'hybrid' | 'pq' | 'unknown';
export const KEX_CLASSES: KexClass[] = ['plaintext', 'classical', 'unknown', 'hybrid', 'pq'];

export interface ScanListItem {
  id: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  toolVersion: string;
  flows: number;
  packets: number;
  bytes: number;
  inputs: number;
  byNegotiated: Record<string, number>;
}

export interface Flow {
  id: number;
  transport: string;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  app: string;
  bytes: { clientToServer: number; serverToClient: number };
  tls: { sni: string | null; version: string | null } | null;
  kex: { offered: KexClass; negotiated: KexClass; group: string | null; reason?: string | null };
  mcp: { methods: string[]; tools: string[] } | null;
}

export interface FlowPage {
  total: number;
  limit: number;
  offset: number;
  flows: Flow[];
}

export interface FlowQuery {
  limit: number;
  offset: number;
  sort: string;
  order: 'asc' | 'desc';
  kex: KexClass | '';
  server: string;
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

async function get<T>(path: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  const res = await fetch(path, { headers, credentials: 'omit' });
  if (!res.ok) {
    let code = 'HTTP_ERROR';
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { code?: string; message?: string };
      code = body.code ?? code;
      message = body.message ?? message;
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, code, message);
  }
  return (await res.json()) as T;
}

export async function listScans(): Promise<ScanListItem[]> {
  return (await get<{ scans: ScanListItem[] }>('/api/scans')).scans;
}

export function listFlows(scanId: string, q: FlowQuery): Promise<FlowPage> {
  const params = new URLSearchParams({
    limit: String(q.limit),
    offset: String(q.offset),
    sort: q.sort,
    order: q.order,
  });
  if (q.kex !== '') params.set('kex', q.kex);
  if (q.server.trim() !== '') params.set('server', q.server.trim());
  return get<FlowPage>(`/api/scans/${encodeURIComponent(scanId)}/flows?${params.toString()}`);
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
