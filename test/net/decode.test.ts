import { describe, expect, it } from 'vitest';
import { Buffer } from 'node:buffer';
import { decodeFrame } from '../../core/net/decode.js';
import { formatAddr, newDecodedPacket, isIpv4Mapped } from '../../core/net/packet.js';
import type { DecodedPacket } from '../../core/net/packet.js';
import { Weirds } from '../../core/util/weirds.js';
import { LINKTYPE } from '../../core/capture/types.js';
import {
  ah,
  cat,
  erspan2,
  erspan3,
  eth,
  ext6,
  frag6,
  geneve,
  gre,
  ip6,
  ipv4,
  ipv6,
  nullHdr,
  sll,
  sll2,
  tcp,
  udp,
  vxlan,
  vxlanGpe,
} from './build.js';

const HELLO = Buffer.from('hello world');

function dec(lt: number, frame: Buffer, capLen = frame.length): { ok: boolean; p: DecodedPacket; w: Weirds } {
  const p = newDecodedPacket();
  const w = new Weirds();
  const ok = decodeFrame(lt, frame, 0, capLen, p, w);
  return { ok, p, w };
}
function tuple(p: DecodedPacket): string {
  const v = p.ipVersion === 6 ? 6 : 4;
  return `${formatAddr(p.buf, p.srcAddrOff, v)}:${p.srcPort} > ${formatAddr(p.buf, p.dstAddrOff, v)}:${p.dstPort} /${p.proto}`;
}
function payload(p: DecodedPacket): string {
  return p.buf.subarray(p.payloadOff, p.payloadOff + p.payloadLen).toString('latin1');
}

const tcp4 = (payloadBuf = HELLO): Buffer =>
  ipv4({ proto: 6, src: '10.1.1.1', dst: '10.2.2.2' }, tcp({ sport: 40000, dport: 443, seq: 0xfffffff0, ack: 0x80000001, flags: 0x18 }, payloadBuf));
const udp4 = (): Buffer => ipv4({ proto: 17, src: '192.0.2.7', dst: '198.51.100.9' }, udp(5353, 443, HELLO));
const tcp6 = (): Buffer => ipv6({ nh: 6, src: '2001:db8::1', dst: '2001:db8::2' }, tcp({ sport: 1234, dport: 80 }, HELLO));

