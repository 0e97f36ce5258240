/**
 * Markdown summary for a pull-request comment or $GITHUB_STEP_SUMMARY (GitHub Flavored Markdown
 * tables): flows and bytes per negotiated class, the top findings, MCP servers seen and the
 * inputs with their truncation notes. GitHub rejects comments over 65 536 characters, so the
 * output is capped (default 60 000). Captured strings (SNI, tool and server names, SSH algorithm
 * names) are escaped: inline Markdown punctuation backslash-escaped (CommonMark §2.4; captured
 * text never starts a line, so `-`, `+` and `.` stay), `|` escaped for table cells, `<`, `>`, `&` as HTML entities (no raw HTML), control characters replaced.
 */
import type { Finding, FlowReport, ScanReport } from './model.js';
import { findingsOf } from './findings.js';
import { RULE_LIST } from './rules.js';
import { formatBytes } from './table.js';
import { clip, serverLabel, stripControls, wellFormed } from './format-util.js';

export interface MarkdownOptions {
  /** findings listed in the table (default 20) */
  maxFindings?: number;
  /** hard cap on the output length in characters (default 60 000; GitHub's limit is 65 536) */
  maxChars?: number;
}

export const MARKDOWN_MAX_CHARS = 60_000;
const CLASSES = ['plaintext', 'classical', 'hybrid', 'pq', 'unknown'] as const;
const MAX_MCP_ROWS = 50;
const MAX_INPUT_ROWS = 50;
const TRUNCATED_NOTE = '\n_… truncated to fit the GitHub comment limit._\n';

