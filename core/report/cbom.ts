/**
 * CycloneDX 1.6 / 1.7 cryptographic bill of materials (CBOM) of the observed traffic
 * (CycloneDX specification `bom-1.6.schema.json`, `bom-1.7.schema.json`: components of type
 * `cryptographic-asset`, `cryptoProperties`, `protocolProperties`, `dependencies`).
 *
 * - one `protocol` asset per (protocol, version, server): TLS / SSH (QUIC is `quic` in 1.7 and
 *   `tls` in 1.6, whose enum has no QUIC; its handshake is TLS 1.3, RFC 9001), with the cipher
 *   suites seen (IANA identifiers as ['0x13', '0x01']; 1.7 adds `tlsGroups`);
 * - one `algorithm` asset per negotiated key exchange and bulk cipher (cbom-algorithms.ts);
 *   hybrids depend on their ML-KEM and ECDH halves;
 * - dependencies: protocol → the algorithms it used; the capture (metadata.component) → protocols.
 * Algorithm references: 1.6 `protocolProperties.cryptoRefArray`, 1.7 `relatedCryptographicAssets`
 * (cryptoRefArray is deprecated there). Captured names (SNI, SSH algorithm names) are JSON data.
 */
import { randomUUID } from 'node:crypto';
import type { FlowReport, ScanReport } from './model.js';
import type { AlgorithmSpec } from './cbom-algorithms.js';
import { cipherAlgorithm, kexAlgorithm, suiteIdentifiers } from './cbom-algorithms.js';
import { cipherSuiteName } from '../tls/suites.js';
import { groupName } from '../tls/groups.js';
import { clip, endpointLabel, serverLabel, wellFormed } from './format-util.js';
import { jsonPieces } from './json-pieces.js';

export type CbomSpecVersion = '1.6' | '1.7';

export interface CbomOptions {
  specVersion?: CbomSpecVersion;
}

const SCHEMA_URI: Record<CbomSpecVersion, string> = {
  '1.6': 'http://cyclonedx.org/schema/bom-1.6.schema.json',
  '1.7': 'http://cyclonedx.org/schema/bom-1.7.schema.json',
};

/** CycloneDX 1.7 algorithmFamily values used by cbom-algorithms.ts (all in cryptography-defs.json) */
const FAMILIES_17 = new Set(['ECDH', 'FFDH', 'ML-KEM', 'AES', 'ChaCha20', 'RSAES-PKCS1', '3DES', 'RC4', 'DES', 'CAMELLIA', 'SM2']);
const MAX_ADDRESSES = 10;

type Json = Record<string, unknown>;

interface ProtocolAcc {
  ref: string;
  type: string;
  transport: string;
  version: string | null;
  server: string;
  flows: number;
  negotiated: Set<string>;
  addresses: Set<string>;
  suites: Map<number, { algs: Set<string>; groups: Set<string> }>;
  algs: Set<string>;
}

function uuidOf(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id.toLowerCase() : randomUUID();
}

function algRef(name: string): string {
  return `crypto/algorithm/${encodeURIComponent(wellFormed(name))}`;
}

function protocolOf(f: FlowReport, v: CbomSpecVersion): { type: string; transport: string; version: string | null } | null {
  if (f.kex.negotiated === 'plaintext' || f.kex.negotiated === 'unknown') return null;
  const ssh = f['ssh'];
  if (f.app === 'ssh' || (ssh !== null && typeof ssh === 'object')) return { type: 'ssh', transport: 'tcp', version: '2.0' };
  if (!f.tls) return null;
  const quic = f.app === 'quic' || f.transport === 'udp';
  const raw = f.tls.version;
  const m = raw !== null ? /^TLS (\d\.\d)/.exec(raw) : null;
  const version = m?.[1] ?? raw;
  return { type: quic && v === '1.7' ? 'quic' : 'tls', transport: quic ? 'quic' : 'tcp', version };
}

