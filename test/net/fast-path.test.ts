/**
 * decodeFrame's fast path (decodeEthIpv4Tcp: untagged Ethernet, IPv4, TCP) against the layer
 * walk it short-cuts (decodeLayers): wherever the fast path accepts a frame, the walk must
 * decode it to the same fields and count no anomaly; and the fast path must accept the plain
 * frames it exists for. Checked on every frame of the bundled samples and the public captures,
 * on mutations of their TCP frames, and on frames built with one field at an edge.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { LINKTYPE } from '../../core/capture/types.js';
import { decodeEthIpv4Tcp, decodeFrame, decodeLayers } from '../../core/net/decode.js';
import { newDecodedPacket } from '../../core/net/packet.js';
import type { DecodedPacket } from '../../core/net/packet.js';
import { Weirds } from '../../core/util/weirds.js';
import { readFrames } from '../support/packets.js';
import { cat, eth, ipv4, tcp } from './build.js';

const ROOT = path.resolve(__dirname, '../..');
const PUB = path.resolve(ROOT, '../shared/captures/public');

function captures(): string[] {
  const out: string[] = [];
  for (const dir of [path.join(ROOT, 'samples'), PUB]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (/\.(pcap|pcapng)$/.test(f)) out.push(path.join(dir, f));
  }
  return out;
}

const FIELDS: (keyof DecodedPacket)[] = [
  'ipVersion', 'srcAddrOff', 'dstAddrOff', 'proto', 'srcPort', 'dstPort', 'tcpFlags', 'seq', 'ack',
  'payloadOff', 'payloadLen', 'wirePayloadLen', 'zone', 'vlan', 'tunnelId', 'encapDepth',
];

/** the packet fields (not the buffer) */
const fields = (p: DecodedPacket): unknown[] => FIELDS.map((k) => p[k]);

/**
 * Decodes `frame` both ways into packets that held another frame's values before (the fast path
 * must overwrite every field). Returns whether the fast path took it.
 */
function compare(frame: Buffer, off = 0, capLen = frame.length): boolean {
  const fast = newDecodedPacket();
  const slow = newDecodedPacket();
  for (const p of [fast, slow]) Object.assign(p, { ipVersion: 6, zone: 7, vlan: 3, tunnelId: 9, encapDepth: 2, seq: 1, ack: 1, tcpFlags: 0xff });
  const took = decodeEthIpv4Tcp(frame, off, capLen, fast);
  const weirds = new Weirds();
  const ok = decodeLayers(LINKTYPE.ETHERNET, frame, off, capLen, slow, weirds);
  if (took) {
    expect(ok).toBe(true);
    expect(fields(fast)).toEqual(fields(slow));
    expect(fast.buf).toBe(frame);
    expect(weirds.toJSON()).toEqual({});
  }
  // decodeFrame is the fast path or the walk: same answer and fields as the walk either way
  const viaFrame = newDecodedPacket();
  expect(decodeFrame(LINKTYPE.ETHERNET, frame, off, capLen, viaFrame, new Weirds())).toBe(ok);
  if (ok) expect(fields(viaFrame)).toEqual(fields(slow));
  return took;
}

describe('the Ethernet / IPv4 / TCP fast path', () => {
  it('agrees with the layer walk on every Ethernet frame of the samples and public captures', () => {
    const files = captures();
    expect(files.length).toBeGreaterThan(10);
    let took = 0;
    let tcp4 = 0;
    for (const file of files) {
      for (const f of readFrames(file)) {
        if (f.linkType !== LINKTYPE.ETHERNET) continue;
        if (compare(f.data)) took++;
        const probe = newDecodedPacket();
        if (decodeLayers(f.linkType, f.data, 0, f.data.length, probe, new Weirds()) && probe.proto === 6 && probe.ipVersion === 4 && probe.encapDepth === 0 && probe.vlan === 0) tcp4++;
      }
    }
    // it is the path taken for (nearly) every untagged IPv4 TCP frame
    expect(took).toBeGreaterThan(1000);
    expect(took).toBeGreaterThanOrEqual(tcp4 * 0.95);
  });

  it('agrees on mutated TCP frames (headers damaged at random) and on frames cut short', () => {
    const frames: Buffer[] = [];
    for (const file of captures()) {
      for (const f of readFrames(file)) {
        if (f.linkType === LINKTYPE.ETHERNET && decodeEthIpv4Tcp(f.data, 0, f.data.length, newDecodedPacket())) frames.push(f.data);
        if (frames.length >= 400) break;
      }
    }
    expect(frames.length).toBeGreaterThan(100);
    fc.assert(
      fc.property(
        fc.nat(frames.length - 1),
        fc.array(fc.tuple(fc.nat(80), fc.nat(255)), { minLength: 1, maxLength: 6 }),
        fc.nat(120),
        (i, edits, cut) => {
          const frame = Buffer.from(frames[i] ?? Buffer.alloc(0));
          for (const [at, v] of edits) if (at < frame.length) frame[at] = v;
          compare(frame);
          compare(frame, 0, Math.min(cut, frame.length));
          // the frame at an offset inside a larger buffer, as the capture reader hands it over
          compare(cat(Buffer.alloc(5, 0xee), frame, Buffer.alloc(3, 0xee)), 5, frame.length);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('takes plain frames and leaves every edge to the walk', () => {
    const payload = Buffer.from('GET / HTTP/1.1\r\n\r\n');
    const seg = (opts?: Buffer): Buffer => tcp({ sport: 40000, dport: 80, options: opts }, payload);
    expect(compare(eth(0x0800, ipv4({ proto: 6 }, seg())))).toBe(true);
    expect(compare(eth(0x0800, ipv4({ proto: 6, options: Buffer.from([1, 1, 1, 0]) }, seg(Buffer.from([1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2])))))).toBe(true);
    // Ethernet padding after a short IP packet is not payload
    expect(compare(cat(eth(0x0800, ipv4({ proto: 6 }, tcp({ sport: 1, dport: 2 }))), Buffer.alloc(6)))).toBe(true);
    // left to the walk: a VLAN tag, UDP, a malformed option, a fragment, total length 0, cut headers
    expect(compare(eth(0x0800, ipv4({ proto: 6 }, seg()), [{ tpid: 0x8100, vid: 5 }]))).toBe(false);
    expect(compare(eth(0x0800, ipv4({ proto: 17 }, Buffer.alloc(30))))).toBe(false);
    expect(compare(eth(0x0800, ipv4({ proto: 6 }, seg(Buffer.from([2, 9, 0, 0])))))).toBe(false);
    const frag = eth(0x0800, ipv4({ proto: 6 }, seg()));
    frag.writeUInt16BE(0x2000, 14 + 6);
    expect(compare(frag)).toBe(false);
    const zero = eth(0x0800, ipv4({ proto: 6 }, seg()));
    zero.writeUInt16BE(0, 14 + 2);
    expect(compare(zero)).toBe(false);
    const plain = eth(0x0800, ipv4({ proto: 6 }, seg()));
    expect(compare(plain, 0, 14 + 20 + 19)).toBe(false);
    expect(compare(plain, plain.length + 1, 10)).toBe(false);
  });
});
