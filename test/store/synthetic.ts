/**
 * Synthetic ScanReports for store and server tests: deterministic flows covering TLS and
 * non-TLS flows, every KexClass, optional fields present and absent.
 */
import type { FlowReport, ScanReport } from '../../core/report/model.js';
import type { KexClass } from '../../core/tls/types.js';

const CLASSES: KexClass[] = ['plaintext', 'classical', 'hybrid', 'pq', 'unknown'];

export function syntheticFlow(i: number): FlowReport {
  const cls = CLASSES[i % CLASSES.length] ?? 'unknown';
  const tls = cls === 'plaintext' ? null : {
    version: 'TLS 1.3',
    sni: `host${i % 97}.example.com`,
    offeredGroups: [4588, 29, 23],
    keyShareGroups: [4588, 29],
    selectedGroup: cls === 'hybrid' ? 4588 : 29,
    helloRetryRequest: i % 11 === 0,
    cipherSuite: 0x1301,
    alpn: ['h2', 'http/1.1'],
    ja4: 't13d1516h2_8daaf6152771_b0da82dd1658',
  };
  const flow: FlowReport = {
    id: i,
    transport: i % 7 === 0 ? 'udp' : 'tcp',
    client: { ip: `10.0.${(i >> 8) & 255}.${i & 255}`, port: 40000 + (i % 20000) },
    server: { ip: `192.0.2.${i % 50}`, port: 443 },
    app: cls === 'plaintext' ? 'http' : 'tls',
    firstSeen: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
    lastSeen: new Date(Date.UTC(2025, 0, 1) + i * 1000 + 500).toISOString(),
    packets: { clientToServer: 10 + (i % 5), serverToClient: 12 },
    bytes: { clientToServer: 1000 + i, serverToClient: 5000 + (i % 1000) },
    endReason: 'fin',
    tls,
    kex: {
      offered: cls === 'classical' && i % 2 === 0 ? 'hybrid' : cls,
      negotiated: cls,
      group: cls === 'hybrid' ? 'X25519MLKEM768' : cls === 'plaintext' ? null : 'x25519',
    },
    mcp: i % 13 === 0 ? { methods: ['tools/call'], tools: ['read_file'] } : null,
    issues: i % 17 === 0 ? ['tcp.gap'] : [],
  };
  if (i % 3 === 0) flow.vlan = 100;
  if (i % 5 === 0) flow.sensitivity = { category: 'health', lifetimeYears: 6 };
  if (i % 5 === 0) flow.risk = { score: 72.5, level: 'high', factors: ['classical'] };
  return flow;
}

export function syntheticReport(id: string, nFlows: number, startedAt = '2025-01-01T00:00:00.000Z'): ScanReport {
  const flows: FlowReport[] = [];
  const byNegotiated: Record<string, number> = {};
  let bytes = 0;
  let packets = 0;
  for (let i = 0; i < nFlows; i++) {
    const f = syntheticFlow(i);
    flows.push(f);
    byNegotiated[f.kex.negotiated] = (byNegotiated[f.kex.negotiated] ?? 0) + 1;
    bytes += f.bytes.clientToServer + f.bytes.serverToClient;
    packets += f.packets.clientToServer + f.packets.serverToClient;
  }
  return {
    tool: { name: 'hndl-scan', version: '0.1.0' },
    scan: {
      id,
      startedAt,
      finishedAt: '2025-01-01T00:00:01.250Z',
      durationMs: 1250,
      inputs: [
        { path: 'a.pcap', format: 'pcap', packets: packets - 1, bytes: 123, truncated: false, sha256: 'ab'.repeat(32) },
        { path: 'b.pcapng', format: 'pcapng', compressed: true, packets: 1, bytes: 9, truncated: true, error: 'short read' },
      ],
      options: { failOn: 'high' },
    },
    summary: {
      flows: nFlows,
      packets,
      bytes,
      byNegotiated,
      byOffered: {},
      bytesByNegotiated: {},
      offeredHybridNegotiatedClassical: 0,
      weirds: {},
      flowsEvicted: 0,
    },
    flows,
    findings: [
      {
        ruleId: 'HNDL004',
        level: 'medium',
        message: 'Classical key exchange protects flows to synthetic servers',
        server: 'srv-0.example',
        client: null,
        flowIds: [0, 1],
        recommendation: 'enable X25519MLKEM768',
        evidence: { synthetic: true },
      },
    ],
  };
}
