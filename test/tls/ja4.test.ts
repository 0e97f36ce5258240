/** JA4 against FoxIO's own snapshots (ja4-expected/*.snap) for the TCP ClientHellos, plus the spec's worked example. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ja4 } from '../../core/tls/ja4.js';
import { decodeClientHello } from '../../core/tls/hello.js';
import { tcpConnections } from './pcap-walk.js';
import { replay } from './replay.js';
import { alpn, clientHelloBody, ext, sigalgs, sni, versions } from './helpers.js';

const PUB = path.resolve(__dirname, '../../../shared/captures/public');

describe('ja4 unit', () => {
  it('reference example (tls.rs test_client_stats_into_out)', () => {
    const suites = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035];
    const sig = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];
    const order = [0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015];
    const exts = order.map((t) => {
      if (t === 0x0000) return sni('example.com');
      if (t === 0x0010) return alpn(['h2', 'http/1.1']);
      if (t === 0x000d) return sigalgs(sig);
      if (t === 0x002b) return versions([0x0a0a, 0x0304, 0x0303]);
      return ext(t, []);
    });
    const r = decodeClientHello(Uint8Array.from(clientHelloBody({ suites: [0x0a0a, ...suites], exts: [ext(0x1a1a, []), ...exts] })), 0x0301);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(ja4(r.value, 'tcp')).toBe('t13d1516h2_8daaf6152771_e5627efa2ab1');
    expect(ja4(r.value, 'quic').startsWith('q13d1516h2_')).toBe(true);
  });

  it('no ALPN, no signature algorithms, no extensions besides SNI', () => {
    const r = decodeClientHello(Uint8Array.from(clientHelloBody({ version: 0x0301, suites: [0x0005], exts: [sni('a.b')] })), 0x0301);
    expect(r.ok && ja4(r.value, 'tcp')).toMatch(/^t10d010100_[0-9a-f]{12}_000000000000$/);
  });
});

interface SnapEntry {
  transport: string;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  ja4: string;
}

function parseSnap(text: string): SnapEntry[] {
  const out: SnapEntry[] = [];
  for (const block of text.split(/\n- /)) {
    const get = (k: string): string | undefined => new RegExp(`(?:^|\\n)\\s*${k}: (.*)`).exec(block)?.[1]?.trim();
    const j = get('ja4');
    const transport = get('transport');
    const src = get('src');
    const dst = get('dst');
    if (j === undefined || transport === undefined || src === undefined || dst === undefined) continue;
    out.push({ transport, src, dst, srcPort: Number(get('src_port')), dstPort: Number(get('dst_port')), ja4: j });
  }
  return out;
}

const ep = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

describe('ja4 vs FoxIO snapshots (TCP)', () => {
  let checked = 0;
  for (const f of readdirSync(path.join(PUB, 'ja4-expected'))) {
    const cap = 'ja4__' + f.replace(/\.snap$/, '');
    it(f, () => {
      const entries = parseSnap(readFileSync(path.join(PUB, 'ja4-expected', f), 'utf8')).filter((e) => e.transport === 'tcp');
      if (entries.length === 0) return;
      const conns = tcpConnections(path.join(PUB, cap));
      for (const e of entries) {
        const c = ep(e.src, e.srcPort);
        const s = ep(e.dst, e.dstPort);
        const conn = conns.find((x) => (x.client === c && x.server === s) || (x.client === s && x.server === c));
        if (conn === undefined) continue; // tunnelled
        const flow = replay(conn, conn.client !== c, cap.includes('socks'));
        const ch = flow.tls?.clientHello ?? null;
        expect(ch, `${f} ${c}`).not.toBeNull();
        if (ch === null) continue;
        expect(ja4(ch, 'tcp'), `${f} ${c}->${s}`).toBe(e.ja4);
        checked++;
      }
    });
  }
  it('checked a meaningful number of fingerprints', () => {
    expect(checked).toBeGreaterThan(50);
  });
});