describe('link layers', () => {
  it('Ethernet II + IPv4 + TCP: tuple, seq/ack unsigned, flags, payload', () => {
    const { ok, p, w } = dec(LINKTYPE.ETHERNET, eth(0x0800, tcp4()));
    expect(ok).toBe(true);
    expect(tuple(p)).toBe('10.1.1.1:40000 > 10.2.2.2:443 /6');
    expect(p.ipVersion).toBe(4);
    expect(p.seq).toBe(0xfffffff0);
    expect(p.ack).toBe(0x80000001);
    expect(p.tcpFlags).toBe(0x18);
    expect(payload(p)).toBe('hello world');
    expect(p.wirePayloadLen).toBe(11);
    expect(p.zone).toBe(0);
    expect(p.vlan).toBe(0);
    expect(p.tunnelId).toBe(-1);
    expect(p.encapDepth).toBe(0);
    expect(w.counts.size).toBe(0);
  });

  it('Ethernet padding is trimmed by the IPv4 total length', () => {
    const small = ipv4({ proto: 6 }, tcp({ sport: 1, dport: 2, flags: 0x10 }));
    const { ok, p } = dec(LINKTYPE.ETHERNET, cat(eth(0x0800, small), Buffer.alloc(6, 0xcc)));
    expect(ok).toBe(true);
    expect(p.payloadLen).toBe(0);
    expect(p.wirePayloadLen).toBe(0);
  });

  it('decodes at a non-zero offset and respects capLen over buf.length', () => {
    const f = eth(0x0800, tcp4());
    const buf = cat(Buffer.alloc(100, 0xff), f, Buffer.alloc(50, 0xff));
    const p = newDecodedPacket();
    const w = new Weirds();
    expect(decodeFrame(1, buf, 100, f.length, p, w)).toBe(true);
    expect(payload(p)).toBe('hello world');
    expect(p.buf).toBe(buf);
    // snaplen cut inside the payload: captured part only, wire length from headers
    expect(decodeFrame(1, buf, 100, f.length - 5, p, w)).toBe(true);
    expect(payload(p)).toBe('hello ');
    expect(p.wirePayloadLen).toBe(11);
  });

  it('802.1Q, QinQ (0x88a8 and 0x9100), stacked tags: outer vlan, zone separates', () => {
    const q = dec(1, eth(0x0800, tcp4(), [{ tpid: 0x8100, vid: 100 }]));
    expect(q.ok).toBe(true);
    expect(q.p.vlan).toBe(100);
    expect(q.p.zone).not.toBe(0);
    const qinq = dec(1, eth(0x0800, tcp4(), [{ tpid: 0x88a8, vid: 200 }, { tpid: 0x8100, vid: 100 }]));
    expect(qinq.ok).toBe(true);
    expect(qinq.p.vlan).toBe(200);
    expect(tuple(qinq.p)).toBe('10.1.1.1:40000 > 10.2.2.2:443 /6');
    const legacy = dec(1, eth(0x86dd, tcp6(), [{ tpid: 0x9100, vid: 300 }, { tpid: 0x8100, vid: 100 }]));
    expect(legacy.ok).toBe(true);
    expect(legacy.p.vlan).toBe(300);
    const other = dec(1, eth(0x0800, tcp4(), [{ tpid: 0x88a8, vid: 201 }, { tpid: 0x8100, vid: 100 }]));
    expect(other.p.zone).not.toBe(qinq.p.zone);
    expect(qinq.p.zone).not.toBe(q.p.zone);
    // priority tag (VID 0) is not a VLAN: same zone as untagged
    const prio = dec(1, eth(0x0800, tcp4(), [{ tpid: 0x8100, vid: 0, pcp: 5 }]));
    expect(prio.ok).toBe(true);
    expect(prio.p.zone).toBe(0);
    expect(prio.p.vlan).toBe(0);
    const four = [1, 2, 3, 4].map((vid) => ({ tpid: 0x8100, vid }));
    expect(dec(1, eth(0x0800, tcp4(), four)).ok).toBe(true);
    const five = dec(1, eth(0x0800, tcp4(), [...four, { tpid: 0x8100, vid: 5 }]));
    expect(five.ok).toBe(false);
    expect(five.w.get('vlan.too_many_tags')).toBe(1);
  });

  it('non-IP EtherTypes and 802.3 frames are counted, not decoded', () => {
    const arp = dec(1, eth(0x0806, Buffer.alloc(28)));
    expect(arp.ok).toBe(false);
    expect(arp.w.get('eth.arp')).toBe(1);
    const lldp = dec(1, eth(0x88cc, Buffer.alloc(40)));
    expect(lldp.w.get('net.non_ip')).toBe(1);
    const llc = dec(1, eth(0x0040, Buffer.alloc(64)));
    expect(llc.ok).toBe(false);
    expect(llc.w.get('eth.8023_frame')).toBe(1);
    expect(dec(1, Buffer.alloc(13)).w.get('eth.truncated')).toBe(1);
  });

  it('Linux SLL and SLL2', () => {
    const a = dec(LINKTYPE.LINUX_SLL, sll(0x0800, tcp4()));
    expect(a.ok).toBe(true);
    expect(tuple(a.p)).toBe('10.1.1.1:40000 > 10.2.2.2:443 /6');
    const v = dec(LINKTYPE.LINUX_SLL, sll(0x8100, cat([0x00, 0x2a, 0x86, 0xdd], tcp6())));
    expect(v.ok).toBe(true);
    expect(v.p.vlan).toBe(42);
    const b = dec(LINKTYPE.LINUX_SLL2, sll2(0x86dd, tcp6()));
    expect(b.ok).toBe(true);
    expect(tuple(b.p)).toBe('2001:db8::1:1234 > 2001:db8::2:80 /6');
    expect(payload(b.p)).toBe('hello world');
    expect(dec(LINKTYPE.LINUX_SLL2, sll2(0x0806, Buffer.alloc(28))).w.get('eth.arp')).toBe(1);
    expect(dec(LINKTYPE.LINUX_SLL2, Buffer.alloc(19)).w.get('sll2.truncated')).toBe(1);
  });

  it('raw IP (101, 228, 229)', () => {
    expect(tuple(dec(LINKTYPE.RAW, udp4()).p)).toBe('192.0.2.7:5353 > 198.51.100.9:443 /17');
    expect(tuple(dec(LINKTYPE.RAW, tcp6()).p)).toBe('2001:db8::1:1234 > 2001:db8::2:80 /6');
    expect(dec(LINKTYPE.IPV4, udp4()).ok).toBe(true);
    expect(dec(LINKTYPE.IPV6, tcp6()).ok).toBe(true);
    expect(dec(LINKTYPE.IPV4, tcp6()).w.get('ipv4.bad_version')).toBe(1);
    expect(dec(LINKTYPE.RAW, Buffer.from([0x10, 0, 0])).w.get('ip.bad_version')).toBe(1);
  });

  it('BSD NULL in both byte orders (AF_INET6 24/28/30) and LOOP', () => {
    for (const fam of [24, 28, 30]) {
      for (const le of [true, false]) {
        const r = dec(LINKTYPE.NULL, nullHdr(fam, le, tcp6()));
        expect(r.ok).toBe(true);
        expect(r.p.ipVersion).toBe(6);
      }
    }
    expect(dec(LINKTYPE.NULL, nullHdr(2, true, tcp4())).p.ipVersion).toBe(4);
    expect(dec(LINKTYPE.NULL, nullHdr(2, false, tcp4())).ok).toBe(true);
    expect(dec(LINKTYPE.NULL, nullHdr(17, true, tcp4())).w.get('null.unknown_family')).toBe(1);
    expect(dec(LINKTYPE.LOOP, nullHdr(2, false, tcp4())).ok).toBe(true);
    expect(dec(LINKTYPE.LOOP, nullHdr(2, true, tcp4())).ok).toBe(false);
  });

  it('PPP (9) with and without HDLC framing, compressed protocol, PPPoE and MPLS', () => {
    expect(dec(9, cat([0x00, 0x21], tcp4())).ok).toBe(true);
    expect(dec(9, cat([0xff, 0x03, 0x00, 0x57], tcp6())).ok).toBe(true);
    expect(dec(9, cat([0x21], tcp4())).ok).toBe(true);
    expect(dec(9, cat([0xc0, 0x21], Buffer.alloc(10))).w.get('ppp.non_ip')).toBe(1);
    const inner = tcp4();
    const pppoe = dec(1, eth(0x8864, cat([0x11, 0x00, 0x12, 0x34], [(inner.length + 2) >> 8, (inner.length + 2) & 0xff], [0x00, 0x21], inner, Buffer.alloc(4))));
    expect(pppoe.ok).toBe(true);
    expect(payload(pppoe.p)).toBe('hello world');
    const mpls = dec(1, eth(0x8847, cat([0x00, 0x01, 0x00, 0x40], [0x00, 0x02, 0x01, 0x40], tcp4())));
    expect(mpls.ok).toBe(true);
    expect(tuple(mpls.p)).toBe('10.1.1.1:40000 > 10.2.2.2:443 /6');
  });

  it('unknown link type', () => {
    expect(dec(147, tcp4()).w.get('link.unsupported')).toBe(1);
  });
});

