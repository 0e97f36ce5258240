/**
 * SARIF 2.1.0 output (OASIS SARIF v2.1.0 errata 01, schema sarif-schema-2.1.0.json) in the shape
 * GitHub code scanning ingests ("SARIF support for code scanning"): every catalogue rule in
 * tool.driver.rules with `security-severity`, one result per finding with a physicalLocation
 * (the capture file, region startLine 1), logical locations for the server and the first flow,
 * and partialFingerprints (hash of rule + server) so repeated runs de-duplicate.
 *
 * Captured strings end up only in JSON string values; SARIF §3.11.6 embedded-link syntax is
 * neutralised by escaping `\`, `[` and `]` in message text, and control characters are replaced.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, RiskLevel, ScanReport } from './model.js';
import { RULES } from './rules.js';
import type { Rule, RuleKey } from './rules.js';
import { findingsOf, RULE_DEFAULT_LEVEL } from './findings.js';
import { stripControls, wellFormed } from './format-util.js';
import { jsonPieces } from './json-pieces.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export interface SarifOptions {
  /** URI of the scanned capture for result locations; default: the first input, relative to baseDir when inside it */
  inputUri?: string;
  /** directory relative URIs are computed from (default process.cwd()) */
  baseDir?: string;
  informationUri?: string;
}

export type SarifLevel = 'none' | 'note' | 'warning' | 'error';

/** critical/high → error, medium → warning, low → note, none → none */
export function sarifLevel(l: RiskLevel): SarifLevel {
  switch (l) {
    case 'critical':
    case 'high':
      return 'error';
    case 'medium':
      return 'warning';
    case 'low':
      return 'note';
    default:
      return 'none';
  }
}

/** GitHub maps security-severity > 9 critical, 7–8.9 high, 4–6.9 medium, 0.1–3.9 low */
const SECURITY_SEVERITY: Readonly<Record<RiskLevel, string | null>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  none: null,
};

/** SARIF §3.11.6: a literal [ or ] (and the escape character) in message text is backslash-escaped */
export function sarifText(s: string): string {
  return stripControls(s).replace(/[\\[\]]/g, (c) => `\\${c}`);
}

/** A capture path as an artifact URI: relative (forward slashes, percent-encoded) inside baseDir, else file:// */
export function artifactUri(path: string, baseDir: string = process.cwd()): string {
  if (path === '-' || path.length === 0) return 'stdin';
  const abs = resolve(baseDir, wellFormed(path));
  const rel = relative(baseDir, abs);
  if (rel.length > 0 && !rel.startsWith('..') && !isAbsolute(rel)) {
    return rel.split(sep).map(encodeURIComponent).join('/');
  }
  return pathToFileURL(abs).href;
}

function fingerprint(f: Finding): string {
  return createHash('sha256').update(`${f.ruleId}\u0000${f.server ?? ''}`).digest('hex').slice(0, 32);
}

const MCP_RULES = new Set(['HNDL001', 'HNDL007', 'HNDL008', 'HNDL009']);

function ruleDescriptor(key: RuleKey, r: Rule): Record<string, unknown> {
  const level = RULE_DEFAULT_LEVEL[key];
  const tags = ['security', 'post-quantum', 'hndl'];
  if (MCP_RULES.has(r.id)) tags.push('mcp');
  if (r.id === 'HNDL011') tags.push('cnsa-2.0');
  const props: Record<string, unknown> = { tags, precision: r.id === 'HNDL010' ? 'medium' : 'high' };
  const sev = SECURITY_SEVERITY[level];
  if (sev !== null) props['security-severity'] = sev;
  return {
    id: r.id,
    name: r.name,
    shortDescription: { text: r.title },
    fullDescription: { text: r.help },
    help: {
      text: `${r.title}. ${r.help}`,
      markdown: `**${r.title}** (\`${r.id}\`)\n\n${r.help}\n\nDefault level: ${level}.`,
    },
    defaultConfiguration: { level: sarifLevel(level) },
    properties: props,
  };
}

