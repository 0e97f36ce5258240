/**
 * #3 edge case end to end: a real X25519MLKEM768 ClientHello (samples/tls13-hybrid.pcap, Node 22
 * / OpenSSL 3.5) cut into three TCP segments that arrive 3, 1, 2. Flow-table reassembly puts it
 * back together, so the TLS analyzer reads the same hello: the flow is classified exactly as in
 * the original capture.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeFrame } from '../../core/net/decode.js';
import { newDecodedPacket } from '../../core/net/packet.js';
import { Weirds } from '../../core/util/weirds.js';
import { scanInputs } from '../../core/scan.js';
import type { FlowReport } from '../../core/report/model.js';
import { readFrames } from '../support/packets.js';
import { buildPcap } from '../capture/helpers.js';

const SAMPLE = path.resolve(__dirname, '../../samples/tls13-hybrid.pcap');
const NOW = new Date('2026-11-24T00:00:00Z');
let dir = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hndl-reorder-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** the frame with its TCP payload cut to [from, to) and the sequence number moved along */
function cut(frame: Buffer, ipOff: number, tcpOff: number, payOff: number, from: number, to: number): Buffer {
  const out = Buffer.concat([frame.subarray(0, payOff), frame.subarray(payOff + from, payOff + to)]);
  out.writeUInt16BE(payOff - ipOff + (to - from), ipOff + 2); // IPv4 total length
  out.writeUInt32BE((frame.readUInt32BE(tcpOff + 4) + from) >>> 0, tcpOff + 4);
  return out;
}

function tlsFlow(flows: FlowReport[]): FlowReport {
  const f = flows.find((x) => x.tls !== null && x.tls !== undefined);
  if (!f) throw new Error('no TLS flow');
  return f;
}

describe('a hybrid ClientHello in three segments delivered out of order', () => {
  it('is reassembled and classified as in the original capture', async () => {
    const frames = readFrames(SAMPLE);
    const p = newDecodedPacket();
    // the first client → server segment with payload: the ClientHello
    let at = -1;
    let client = '';
    for (let i = 0; i < frames.length && at < 0; i++) {
      const f = frames[i];
      if (!f || !decodeFrame(f.linkType, f.data, 0, f.data.length, p, new Weirds())) continue;
      if (p.payloadLen > 600) {
        at = i;
        client = `${p.srcPort}`;
      }
    }
    expect(at).toBeGreaterThanOrEqual(0);
    const hello = frames[at];
    if (!hello) throw new Error('unreachable');
    decodeFrame(hello.linkType, hello.data, 0, hello.data.length, p, new Weirds());
    expect(p.ipVersion).toBe(4);
    expect(hello.data[p.payloadOff]).toBe(0x16); // a TLS handshake record
    const ipOff = p.srcAddrOff - 12;
    const tcpOff = ipOff + ((hello.data[ipOff] ?? 0) & 0x0f) * 4;
    const n = p.payloadLen;
    const a = Math.floor(n / 3);
    const b = Math.floor((2 * n) / 3);
    const parts = [cut(hello.data, ipOff, tcpOff, p.payloadOff, 0, a), cut(hello.data, ipOff, tcpOff, p.payloadOff, a, b), cut(hello.data, ipOff, tcpOff, p.payloadOff, b, n)];
    const reordered = [...frames.slice(0, at).map((f) => f.data), parts[2], parts[0], parts[1], ...frames.slice(at + 1).map((f) => f.data)] as Buffer[];
    const ts = frames.map((f) => f.tsMicros);
    const recs = reordered.map((data, i) => {
      const us = ts[Math.min(i, ts.length - 1)] ?? 0;
      return { sec: Math.floor(us / 1e6), frac: us % 1e6, data };
    });
    const file = path.join(dir, 'reordered.pcap');
    fs.writeFileSync(file, buildPcap({ le: true, linkField: hello.linkType }, recs));

    const orig = tlsFlow((await scanInputs([SAMPLE], { now: NOW })).flows);
    const got = tlsFlow((await scanInputs([file], { now: NOW })).flows);
    expect(String(got.client.port)).toBe(client);
    expect(orig.kex).toMatchObject({ offered: 'hybrid', negotiated: 'hybrid', group: 'X25519MLKEM768' });
    expect(got.kex).toEqual(orig.kex);
    expect(got.tls).toEqual(orig.tls);
    expect(got.tls?.keyShareGroups).toContain(0x11ec);
    expect(got.tls?.shareValidation).toBe('ok');
    expect(got.bytes).toEqual(orig.bytes);
    expect(got.packets.clientToServer).toBe(orig.packets.clientToServer + 2);
    expect(got.issues).toEqual(orig.issues);
  });
});