describe('IPv4', () => {
  it('header options are skipped', () => {
    const opts = Buffer.from([0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00]); // router alert, NOP, NOP, NOP, EOL
    const r = dec(LINKTYPE.RAW, ipv4({ proto: 17, options: opts }, udp(1, 2, HELLO)));
    expect(r.ok).toBe(true);
    expect(r.p.srcPort).toBe(1);
    expect(payload(r.p)).toBe('hello world');
  });

  it('fragments: first decoded and counted, non-first skipped', () => {
    const first = dec(LINKTYPE.RAW, ipv4({ proto: 17, frag: 0x2000 }, udp(53, 5353, HELLO, 400)));
    expect(first.ok).toBe(true);
    expect(first.w.get('ipv4.fragment_first')).toBe(1);
    expect(first.w.get('udp.length_exceeds_ip')).toBe(1);
    const later = dec(LINKTYPE.RAW, ipv4({ proto: 17, frag: 0x0010 }, HELLO));
    expect(later.ok).toBe(false);
    expect(later.w.get('ipv4.fragment_non_first')).toBe(1);
  });

  it('bad header length, bad total length, bad version, TSO total length 0', () => {
    expect(dec(LINKTYPE.RAW, ipv4({ proto: 6, ihl: 4 }, tcp({ sport: 1, dport: 2 }))).w.get('ipv4.bad_header_length')).toBe(1);
    expect(dec(LINKTYPE.RAW, ipv4({ proto: 6, ihl: 15 }, Buffer.alloc(10))).w.get('ipv4.truncated')).toBe(1);
    expect(dec(LINKTYPE.RAW, ipv4({ proto: 6, totalLen: 19 }, tcp({ sport: 1, dport: 2 }))).w.get('ipv4.bad_total_length')).toBe(1);
    expect(dec(LINKTYPE.IPV4, ipv4({ proto: 6, version: 5 }, tcp({ sport: 1, dport: 2 }))).w.get('ipv4.bad_version')).toBe(1);
    const tso = dec(LINKTYPE.RAW, ipv4({ proto: 6, totalLen: 0 }, tcp({ sport: 1, dport: 2 }, HELLO)));
    expect(tso.ok).toBe(true);
    expect(payload(tso.p)).toBe('hello world');
    expect(tso.w.get('ipv4.total_length_zero')).toBe(1);
  });

  it('snaplen shorter than total length: payload captured, wire length from header', () => {
    const f = ipv4({ proto: 6 }, tcp({ sport: 1, dport: 2 }, Buffer.alloc(1000, 0x41)));
    const r = dec(LINKTYPE.RAW, f, 100);
    expect(r.ok).toBe(true);
    expect(r.p.payloadLen).toBe(60);
    expect(r.p.wirePayloadLen).toBe(1000);
  });

  it('AH is skipped; ICMP, ESP, others are counted', () => {
    const r = dec(LINKTYPE.RAW, ipv4({ proto: 51 }, cat(ah(6, 6), tcp({ sport: 7, dport: 8 }, HELLO))));
    expect(r.ok).toBe(true);
    expect(r.p.proto).toBe(6);
    expect(payload(r.p)).toBe('hello world');
    expect(dec(LINKTYPE.RAW, ipv4({ proto: 1 }, Buffer.alloc(8))).w.get('ip.icmp')).toBe(1);
    expect(dec(LINKTYPE.RAW, ipv4({ proto: 50 }, Buffer.alloc(8))).w.get('ip.esp')).toBe(1);
    expect(dec(LINKTYPE.RAW, ipv4({ proto: 132 }, Buffer.alloc(8))).w.get('ip.proto_other')).toBe(1);
  });

  it('IP-in-IP (4) and IPv6-in-IPv4 (41) give the inner packet', () => {
    const r = dec(LINKTYPE.RAW, ipv4({ proto: 4, src: '1.1.1.1', dst: '2.2.2.2' }, udp4()));
    expect(r.ok).toBe(true);
    expect(tuple(r.p)).toBe('192.0.2.7:5353 > 198.51.100.9:443 /17');
    expect(r.p.encapDepth).toBe(1);
    const s = dec(LINKTYPE.RAW, ipv4({ proto: 41 }, tcp6()));
    expect(tuple(s.p)).toBe('2001:db8::1:1234 > 2001:db8::2:80 /6');
    const t = dec(LINKTYPE.RAW, ipv6({ nh: 4 }, udp4()));
    expect(t.ok).toBe(true);
    expect(t.p.ipVersion).toBe(4);
    // nesting beyond the cap
    let f = udp4();
    for (let i = 0; i < 5; i++) f = ipv4({ proto: 4 }, f);
    const deep = dec(LINKTYPE.RAW, f);
    expect(deep.ok).toBe(false);
    expect(deep.w.get('encap.too_deep')).toBe(1);
  });
});