function algorithmComponent(a: AlgorithmSpec, v: CbomSpecVersion): Json {
  const props: Json = { primitive: a.primitive };
  if (v === '1.7' && a.family !== undefined && FAMILIES_17.has(a.family)) props['algorithmFamily'] = a.family;
  if (a.parameterSetIdentifier !== undefined) props['parameterSetIdentifier'] = a.parameterSetIdentifier;
  if (a.curve !== undefined && v === '1.6') props['curve'] = a.curve;
  if (a.mode !== undefined) props['mode'] = a.mode;
  if (a.cryptoFunctions.length > 0) props['cryptoFunctions'] = a.cryptoFunctions;
  if (a.classicalSecurityLevel !== undefined) props['classicalSecurityLevel'] = a.classicalSecurityLevel;
  if (a.nistQuantumSecurityLevel !== undefined) props['nistQuantumSecurityLevel'] = a.nistQuantumSecurityLevel;
  const crypto: Json = { assetType: 'algorithm', algorithmProperties: props };
  if (a.oid !== undefined) crypto['oid'] = a.oid;
  const c: Json = { type: 'cryptographic-asset', 'bom-ref': algRef(a.name), name: a.name, cryptoProperties: crypto };
  if (a.curve !== undefined && v === '1.7') c['properties'] = [{ name: 'hndl-scan:curve', value: a.curve }];
  return c;
}

/** The report as a CycloneDX CBOM (JSON, pretty-printed, trailing newline). */
export function toCbom(report: ScanReport, opts: CbomOptions = {}): string {
  return `${JSON.stringify(cbomDocument(report, opts), null, 2)}\n`;
}

/** toCbom as pieces (core/report/json-pieces.ts): a component per server can pass V8's string limit */
export function* cbomPieces(report: ScanReport, opts: CbomOptions = {}): Generator<string> {
  yield* jsonPieces(cbomDocument(report, opts));
  yield '\n';
}