/** Escape text for Markdown (paragraphs and table cells); clips to `max` characters first. */
export function mdEscape(s: string, max = 200): string {
  return clip(wellFormed(stripControls(s)), max).replace(/[\\`*_{}[\]()#!|~<>&]/g, (c) => {
    if (c === '<') return '&lt;';
    if (c === '>') return '&gt;';
    if (c === '&') return '&amp;';
    return `\\${c}`;
  });
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

const ruleNames = new Map(RULE_LIST.map((r) => [r.id, r.name]));

function findingRow(f: Finding): string {
  const count = typeof f.evidence?.['flowCount'] === 'number' ? f.evidence['flowCount'] : f.flowIds.length;
  const name = ruleNames.get(f.ruleId);
  return row([
    `**${f.level}**`,
    name ? `${mdEscape(f.ruleId, 32)} ${name}` : mdEscape(f.ruleId, 32),
    f.server ? mdEscape(f.server, 100) : '',
    String(count),
    mdEscape(f.recommendation ?? f.message, 300),
  ]);
}

interface McpServer {
  label: string;
  names: Set<string>;
  transports: Set<string>;
  negotiated: Set<string>;
  tools: Set<string>;
  flows: number;
}

function mcpServers(flows: readonly FlowReport[]): McpServer[] {
  const m = new Map<string, McpServer>();
  for (const f of flows) {
    if (!f.mcp) continue;
    const label = serverLabel(f);
    let s = m.get(label);
    if (!s) {
      s = { label, names: new Set(), transports: new Set(), negotiated: new Set(), tools: new Set(), flows: 0 };
      m.set(label, s);
    }
    s.flows++;
    s.negotiated.add(f.kex.negotiated);
    const t = f.mcp['transport'];
    if (typeof t === 'string') s.transports.add(t);
    const srv = f.mcp['server'];
    if (srv !== null && typeof srv === 'object' && 'name' in srv && typeof srv.name === 'string' && s.names.size < 5) s.names.add(srv.name);
    for (const tool of f.mcp.tools) if (s.tools.size < 50) s.tools.add(tool);
  }
  return [...m.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

function escList(xs: Iterable<string>, maxItems: number, each: number): string {
  const arr = [...xs].sort();
  const shown = arr.slice(0, maxItems).map((x) => mdEscape(x, each));
  return arr.length > maxItems ? `${shown.join(', ')}, … (+${arr.length - maxItems})` : shown.join(', ');
}

/** The report as GitHub Flavored Markdown, at most `maxChars` characters. */
export function toMarkdown(report: ScanReport, opts: MarkdownOptions = {}): string {
  const maxFindings = opts.maxFindings ?? 20;
  const maxChars = Math.max(200, opts.maxChars ?? MARKDOWN_MAX_CHARS);
  const s = report.summary;
  const findings = findingsOf(report);
  const lines: string[] = [];

  const byLevel = new Map<string, number>();
  for (const f of findings) byLevel.set(f.level, (byLevel.get(f.level) ?? 0) + 1);
  const levelText = ['critical', 'high', 'medium', 'low', 'none']
    .filter((l) => (byLevel.get(l) ?? 0) > 0)
    .map((l) => `${byLevel.get(l) ?? 0} ${l}`)
    .join(', ');

  lines.push(`## ${mdEscape(report.tool.name, 40)} ${mdEscape(report.tool.version, 40)}: HNDL exposure`, '');
  lines.push(
    `**${s.flows} flows**, ${formatBytes(s.bytes)} in ${report.scan.inputs.length} input${report.scan.inputs.length === 1 ? '' : 's'}; ` +
      `**${findings.length} finding${findings.length === 1 ? '' : 's'}**${levelText ? ` (${levelText})` : ''}.`,
    '',
  );
  lines.push(row(['negotiated', 'flows', 'bytes']), row(['---', '---:', '---:']));
  const known = new Set<string>(CLASSES);
  const classes = [...CLASSES, ...Object.keys(s.byNegotiated).filter((k) => !known.has(k)).sort()];
  for (const c of classes) {
    const n = s.byNegotiated[c] ?? 0;
    if (n === 0 && !known.has(c)) continue;
    lines.push(row([mdEscape(c, 32), String(n), formatBytes(s.bytesByNegotiated[c] ?? 0)]));
  }
  lines.push('');
  if (s.offeredHybridNegotiatedClassical > 0) {
    lines.push(
      `> **${s.offeredHybridNegotiatedClassical} flow${s.offeredHybridNegotiatedClassical === 1 ? '' : 's'}** offered a hybrid post-quantum key exchange but negotiated a classical one: the client is ready, the server is not.`,
      '',
    );
  }

  lines.push('### Findings', '');
  if (findings.length === 0) lines.push('No findings.', '');
  else {
    lines.push(row(['level', 'rule', 'server', 'flows', 'recommendation']), row(['---', '---', '---', '---:', '---']));
    for (const f of findings.slice(0, maxFindings)) lines.push(findingRow(f));
    if (findings.length > maxFindings) lines.push('', `_Top ${maxFindings} of ${findings.length} findings; the JSON or SARIF report has all._`);
    lines.push('');
  }

  const mcp = mcpServers(report.flows);
  if (mcp.length > 0) {
    lines.push('### MCP servers seen', '');
    lines.push(row(['server', 'name', 'transport', 'negotiated', 'flows', 'tools']), row(['---', '---', '---', '---', '---:', '---']));
    for (const m of mcp.slice(0, MAX_MCP_ROWS)) {
      lines.push(
        row([mdEscape(m.label, 100), escList(m.names, 3, 60), escList(m.transports, 4, 32), escList(m.negotiated, 5, 16), String(m.flows), escList(m.tools, 10, 60)]),
      );
    }
    if (mcp.length > MAX_MCP_ROWS) lines.push('', `_${MAX_MCP_ROWS} of ${mcp.length} MCP servers shown._`);
    lines.push('');
  }

  lines.push('### Inputs', '');
  lines.push(row(['input', 'format', 'packets', 'note']), row(['---', '---', '---:', '---']));
  for (const i of report.scan.inputs.slice(0, MAX_INPUT_ROWS)) {
    const notes: string[] = [];
    if (i.truncated) notes.push('truncated: the file ends inside a record; everything before it was scanned');
    if (i.error) notes.push(`error: ${i.error}`);
    lines.push(row([mdEscape(i.path, 200), `${i.format}${i.compressed ? ' (gzip)' : ''}`, String(i.packets), mdEscape(notes.join('; '), 300)]));
  }
  if (report.scan.inputs.length > MAX_INPUT_ROWS) lines.push('', `_${MAX_INPUT_ROWS} of ${report.scan.inputs.length} inputs shown._`);
  if (s.flowsEvicted > 0) lines.push('', `_${s.flowsEvicted} flows were evicted from the flow table (raise --max-flows)._`);
  lines.push('');

  let out = '';
  const budget = maxChars - TRUNCATED_NOTE.length;
  for (const l of lines) {
    if (out.length + l.length + 1 > budget) return out + TRUNCATED_NOTE;
    out += `${l}\n`;
  }
  return out;
}