describe('IPv6', () => {
  it('walks hop-by-hop, routing, destination options, AH, mobility to TCP', () => {
    // 0 (hbh, 8) → 43 (routing, 16) → 60 (dstopts, 24) → 51 (AH, 16) → 135 (mobility, 8) → 6
    const chain = cat(ext6(43, 0), ext6(60, 1), ext6(51, 2), ah(135, 4), ext6(6, 0));
    const r = dec(LINKTYPE.RAW, ipv6({ nh: 0 }, cat(chain, tcp({ sport: 5555, dport: 443 }, HELLO))));
    expect(r.ok).toBe(true);
    expect(r.p.proto).toBe(6);
    expect(r.p.srcPort).toBe(5555);
    expect(r.p.payloadOff).toBe(40 + 72 + 20);
    expect(payload(r.p)).toBe('hello world');
    expect(r.w.counts.size).toBe(0);
  });

  it('fragment header: first decoded, non-first skipped', () => {
    const first = dec(LINKTYPE.RAW, ipv6({ nh: 44 }, cat(frag6(17, 0, true), udp(1, 2, HELLO))));
    expect(first.ok).toBe(true);
    expect(first.w.get('ipv6.fragment_first')).toBe(1);
    const atomic = dec(LINKTYPE.RAW, ipv6({ nh: 44 }, cat(frag6(17, 0, false), udp(1, 2, HELLO))));
    expect(atomic.ok).toBe(true);
    expect(atomic.w.counts.size).toBe(0);
    const later = dec(LINKTYPE.RAW, ipv6({ nh: 44 }, cat(frag6(17, 185, false), HELLO)));
    expect(later.ok).toBe(false);
    expect(later.w.get('ipv6.fragment_non_first')).toBe(1);
  });

  it('too many extension headers, truncated extension, jumbogram, no next header', () => {
    let chain = ext6(6, 0);
    for (let i = 0; i < 9; i++) chain = cat(ext6(60, 0), chain);
    for (let i = 0; i < 9; i++) chain[i * 8] = 60;
    chain[8 * 9] = 6;
    const many = dec(LINKTYPE.RAW, ipv6({ nh: 60 }, cat(chain, tcp({ sport: 1, dport: 2 }))));
    expect(many.ok).toBe(false);
    expect(many.w.get('ipv6.too_many_ext_headers')).toBe(1);
    const trunc = dec(LINKTYPE.RAW, ipv6({ nh: 60 }, ext6(6, 30)).subarray(0, 60));
    expect(trunc.w.get('ipv6.ext_truncated')).toBe(1);
    const jumbo = dec(LINKTYPE.RAW, ipv6({ nh: 0, plen: 0 }, cat(ext6(6, 0), tcp({ sport: 1, dport: 2 }))));
    expect(jumbo.ok).toBe(false);
    expect(jumbo.w.get('ipv6.jumbogram')).toBe(1);
    expect(dec(LINKTYPE.RAW, ipv6({ nh: 59 }, Buffer.alloc(0))).w.get('ip.no_next_header')).toBe(1);
    expect(dec(LINKTYPE.RAW, ipv6({ nh: 58 }, Buffer.alloc(8))).w.get('ip.icmp')).toBe(1);
  });

  it('payload length bounds the payload (trailing bytes ignored)', () => {
    const r = dec(LINKTYPE.RAW, cat(tcp6(), Buffer.alloc(9, 0x77)));
    expect(r.ok).toBe(true);
    expect(payload(r.p)).toBe('hello world');
  });
});

