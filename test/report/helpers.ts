/**
 * Helpers for the report-format tests: real scans of the project's samples and a few public
 * captures (cached per file), JSON-schema validators for SARIF 2.1.0 and CycloneDX 1.6 / 1.7
 * built from ../shared/schemas, and small synthetic reports for hostile-input cases.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { AnySchemaObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { scanInputs } from '../../core/scan.js';
import type { FlowReport, ScanReport } from '../../core/report/model.js';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const SAMPLES = `${ROOT}samples/`;
export const SHARED = new URL('../../../shared/', import.meta.url).pathname;
export const SCHEMAS = `${SHARED}schemas/`;
export const PUBLIC = `${SHARED}captures/public/`;

/** every capture in samples/ (relative paths, as a user would type them from the project root) */
export function sampleFiles(): string[] {
  return readdirSync(SAMPLES)
    .filter((f) => /\.(pcap|pcapng|pcap\.gz)$/.test(f))
    .sort()
    .map((f) => `samples/${f}`);
}

/** public captures covering Kyber drafts, SSH ML-KEM, QUIC, DHE, SSLv2, SOCKS, unknown kex, many servers */
export const PUBLIC_PICKS = [
  'zeek__chrome-1250-tls-x25519-kyber.pcap',
  'zeek__ssh_kex_mlkem.pcap',
  'zeek__quic-decrypt-fail-google-de-51833.pcap',
  'zeek__quic-39264-rand.pcap',
  'zeek__dhe.pcap',
  'zeek__ssl-v2.pcap',
  'ja4__socks-https-example.pcap',
  'ja4__latest.pcapng',
  'ndpi__sites.pcapng',
  'ja4__tls12.pcap',
].map((f) => `${PUBLIC}${f}`);

const cache = new Map<string, Promise<ScanReport>>();

export function scan(path: string): Promise<ScanReport> {
  let p = cache.get(path);
  if (!p) {
    p = scanInputs([path]);
    cache.set(path, p);
  }
  return p;
}

function readJson(path: string): AnySchemaObject {
  return JSON.parse(readFileSync(path, 'utf8')) as AnySchemaObject;
}

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // formats ajv-formats does not define (CycloneDX uses them for e-mail / IRI fields we never write)
  ajv.addFormat('idn-email', true);
  ajv.addFormat('iri-reference', (s: string) => !/\s/.test(s));
  return ajv;
}

let sarif: ValidateFunction | null = null;

/** SARIF 2.1.0 (a draft-04 schema: its top-level `id` becomes `$id` for ajv's draft-07 engine) */
export function sarifValidator(): ValidateFunction {
  if (sarif) return sarif;
  const raw = readJson(`${SCHEMAS}sarif/sarif-schema-2.1.0.json`);
  const { $schema: _drop, id, ...rest } = raw;
  void _drop;
  sarif = newAjv().compile({ ...rest, $id: typeof id === 'string' ? id : 'sarif' });
  return sarif;
}

/**
 * cryptography-defs.json is CycloneDX's registry data; bom-1.7 refs the schema generated from it
 * (cryptography-defs.schema.json): an enum of algorithm families and of "family/curve" names.
 */
function cryptoDefsSchema(): AnySchemaObject {
  const defs = JSON.parse(readFileSync(`${SCHEMAS}cyclonedx/cryptography-defs.json`, 'utf8')) as {
    algorithms: { family: string }[];
    ellipticCurves: { name: string; curves: { name: string }[] }[];
  };
  return {
    $id: 'http://cyclonedx.org/schema/cryptography-defs.schema.json',
    $schema: 'http://json-schema.org/draft-07/schema#',
    definitions: {
      algorithmFamiliesEnum: { type: 'string', enum: [...new Set(defs.algorithms.map((a) => a.family))] },
      ellipticCurvesEnum: { type: 'string', enum: defs.ellipticCurves.flatMap((f) => f.curves.map((c) => `${f.name}/${c.name}`)) },
    },
  };
}

const cdx = new Map<string, ValidateFunction>();

export function cbomValidator(version: '1.6' | '1.7'): ValidateFunction {
  const hit = cdx.get(version);
  if (hit) return hit;
  const ajv = newAjv();
  ajv.addSchema(readJson(`${SCHEMAS}cyclonedx/spdx.schema.json`));
  ajv.addSchema(readJson(`${SCHEMAS}cyclonedx/jsf-0.82.schema.json`));
  ajv.addSchema(cryptoDefsSchema());
  const v = ajv.compile(readJson(`${SCHEMAS}cyclonedx/bom-${version}.schema.json`));
  cdx.set(version, v);
  return v;
}

export function errorsOf(v: ValidateFunction): string {
  return JSON.stringify((v.errors ?? []).slice(0, 5), null, 1);
}

/** a TLS flow with sensible defaults; override anything */
export function makeFlow(id: number, over: Partial<FlowReport> = {}): FlowReport {
  return {
    id,
    transport: 'tcp',
    client: { ip: '10.0.0.1', port: 40000 + id },
    server: { ip: '10.0.0.2', port: 443 },
    app: 'tls',
    firstSeen: '2026-01-01T00:00:00.000000Z',
    lastSeen: '2026-01-01T00:00:01.000000Z',
    packets: { clientToServer: 5, serverToClient: 5 },
    bytes: { clientToServer: 1000, serverToClient: 2000 },
    endReason: 'fin',
    tls: {
      version: 'TLS 1.3',
      sni: 'example.test',
      offeredGroups: [0x11ec, 0x1d],
      keyShareGroups: [0x11ec, 0x1d],
      selectedGroup: 0x1d,
      helloRetryRequest: false,
      cipherSuite: 0x1301,
      shareValidation: 'ok',
    },
    kex: { offered: 'hybrid', negotiated: 'classical', group: 'x25519', reason: null, mechanism: 'tls13-key-share' },
    mcp: null,
    issues: [],
    ...over,
  };
}

export function makeReport(flows: FlowReport[], over: Partial<ScanReport> = {}): ScanReport {
  return {
    tool: { name: 'hndl-scan', version: '0.1.0' },
    scan: {
      id: '3b241101-e2bb-4255-8caf-4136c566a962',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z',
      durationMs: 1000,
      inputs: [{ path: 'captures/hostile.pcap', format: 'pcap', packets: 10, bytes: 1000, truncated: true, error: null }],
    },
    summary: {
      flows: flows.length,
      packets: 10,
      bytes: 3000 * flows.length,
      byNegotiated: { classical: flows.length },
      byOffered: { hybrid: flows.length },
      bytesByNegotiated: { classical: 3000 * flows.length },
      offeredHybridNegotiatedClassical: flows.length,
      weirds: {},
      flowsEvicted: 0,
    },
    flows,
    ...over,
  };
}

/** a hostile server name: HTML, a table pipe, Markdown and SARIF link syntax, a newline */
export const HOSTILE_SNI = '<img src=x onerror=alert(1)>|x`y`[a](javascript:1)\n# h';
