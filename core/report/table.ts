/**
 * Terminal report: a readable table of flows and a summary. Pure: ScanReport in, string out.
 * Colour only when asked (the CLI passes color=false for NO_COLOR or a non-TTY); columns are
 * shrunk to the terminal width. Captured strings are stripped of control characters so a
 * hostile SNI cannot drive the terminal.
 */
import type { FlowReport, RiskLevel, ScanReport } from './model.js';
import { endpointLabel, serverLabel, stripControls } from './format-util.js';

export interface TableOptions {
  color: boolean;
  width: number;
  /** most flows listed (the summary always covers all) */
  maxRows?: number;
}

const CLASS_ORDER = ['plaintext', 'classical', 'hybrid', 'pq', 'unknown'] as const;

const ANSI: Record<string, string> = {
  plaintext: '\x1b[1;31m',
  classical: '\x1b[33m',
  hybrid: '\x1b[32m',
  pq: '\x1b[1;32m',
  unknown: '\x1b[2m',
};
const RESET = '\x1b[0m';

/** Attacker-controlled text for the terminal: no control, escape or bidi characters. */
export function safeText(s: string): string {
  return stripControls(s);
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
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

function fit(s: string, w: number): string {
  if (w <= 0) return '';
  if (s.length <= w) return s.padEnd(w);
  if (w === 1) return '…';
  return `${s.slice(0, w - 1)}…`;
}

/** the server of a flow as the terminal shows it (captured SNI made safe) */
function serverText(f: FlowReport): string {
  return safeText(serverLabel(f));
}

/** the app column without an SNI: a TLS session upgraded in-band names its protocol (`smtp+tls`) */
function appLabel(f: FlowReport): string {
  const st = f['starttls'] as { protocol?: unknown; upgraded?: unknown } | undefined;
  return f.app === 'tls' && st?.upgraded === true && typeof st.protocol === 'string' ? `${safeText(st.protocol)}+tls` : f.app;
}

export function renderTable(report: ScanReport, opts: TableOptions): string {
  const out: string[] = [];
  const paint = (cls: string, text: string): string => (opts.color ? `${ANSI[cls] ?? ''}${text}${RESET}` : text);
  const width = Math.max(60, opts.width);
  const rows = report.flows.slice(0, opts.maxRows ?? 200);

  const headers = ['Client', 'Server', 'SNI / app', 'Offered → negotiated', 'Group', 'Data', 'Risk', 'Bytes'];
  const cells = rows.map((f) => [
    endpointLabel(f.client.ip, f.client.port),
    `${endpointLabel(f.server.ip, f.server.port)}/${f.transport}`,
    f.tls?.sni ? safeText(f.tls.sni) : f.mcp ? 'mcp' : appLabel(f),
    `${f.kex.offered} → ${f.kex.negotiated}`,
    f.kex.group ? safeText(f.kex.group) : f.kex.reason ? `(${f.kex.reason})` : '',
    f.sensitivity ? `${f.sensitivity.category} ${f.sensitivity.lifetimeYears}y` : '',
    f.risk ? `${f.risk.level} ${Math.round(f.risk.score)}` : '',
    formatBytes(f.bytes.clientToServer + f.bytes.serverToClient),
  ]);
  const natural = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  // shrink the widest free-text columns (SNI, server, client) until the row fits
  const sep = 2;
  const total = (): number => natural.reduce((a, b) => a + b, 0) + sep * (natural.length - 1);
  const shrinkable = [2, 1, 0, 4, 5];
  while (total() > width) {
    let idx = -1;
    let best = 0;
    for (const i of shrinkable) {
      const w = natural[i] ?? 0;
      if (w > best && w > 8) {
        best = w;
        idx = i;
      }
    }
    if (idx < 0) break;
    natural[idx] = (natural[idx] ?? 0) - 1;
  }
  const line = (r: string[]): string => r.map((c, i) => fit(c, natural[i] ?? 0)).join(' '.repeat(sep)).trimEnd();

  out.push(line(headers));
  out.push(natural.map((w) => '─'.repeat(w)).join(' '.repeat(sep)));
  cells.forEach((r, i) => {
    const f = report.flows[i];
    const text = line(r);
    out.push(f ? paint(f.kex.negotiated, text) : text);
  });
  if (report.flows.length > rows.length) out.push(`… ${report.flows.length - rows.length} more flows (use --format json for all)`);
  out.push('');

  // Summary: flows and bytes per negotiated class
  const s = report.summary;
  out.push(`Flows: ${s.flows}   packets: ${s.packets}   payload: ${formatBytes(s.bytes)}`);
  const parts: string[] = [];
  for (const cls of CLASS_ORDER) {
    const n = s.byNegotiated[cls] ?? 0;
    if (n === 0) continue;
    parts.push(paint(cls, `${cls} ${n} (${formatBytes(s.bytesByNegotiated[cls] ?? 0)})`));
  }
  out.push(`Negotiated: ${parts.length ? parts.join('   ') : 'none'}`);

  // The first finding: offered hybrid, negotiated classical — the client is ready, the server is not.
  const ready = report.flows.filter((f) => (f.kex.offered === 'hybrid' || f.kex.offered === 'pq') && f.kex.negotiated === 'classical');
  if (ready.length > 0) {
    const servers = new Map<string, number>();
    for (const f of ready) servers.set(serverText(f), (servers.get(serverText(f)) ?? 0) + 1);
    const list = [...servers.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, v]) => `${k} (${v})`);
    out.push('');
    out.push(paint('classical', `Client ready, server not: ${ready.length} flow(s) offered a post-quantum key exchange but negotiated a classical one.`));
    out.push(`  Servers responsible: ${list.join(', ')}${servers.size > 10 ? ', …' : ''}`);
  }
  const plaintext = report.flows.filter((f) => f.kex.negotiated === 'plaintext');
  if (plaintext.length > 0) {
    const mcp = plaintext.filter((f) => f.mcp !== null).length;
    out.push(paint('plaintext', `Plaintext: ${plaintext.length} flow(s) readable today${mcp ? `, ${mcp} of them MCP` : ''}.`));
  }
  const findings = report.findings ?? [];
  if (findings.length > 0) {
    const order: RiskLevel[] = ['critical', 'high', 'medium', 'low', 'none'];
    const counts = order.map((l) => [l, findings.filter((f) => f.level === l).length] as const).filter(([, n]) => n > 0);
    out.push('');
    out.push(`Findings: ${findings.length} (${counts.map(([l, n]) => `${n} ${l}`).join(', ')})`);
    for (const f of findings.filter((x) => x.level !== 'none').slice(0, 8)) {
      const cls = f.level === 'critical' || f.level === 'high' ? 'plaintext' : f.level === 'medium' ? 'classical' : 'unknown';
      out.push(paint(cls, `  ${f.level.padEnd(8)} ${f.ruleId}  ${safeText(f.message)}`));
      if (f.recommendation) out.push(`           fix: ${safeText(f.recommendation)}`);
    }
  }
  const deadlines = (report['aggregates'] as { deadlines?: { date: string; title: string; daysLeft: number; passed: boolean; flowsAffected: number; serversAffected: number }[] } | undefined)?.deadlines ?? [];
  const due = deadlines.filter((d) => d.flowsAffected > 0);
  if (due.length > 0) {
    out.push('');
    out.push('Deadlines:');
    for (const d of due) {
      const when = d.passed ? `passed ${-d.daysLeft} days ago` : `in ${d.daysLeft} days`;
      const title = (d.title.split(';')[0] ?? d.title).replace(/\s*\(e\.g\.[^)]*\)/, '');
      out.push(`  ${d.date} (${when})  ${title}`);
      out.push(`             ${d.flowsAffected} flow(s) on ${d.serversAffected} server(s) affected`);
    }
  }
  const inputs = report.scan.inputs;
  for (const i of inputs) {
    if (i.truncated) out.push(`Note: ${safeText(i.path)} ended inside a record; everything before it was scanned.`);
    if (i.error) out.push(`Note: ${safeText(i.path)}: ${safeText(i.error)}`);
  }
  const weirdTotal = Object.values(s.weirds).reduce((a, b) => a + b, 0);
  if (weirdTotal > 0) {
    const top = Object.entries(s.weirds).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${k} ${v}`);
    out.push(`Anomalies: ${weirdTotal} (${top.join(', ')})`);
  }
  if (s.flowsEvicted > 0) out.push(`Flow table full: ${s.flowsEvicted} flows evicted early (raise --max-flows).`);
  return `${out.join('\n')}\n`;
}