describe('TCP and UDP', () => {
  it('TCP options (MSS, SACK-perm, TS, WS) and SYN flags', () => {
    const opts = Buffer.from([2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7]);
    const r = dec(LINKTYPE.RAW, ipv4({ proto: 6 }, tcp({ sport: 9, dport: 10, flags: 0x02, options: opts, seq: 0xdeadbeef })));
    expect(r.ok).toBe(true);
    expect(r.p.tcpFlags).toBe(0x02);
    expect(r.p.seq).toBe(0xdeadbeef);
    expect(r.p.payloadLen).toBe(0);
    expect(r.p.payloadOff).toBe(20 + 40);
    expect(r.w.counts.size).toBe(0);
  });

  it('malformed options counted, segment still decoded; bad data offset rejected', () => {
    const bad = Buffer.from([2, 1, 0, 0]); // length 1
    const r = dec(LINKTYPE.RAW, ipv4({ proto: 6 }, tcp({ sport: 9, dport: 10, options: bad }, HELLO)));
    expect(r.ok).toBe(true);
    expect(r.w.get('tcp.bad_option')).toBe(1);
    const overrun = Buffer.from([8, 10, 0, 0]); // runs past header
    expect(dec(LINKTYPE.RAW, ipv4({ proto: 6 }, tcp({ sport: 9, dport: 10, options: overrun }))).w.get('tcp.bad_option')).toBe(1);
    expect(dec(LINKTYPE.RAW, ipv4({ proto: 6 }, tcp({ sport: 9, dport: 10, doff: 4 }))).w.get('tcp.bad_data_offset')).toBe(1);
    expect(dec(LINKTYPE.RAW, ipv4({ proto: 6 }, tcp({ sport: 9, dport: 10, doff: 15 }))).w.get('tcp.bad_data_offset')).toBe(1);
  });

  it('UDP length bounds the payload; length < 8 rejected', () => {
    const r = dec(LINKTYPE.RAW, ipv4({ proto: 17 }, udp(1, 2, HELLO, 8 + 5)));
    expect(r.ok).toBe(true);
    expect(payload(r.p)).toBe('hello');
    expect(r.p.wirePayloadLen).toBe(5);
    expect(dec(LINKTYPE.RAW, ipv4({ proto: 17 }, udp(1, 2, HELLO, 7))).w.get('udp.bad_length')).toBe(1);
    expect(dec(LINKTYPE.RAW, ipv4({ proto: 17 }, Buffer.alloc(7))).w.get('udp.truncated')).toBe(1);
  });
});

