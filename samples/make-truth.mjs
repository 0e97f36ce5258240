// Writes samples/truth/<capture file name>.truth.json for every capture in samples/, using tshark
// as the oracle. Re-run any time:  node samples/make-truth.mjs [capture ...]
//
// Shape (all group / suite values are plain integers, e.g. 4588 = 0x11EC X25519MLKEM768):
// {
//   capture, sha256, oracle (tshark version), file_type, packets,
//   conversations: [{ transport "tcp"|"udp", stream, client "ip:port", server "ip:port",
//                     packets_c2s, packets_s2c,
//                     bytes_c2s, bytes_s2c   // TCP/UDP *payload* bytes (tcp.len, udp.length-8) }],
//   tls_flows: [{ stream, client, server, sni|null,
//                 version        "TLS 1.3" | "TLS 1.2" | ... | null (no ServerHello),
//                 offered_groups      supported_groups of the first ClientHello, GREASE removed,
//                 key_share_groups    key_share groups of the first ClientHello, GREASE removed,
//                 key_share_lengths   matching key_exchange lengths in bytes,
//                 selected_group      TLS 1.3 ServerHello key_share group, or TLS 1.2
//                                     ServerKeyExchange named curve; null for RSA key transport,
//                 server_share_length ServerHello key_exchange length (TLS 1.3) or null,
//                 hrr                 true if a HelloRetryRequest was sent,
//                 hrr_selected_group  the HRR's selected_group or null,
//                 retry_key_share_groups  key_share groups of the second ClientHello or null,
//                 cipher_suite        ServerHello cipher suite (int) or null }]
//   // only in truth files of captures that hold QUIC or SSH (samples/quic-ssh/):
//   quic_flows: [{ stream (udp.stream), client, server, quic_version (int, first Initial),
//                  alpn [str], client_extensions  extension types of the first ClientHello, in
//                  order, GREASE removed, ... then the same fields as tls_flows, from the
//                  ClientHello / ServerHello that tshark reassembles from the CRYPTO frames }]
//   ssh_flows: [{ stream, client, server, client_banner, server_banner,
//                 client_kex, server_kex     kex_algorithms name-lists of the two KEXINITs,
//                 negotiated_kex             first client algorithm the server also lists
//                                            (RFC 4253 §7.1), or null }]
// }
// The truth file goes to truth/ beside the capture (samples/truth/ for samples/*.pcap).
// Client = sender of the SYN (TCP) or of the first datagram (UDP).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';
const VERSIONS = { 0x0300: 'SSL 3.0', 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1', 0x0303: 'TLS 1.2', 0x0304: 'TLS 1.3' };

const tshark = (args) =>
  execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
const num = (v) => (v === undefined || v === null || v === '' ? null : Number(v)); // "0x11ec" or "4588"
const isGrease = (v) => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
const noGrease = (a) => a.filter((v) => !isGrease(v));

function packetsJson(file, filter, fields, extra = []) {
  const out = tshark(['-r', file, ...extra, '-T', 'json', ...(filter ? ['-Y', filter] : []), ...fields.flatMap((f) => ['-e', f])]);
  return JSON.parse(out || '[]').map((p) => p._source.layers);
}
const first = (l, f) => (l[f] ? l[f][0] : undefined);
const all = (l, f) => (l[f] ?? []).map(num);

function conversations(file) {
  const rows = packetsJson(file, 'tcp || udp', [
    'ip.src', 'ipv6.src', 'ip.dst', 'ipv6.dst', 'tcp.stream', 'tcp.srcport', 'tcp.dstport', 'tcp.len',
    'tcp.flags.syn', 'tcp.flags.ack', 'udp.stream', 'udp.srcport', 'udp.dstport', 'udp.length',
  ]);
  const convs = new Map();
  for (const l of rows) {
    const tcp = l['tcp.stream'] !== undefined;
    const t = tcp ? 'tcp' : 'udp';
    const src = `${first(l, 'ip.src') ?? first(l, 'ipv6.src')}:${first(l, `${t}.srcport`)}`;
    const dst = `${first(l, 'ip.dst') ?? first(l, 'ipv6.dst')}:${first(l, `${t}.dstport`)}`;
    const key = `${t}/${first(l, `${t}.stream`)}`;
    const payload = tcp ? num(first(l, 'tcp.len')) : num(first(l, 'udp.length')) - 8;
    let c = convs.get(key);
    if (!c) {
      c = { transport: t, stream: num(first(l, `${t}.stream`)), client: src, server: dst,
            packets_c2s: 0, packets_s2c: 0, bytes_c2s: 0, bytes_s2c: 0, _synSeen: false };
      convs.set(key, c);
    }
    // a pure SYN fixes the client even if it was not the first packet seen
    const pureSyn = tcp && ['1', 'True', 'true'].includes(first(l, 'tcp.flags.syn')) &&
      !['1', 'True', 'true'].includes(first(l, 'tcp.flags.ack'));
    if (pureSyn && !c._synSeen && src !== c.client) {
      [c.client, c.server] = [src, dst];
      [c.packets_c2s, c.packets_s2c, c.bytes_c2s, c.bytes_s2c] = [c.packets_s2c, c.packets_c2s, c.bytes_s2c, c.bytes_c2s];
    }
    if (pureSyn) c._synSeen = true;
    if (src === c.client) { c.packets_c2s++; c.bytes_c2s += payload; } else { c.packets_s2c++; c.bytes_s2c += payload; }
  }
  const list = [...convs.values()].map(({ _synSeen, ...c }) => c);
  list.sort((a, b) => (a.transport === b.transport ? a.stream - b.stream : a.transport < b.transport ? -1 : 1));
  // cross-check the packet counts against tshark's own conversation table
  for (const t of ['tcp', 'udp']) {
    const stat = tshark(['-r', file, '-q', '-z', `conv,${t}`]);
    const totals = [...stat.matchAll(/^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+\S+\s+bytes\s+(\d+)\s+\S+\s+bytes\s+(\d+)\s/gm)]
      .map((m) => ({ ends: [m[1], m[2]].sort().join(' '), frames: Number(m[5]) }));
    const mine = list.filter((c) => c.transport === t);
    const sum = (xs) => xs.reduce((s, x) => s + x, 0);
    if (sum(totals.map((x) => x.frames)) !== sum(mine.map((c) => c.packets_c2s + c.packets_s2c))) {
      throw new Error(`${file}: ${t} packet totals disagree with tshark -z conv,${t}`);
    }
  }
  return list;
}

// tshark 4.0 does not follow RDP's X.224 negotiation into the TLS handshake after it: the server
// ports of connections that open with a TPKT X.224 Connection Request are decoded as TLS instead
// (-d tcp.port==P,tls), which reads past the two X.224 packets as unknown records.
function rdpDecodeAs(file, convs) {
  const ports = serverPortsOf(file, convs, 'tcp.payload[0:2] == 03:00 && tcp.payload[5] == e0');
  return [...ports].flatMap((p) => ['-d', `tcp.port==${p},tls`]);
}

/** the server ports of the TCP conversations with a packet matching `filter` */
function serverPortsOf(file, convs, filter) {
  const ports = new Set();
  for (const l of packetsJson(file, filter, ['tcp.stream'])) {
    const conv = convs.find((c) => c.transport === 'tcp' && c.stream === num(first(l, 'tcp.stream')));
    if (conv) ports.add(conv.server.split(':').pop());
  }
  return ports;
}

function tlsFlows(file, convs, transport = 'tcp') {
  const quic = transport === 'udp';
  const rows = packetsJson(file, 'tls.handshake.type==1 || tls.handshake.type==2 || tls.handshake.type==12', [
    'frame.number', 'tcp.stream', 'udp.stream', 'quic.version', 'tls.handshake.extensions_alpn_str',
    'tls.handshake.extension.type', 'tls.handshake.type', 'tls.handshake.random', 'tls.handshake.version',
    'tls.handshake.extensions_server_name', 'tls.handshake.extensions_supported_group',
    'tls.handshake.extensions_key_share_group', 'tls.handshake.extensions_key_share_key_exchange_length',
    'tls.handshake.extensions_key_share_selected_group', 'tls.handshake.extensions.supported_version',
    'tls.handshake.ciphersuite', 'tls.handshake.server_named_curve',
  ], quic ? [] : rdpDecodeAs(file, convs));
  const flows = new Map();
  for (const l of rows) {
    const stream = num(first(l, `${transport}.stream`));
    if (stream === null) continue; // TLS over TCP, or (quic) TLS in QUIC CRYPTO frames
    if (quic && l['quic.version'] === undefined) continue;
    const conv = convs.find((c) => c.transport === transport && c.stream === stream);
    let f = flows.get(stream);
    if (!f) {
      f = { stream, client: conv.client, server: conv.server,
            ...(quic ? { quic_version: num(first(l, 'quic.version')), alpn: [], client_extensions: [] } : {}),
            sni: null, version: null,
            offered_groups: [], key_share_groups: [], key_share_lengths: [], selected_group: null,
            server_share_length: null, hrr: false, hrr_selected_group: null,
            retry_key_share_groups: null, cipher_suite: null, _ch: 0 };
      flows.set(stream, f);
    }
    const types = all(l, 'tls.handshake.type');
    if (types.includes(1)) {
      f._ch++;
      if (f._ch === 1) {
        f.sni = first(l, 'tls.handshake.extensions_server_name') ?? null;
        f.offered_groups = noGrease(all(l, 'tls.handshake.extensions_supported_group'));
        const groups = all(l, 'tls.handshake.extensions_key_share_group');
        const lens = all(l, 'tls.handshake.extensions_key_share_key_exchange_length');
        f.key_share_groups = groups.filter((g) => !isGrease(g));
        f.key_share_lengths = lens.filter((_, i) => !isGrease(groups[i]));
        if (quic) {
          f.alpn = l['tls.handshake.extensions_alpn_str'] ?? [];
          f.client_extensions = noGrease(all(l, 'tls.handshake.extension.type'));
        }
      } else {
        f.retry_key_share_groups = noGrease(all(l, 'tls.handshake.extensions_key_share_group'));
      }
    }
    if (types.includes(2)) {
      if (first(l, 'tls.handshake.random') === HRR_RANDOM) {
        f.hrr = true;
        f.hrr_selected_group = num(first(l, 'tls.handshake.extensions_key_share_selected_group'));
      } else {
        const sv = num(first(l, 'tls.handshake.extensions.supported_version'));
        const v = sv ?? num(first(l, 'tls.handshake.version'));
        f.version = VERSIONS[v] ?? `0x${v.toString(16).padStart(4, '0')}`;
        f.cipher_suite = num(first(l, 'tls.handshake.ciphersuite'));
        const ks = num(first(l, 'tls.handshake.extensions_key_share_group'));
        if (ks !== null) {
          f.selected_group = ks;
          f.server_share_length = num(first(l, 'tls.handshake.extensions_key_share_key_exchange_length'));
        }
      }
    }
    if (types.includes(12)) {
      const curve = num(first(l, 'tls.handshake.server_named_curve'));
      if (curve !== null) f.selected_group = curve;
    }
  }
  return [...flows.values()].map(({ _ch, ...f }) => f).sort((a, b) => a.stream - b.stream);
}

function sshFlows(file, convs) {
  // tshark only dissects SSH on port 22 by itself: find the ports whose first payload is a banner
  const ports = serverPortsOf(file, convs, 'tcp.payload[0:4] == 53:53:48:2d');
  if (!ports.size) return [];
  const decodeAs = [...ports].flatMap((p) => ['-d', `tcp.port==${p},ssh`]);
  const out = tshark(['-r', file, ...decodeAs, '-T', 'json', '-Y', 'ssh.protocol || ssh.kex_algorithms',
    '-e', 'tcp.stream', '-e', 'ip.src', '-e', 'tcp.srcport', '-e', 'ssh.protocol', '-e', 'ssh.kex_algorithms']);
  const flows = new Map();
  for (const l of JSON.parse(out || '[]').map((p) => p._source.layers)) {
    const stream = num(first(l, 'tcp.stream'));
    const conv = convs.find((c) => c.transport === 'tcp' && c.stream === stream);
    let f = flows.get(stream);
    if (!f) {
      f = { stream, client: conv.client, server: conv.server, client_banner: null, server_banner: null,
            client_kex: null, server_kex: null, negotiated_kex: null };
      flows.set(stream, f);
    }
    const side = `${first(l, 'ip.src')}:${first(l, 'tcp.srcport')}` === conv.client ? 'client' : 'server';
    const banner = first(l, 'ssh.protocol');
    if (banner && f[`${side}_banner`] === null) f[`${side}_banner`] = banner;
    const kex = first(l, 'ssh.kex_algorithms');
    if (kex && f[`${side}_kex`] === null) f[`${side}_kex`] = kex.split(',');
  }
  for (const f of flows.values()) {
    if (f.client_kex && f.server_kex) f.negotiated_kex = f.client_kex.find((a) => f.server_kex.includes(a)) ?? null;
  }
  return [...flows.values()].sort((a, b) => a.stream - b.stream);
}

const captures = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(HERE).filter((n) => /\.(pcap|pcapng|pcap\.gz)$/.test(n)).sort().map((n) => join(HERE, n));
const oracle = tshark(['-v']).split('\n')[0].trim();
for (const file of captures) {
  const convs = conversations(file);
  const info = tshark(['-r', file, '-T', 'fields', '-e', 'frame.number']).trim().split('\n').filter(Boolean);
  const truth = {
    capture: basename(file),
    sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
    oracle,
    file_type: file.endsWith('.pcapng') ? 'pcapng' : file.endsWith('.gz') ? 'pcap (gzip)' : 'pcap',
    packets: info.length,
    conversations: convs,
    tls_flows: tlsFlows(file, convs),
  };
  const quicFlows = tlsFlows(file, convs, 'udp');
  if (quicFlows.length) truth.quic_flows = quicFlows;
  const ssh = sshFlows(file, convs);
  if (ssh.length) truth.ssh_flows = ssh;
  mkdirSync(join(dirname(file), 'truth'), { recursive: true });
  const out = join(dirname(file), 'truth', `${basename(file)}.truth.json`);
  writeFileSync(out, JSON.stringify(truth, null, 1) + '\n');
  console.log(`${basename(file)}: ${truth.packets} packets, ${convs.length} conversations, ${truth.tls_flows.length} TLS flows` +
    (truth.quic_flows ? `, ${truth.quic_flows.length} QUIC flows` : '') + (truth.ssh_flows ? `, ${truth.ssh_flows.length} SSH flows` : ''));
}