function result(f: Finding, ruleIndex: number | undefined, uri: string, relativeUri: boolean): Record<string, unknown> {
  const artifactLocation: Record<string, unknown> = { uri };
  if (relativeUri) artifactLocation['uriBaseId'] = '%SRCROOT%';
  const logical: Record<string, unknown>[] = [];
  if (f.server) logical.push({ name: stripControls(f.server), kind: 'resource' });
  const first = f.flowIds[0];
  if (first !== undefined) logical.push({ name: `flow/${first}`, kind: 'object' });
  const text = f.recommendation ? `${f.message} Fix: ${f.recommendation}` : f.message;
  const properties: Record<string, unknown> = {
    level: f.level,
    flowIds: f.flowIds,
  };
  if (f.server) properties['server'] = f.server;
  if (f.client) properties['client'] = f.client;
  if (f.recommendation) properties['recommendation'] = f.recommendation;
  const score = f.evidence?.['riskScore'];
  if (typeof score === 'number') properties['riskScore'] = score;
  if (f.evidence) properties['evidence'] = f.evidence;
  const r: Record<string, unknown> = {
    ruleId: f.ruleId,
    level: sarifLevel(f.level),
    message: { text: sarifText(text) },
    locations: [
      {
        physicalLocation: { artifactLocation, region: { startLine: 1 } },
        ...(logical.length > 0 ? { logicalLocations: logical } : {}),
      },
    ],
    partialFingerprints: { 'hndlFinding/v1': fingerprint(f) },
    properties,
  };
  if (ruleIndex !== undefined) r['ruleIndex'] = ruleIndex;
  return r;
}

/** The report as a SARIF 2.1.0 log (one run), pretty-printed, with a trailing newline. */
export function toSarif(report: ScanReport, opts: SarifOptions = {}): string {
  return `${JSON.stringify(sarifLog(report, opts), null, 2)}\n`;
}

/** toSarif as pieces (core/report/json-pieces.ts): one result per finding can pass V8's string limit */
export function* sarifPieces(report: ScanReport, opts: SarifOptions = {}): Generator<string> {
  yield* jsonPieces(sarifLog(report, opts));
  yield '\n';
}

function sarifLog(report: ScanReport, opts: SarifOptions): Record<string, unknown> {
  const entries = Object.entries(RULES) as [RuleKey, Rule][];
  const index = new Map<string, number>(entries.map(([, r], i) => [r.id, i]));
  const baseDir = opts.baseDir ?? process.cwd();
  const firstInput = report.scan.inputs[0]?.path;
  const uri = opts.inputUri ?? (firstInput !== undefined ? artifactUri(firstInput, baseDir) : 'stdin');
  const relativeUri = !/^[a-z][a-z0-9+.-]*:/i.test(uri);
  const driver: Record<string, unknown> = {
    name: report.tool.name,
    version: report.tool.version,
    semanticVersion: report.tool.version,
    rules: entries.map(([k, r]) => ruleDescriptor(k, r)),
  };
  if (opts.informationUri) driver['informationUri'] = opts.informationUri;
  const notifications = report.scan.inputs
    .filter((i) => i.truncated || (i.error !== null && i.error !== undefined))
    .map((i) => ({
      level: 'warning',
      message: { text: sarifText(`${i.path}: ${i.error ?? 'the file ends inside a record'}; scanned everything before it`) },
    }));
  const artifacts = report.scan.inputs.map((i) => {
    const u = artifactUri(i.path, baseDir);
    const location: Record<string, unknown> = { uri: u };
    if (!/^[a-z][a-z0-9+.-]*:/i.test(u)) location['uriBaseId'] = '%SRCROOT%';
    const a: Record<string, unknown> = { location, roles: ['analysisTarget'] };
    if (i.sha256) a['hashes'] = { 'sha-256': i.sha256 };
    return a;
  });
  const findings = findingsOf(report);
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        invocations: [
          {
            executionSuccessful: true,
            startTimeUtc: report.scan.startedAt,
            endTimeUtc: report.scan.finishedAt,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        artifacts,
        results: findings.map((f) => result(f, index.get(f.ruleId), uri, relativeUri)),
        properties: {
          scanId: report.scan.id,
          flows: report.summary.flows,
          byNegotiated: report.summary.byNegotiated,
        },
      },
    ],
  };
  return log;
}