describe('encapsulations', () => {
  const innerEth = (): Buffer => eth(0x0800, tcp4());
  const outer4 = (proto: number, payloadBuf: Buffer): Buffer =>
    eth(0x0800, ipv4({ proto, src: '172.16.0.1', dst: '172.16.0.2' }, payloadBuf));

  it('VXLAN: inner 5-tuple, VNI as tunnelId, zone per VNI', () => {
    const a = dec(1, outer4(17, udp(51000, 4789, vxlan(5001, innerEth()))));
    expect(a.ok).toBe(true);
    expect(tuple(a.p)).toBe('10.1.1.1:40000 > 10.2.2.2:443 /6');
    expect(a.p.tunnelId).toBe(5001);
    expect(a.p.encapDepth).toBe(1);
    expect(payload(a.p)).toBe('hello world');
    const b = dec(1, outer4(17, udp(51000, 4789, vxlan(5002, innerEth()))));
    expect(b.p.zone).not.toBe(a.p.zone);
    expect(b.p.zone).not.toBe(0);
    const clear = dec(1, outer4(17, udp(51000, 4789, vxlan(7, innerEth(), 0x00))));
    expect(clear.ok).toBe(true);
    expect(clear.w.get('vxlan.i_flag_clear')).toBe(1);
    // inner VLAN tags are folded too
    const tagged = dec(1, outer4(17, udp(51000, 4789, vxlan(5001, eth(0x0800, tcp4(), [{ tpid: 0x8100, vid: 9 }])))));
    expect(tagged.p.zone).not.toBe(a.p.zone);
    expect(tagged.p.vlan).toBe(9);
  });

  it('VXLAN-GPE (4790) with Ethernet and IPv4 next protocol', () => {
    const e = dec(1, outer4(17, udp(4789, 4790, vxlanGpe(3, 3, innerEth()))));
    expect(tuple(e.p)).toBe('10.1.1.1:40000 > 10.2.2.2:443 /6');
    const i = dec(1, outer4(17, udp(4789, 4790, vxlanGpe(3, 1, udp4()))));
    expect(tuple(i.p)).toBe('192.0.2.7:5353 > 198.51.100.9:443 /17');
    expect(dec(1, outer4(17, udp(4789, 4790, vxlanGpe(3, 4, udp4())))).w.get('vxlan.gpe_protocol_unsupported')).toBe(1);
  });

  it('Geneve with options, Ethernet / IPv4 / IPv6 inner', () => {
    const e = dec(1, outer4(17, udp(40000, 6081, geneve(0xabcdef, 0x6558, innerEth(), 3))));
    expect(e.ok).toBe(true);
    expect(tuple(e.p)).toBe('10.1.1.1:40000 > 10.2.2.2:443 /6');
    expect(e.p.tunnelId).toBe(0xabcdef);
    const v6 = dec(1, outer4(17, udp(40000, 6081, geneve(1, 0x86dd, tcp6()))));
    expect(tuple(v6.p)).toBe('2001:db8::1:1234 > 2001:db8::2:80 /6');
    const v4 = dec(1, outer4(17, udp(40000, 6081, geneve(1, 0x0800, udp4()))));
    expect(v4.p.proto).toBe(17);
    const g = geneve(1, 0x0800, udp4());
    g[0] = 63; // claims 252 bytes of options
    expect(dec(1, outer4(17, udp(40000, 6081, g))).w.get('geneve.truncated')).toBe(1);
    const g2 = geneve(1, 0x0800, udp4());
    g2[0] = 0x40; // version 1
    expect(dec(1, outer4(17, udp(40000, 6081, g2))).w.get('geneve.bad_version')).toBe(1);
  });

  it('GRE plain, with checksum, with key (tunnelId + zone), IPv6 payload, TEB', () => {
    const plain = dec(1, outer4(47, gre(0x0800, tcp4())));
    expect(plain.ok).toBe(true);
    expect(tuple(plain.p)).toBe('10.1.1.1:40000 > 10.2.2.2:443 /6');
    expect(plain.p.encapDepth).toBe(1);
    expect(plain.p.tunnelId).toBe(-1);
    const keyed = dec(1, outer4(47, gre(0x0800, tcp4(), { csum: true, key: 0xfeedface, seq: 9 })));
    expect(keyed.ok).toBe(true);
    expect(keyed.p.tunnelId).toBe(0xfeedface);
    expect(keyed.p.zone).not.toBe(0);
    expect(payload(keyed.p)).toBe('hello world');
    const v6 = dec(1, eth(0x86dd, ipv6({ nh: 47 }, gre(0x86dd, tcp6(), { key: 1 }))));
    expect(tuple(v6.p)).toBe('2001:db8::1:1234 > 2001:db8::2:80 /6');
    const teb = dec(1, outer4(47, gre(0x6558, innerEth())));
    expect(teb.ok).toBe(true);
    expect(dec(1, outer4(47, gre(0x880b, Buffer.alloc(20), { version: 1 }))).w.get('gre.version_unsupported')).toBe(1);
    expect(dec(1, outer4(47, gre(0x1234, Buffer.alloc(20)))).w.get('gre.protocol_unsupported')).toBe(1);
  });

  it('ERSPAN type I, II and III (with and without subheader, IP frame type)', () => {
    const t1 = dec(1, outer4(47, gre(0x88be, innerEth())));
    expect(t1.ok).toBe(true);
    expect(tuple(t1.p)).toBe('10.1.1.1:40000 > 10.2.2.2:443 /6');
    const t2 = dec(1, outer4(47, gre(0x88be, erspan2(77, innerEth()), { seq: 1 })));
    expect(t2.ok).toBe(true);
    expect(tuple(t2.p)).toBe('10.1.1.1:40000 > 10.2.2.2:443 /6');
    expect(t2.p.tunnelId).toBe(77);
    const t2b = dec(1, outer4(47, gre(0x88be, erspan2(78, innerEth()), { seq: 1 })));
    expect(t2b.p.zone).not.toBe(t2.p.zone);
    const t3 = dec(1, outer4(47, gre(0x22eb, erspan3(300, innerEth()), { seq: 5 })));
    expect(t3.ok).toBe(true);
    expect(t3.p.tunnelId).toBe(300);
    expect(payload(t3.p)).toBe('hello world');
    const t3o = dec(1, outer4(47, gre(0x22eb, erspan3(301, innerEth(), { sub: true }), { seq: 5 })));
    expect(tuple(t3o.p)).toBe('10.1.1.1:40000 > 10.2.2.2:443 /6');
    const t3ip = dec(1, outer4(47, gre(0x22eb, erspan3(302, tcp6(), { ft: 2 }))));
    expect(tuple(t3ip.p)).toBe('2001:db8::1:1234 > 2001:db8::2:80 /6');
    expect(dec(1, outer4(47, gre(0x22eb, erspan3(302, tcp6(), { ft: 3 })))).w.get('erspan.frame_type_unsupported')).toBe(1);
    expect(dec(1, outer4(47, gre(0x88be, erspan3(1, innerEth()), { seq: 1 }))).w.get('erspan.bad_version')).toBe(1);
  });

  it('nested: GRE/ERSPAN II → VXLAN → Ethernet, innermost tunnel id, depth 2', () => {
    const f = outer4(47, gre(0x88be, erspan2(20, eth(0x0800, ipv4({ proto: 17 }, udp(1, 4789, vxlan(9, innerEth()))))), { seq: 0 }));
    const r = dec(1, f);
    expect(r.ok).toBe(true);
    expect(tuple(r.p)).toBe('10.1.1.1:40000 > 10.2.2.2:443 /6');
    expect(r.p.encapDepth).toBe(2);
    expect(r.p.tunnelId).toBe(9);
  });
});

describe('formatAddr', () => {
  it('IPv4-mapped IPv6 keeps the dotted quad (RFC 5952 §5)', () => {
    const b = ip6('::ffff:c000:0201');
    expect(isIpv4Mapped(b, 0)).toBe(true);
    expect(formatAddr(b, 0, 6)).toBe('::ffff:192.0.2.1');
    expect(formatAddr(ip6('2001:db8::1'), 0, 6)).toBe('2001:db8::1');
    expect(isIpv4Mapped(ip6('::1'), 0)).toBe(false);
  });
});