function cbomDocument(report: ScanReport, opts: CbomOptions): Record<string, unknown> {
  const v: CbomSpecVersion = opts.specVersion ?? '1.6';
  const algorithms = new Map<string, AlgorithmSpec>();
  const protocols = new Map<string, ProtocolAcc>();

  const addAlg = (a: AlgorithmSpec): string => {
    if (!algorithms.has(a.name)) algorithms.set(a.name, a);
    for (const p of a.parts ?? []) addAlg(p);
    return algRef(a.name);
  };

  for (const f of report.flows) {
    const p = protocolOf(f, v);
    if (!p) continue;
    const server = serverLabel(f);
    const key = `${p.type}\u0000${p.transport}\u0000${p.version ?? ''}\u0000${server}`;
    let acc = protocols.get(key);
    if (!acc) {
      acc = {
        ref: '',
        type: p.type,
        transport: p.transport,
        version: p.version,
        server,
        flows: 0,
        negotiated: new Set(),
        addresses: new Set(),
        suites: new Map(),
        algs: new Set(),
      };
      protocols.set(key, acc);
    }
    acc.flows++;
    acc.negotiated.add(f.kex.negotiated);
    if (acc.addresses.size < MAX_ADDRESSES) acc.addresses.add(endpointLabel(f.server.ip, f.server.port));
    const kex = kexAlgorithm(f);
    const kexRef = kex ? addAlg(kex) : null;
    if (kexRef) acc.algs.add(kexRef);
    const cs = f.tls?.cipherSuite;
    if (cs !== null && cs !== undefined) {
      let s = acc.suites.get(cs);
      if (!s) {
        s = { algs: new Set(), groups: new Set() };
        acc.suites.set(cs, s);
      }
      const cipher = cipherAlgorithm(cs);
      if (cipher) {
        const r = addAlg(cipher);
        s.algs.add(r);
        acc.algs.add(r);
      }
      if (kexRef) s.algs.add(kexRef);
      const g = f.tls?.selectedGroup;
      if (g !== null && g !== undefined) s.groups.add(groupName(g));
    }
  }

  const sortKey = (p: ProtocolAcc): string => `${p.server}\u0000${p.type}\u0000${p.version ?? ''}\u0000${p.transport}`;
  const sorted = [...protocols.values()].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  sorted.forEach((p, i) => {
    p.ref = `crypto/protocol/${i + 1}`;
  });

  const components: Json[] = [];
  const dependencies: Json[] = [];
  for (const p of sorted) {
    const suites = [...p.suites.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([cs, s]) => {
        const o: Json = { name: cipherSuiteName(cs), algorithms: [...s.algs].sort(), identifiers: suiteIdentifiers(cs) };
        if (v === '1.7' && s.groups.size > 0) o['tlsGroups'] = [...s.groups].sort();
        return o;
      });
    const algs = [...p.algs].sort();
    const pp: Json = { type: p.type };
    if (p.version !== null) pp['version'] = p.version;
    if (suites.length > 0) pp['cipherSuites'] = suites;
    if (algs.length > 0) {
      if (v === '1.6') pp['cryptoRefArray'] = algs;
      else pp['relatedCryptographicAssets'] = algs.map((ref) => ({ type: 'algorithm', ref }));
    }
    const label = p.type === 'ssh' ? 'SSH' : p.type === 'quic' ? 'QUIC' : 'TLS';
    const properties: Json[] = [
      { name: 'hndl-scan:server', value: p.server },
      { name: 'hndl-scan:transport', value: p.transport },
      { name: 'hndl-scan:flows', value: String(p.flows) },
      { name: 'hndl-scan:negotiated', value: [...p.negotiated].sort().join(',') },
      ...[...p.addresses].sort().map((a) => ({ name: 'hndl-scan:address', value: a })),
    ];
    components.push({
      type: 'cryptographic-asset',
      'bom-ref': p.ref,
      name: clip(`${label} ${p.version ?? ''} ${p.server}`.replace(/\s+/g, ' ').trim(), 300),
      cryptoProperties: { assetType: 'protocol', protocolProperties: pp },
      properties,
    });
    if (algs.length > 0) dependencies.push({ ref: p.ref, dependsOn: algs });
  }
  const algList = [...algorithms.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const a of algList) {
    components.push(algorithmComponent(a, v));
    const parts = [...new Set((a.parts ?? []).map((x) => algRef(x.name)))].sort();
    if (parts.length > 0) dependencies.push({ ref: algRef(a.name), dependsOn: parts });
  }

  const inputs = report.scan.inputs;
  const capture: Json = {
    type: inputs.length === 1 ? 'file' : 'data',
    'bom-ref': 'capture',
    name: clip(inputs.length > 0 ? inputs.map((i) => i.path).join(', ') : 'capture', 1000),
  };
  const only = inputs[0];
  if (inputs.length === 1 && only?.sha256) capture['hashes'] = [{ alg: 'SHA-256', content: only.sha256 }];
  if (sorted.length > 0) dependencies.unshift({ ref: 'capture', dependsOn: sorted.map((p) => p.ref) });

  const bom: Json = {
    $schema: SCHEMA_URI[v],
    bomFormat: 'CycloneDX',
    specVersion: v,
    serialNumber: `urn:uuid:${uuidOf(report.scan.id)}`,
    version: 1,
    metadata: {
      timestamp: report.scan.finishedAt,
      lifecycles: [{ phase: 'operations' }],
      tools: { components: [{ type: 'application', name: report.tool.name, version: report.tool.version }] },
      component: capture,
      properties: [
        { name: 'hndl-scan:scanId', value: report.scan.id },
        { name: 'hndl-scan:flows', value: String(report.summary.flows) },
      ],
    },
    components,
    dependencies,
  };
  return bom;
}
