/**
 * A connection's real bytes held back past the end of its flow (an on-path attacker delaying the
 * real ServerHello behind a forged one and a forged RST, beyond the closed connection's linger)
 * start a new flow mid-stream inside the ended flow's delivered range: both flows are
 * tcp.isn_conflict and the ended flow's hybrid claim is withdrawn in the report. A real
 * handshake replayed into a pcap built here and scanned by ScanSession.
 */
import path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { scanInputs } from '../../core/scan.js';
import { tcpConnections } from '../tls/pcap-walk.js';

const PUBLIC = path.resolve(__dirname, '../../../shared/captures/public');
const C = [10, 1, 1, 1];
const S = [10, 2, 2, 2];
const SYN = 0x02, ACK = 0x10, PSH = 0x08, RST = 0x04;

/** Ethernet II + IPv4 + TCP (no options) carrying `payload` */
function frame(fromClient: boolean, flags: number, seq: number, ack: number, payload: Uint8Array): Buffer {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 20 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 6;
  Buffer.from(fromClient ? C : S).copy(ip, 12);
  Buffer.from(fromClient ? S : C).copy(ip, 16);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(fromClient ? 50000 : 443, 0);
  tcp.writeUInt16BE(fromClient ? 443 : 50000, 2);
  tcp.writeUInt32BE(seq >>> 0, 4);
  tcp.writeUInt32BE(ack >>> 0, 8);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  tcp.writeUInt16BE(65535, 14);
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(0x0800, 12);
  return Buffer.concat([eth, ip, tcp, Buffer.from(payload)]);
}

function pcap(records: [number, Buffer][]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  return Buffer.concat([header, ...records.map(([us, f]) => {
    const rh = Buffer.alloc(16);
    rh.writeUInt32LE(1_767_225_600 + Math.floor(us / 1e6), 0);
    rh.writeUInt32LE(us % 1e6, 4);
    rh.writeUInt32LE(f.length, 8);
    rh.writeUInt32LE(f.length, 12);
    return Buffer.concat([rh, f]);
  })]);
}

describe('real bytes held back past the end of their flow', () => {
  it('the ended flow that read a forged ServerHello loses its hybrid claim; the new flow says why', async () => {
    const conn = tcpConnections(path.join(PUBLIC, 'zeek__chrome-1250-tls-x25519-kyber.pcap'))[0];
    const ch = conn?.events.find((e) => e.dir === 0)?.data ?? new Uint8Array(0);
    const sh = conn?.events.find((e) => e.dir === 1)?.data ?? new Uint8Array(0);
    const forged = sh.map((x, i) => (i >= 11 && i < 43 ? x ^ 0xff : x));
    const cs = 1000, ss = 5000;
    const recs: [number, Buffer][] = [
      [0, frame(true, SYN, cs, 0, new Uint8Array(0))],
      [1000, frame(false, SYN | ACK, ss, cs + 1, new Uint8Array(0))],
      [2000, frame(true, ACK, cs + 1, ss + 1, new Uint8Array(0))],
      [3000, frame(true, PSH | ACK, cs + 1, ss + 1, ch)],
      [4000, frame(false, PSH | ACK, ss + 1, cs + 1 + ch.length, forged)],
      [5000, frame(false, RST, ss + 1 + forged.length, 0, new Uint8Array(0))],
      // 40 s later (past the 30 s linger): the real ServerHello
      [40_000_000, frame(false, PSH | ACK, ss + 1, cs + 1 + ch.length, sh)],
    ];
    const dir = mkdtempSync(path.join(tmpdir(), 'hndl-recent-'));
    try {
      const file = path.join(dir, 'held-back.pcap');
      writeFileSync(file, pcap(recs));
      const r = await scanInputs([file], { now: new Date('2026-11-24T00:00:00Z') });
      const [first, second] = r.flows;
      expect(r.flows.length).toBe(2);
      expect(first?.issues).toContain('tcp.isn_conflict');
      expect(first?.kex).toMatchObject({ offered: 'unknown', negotiated: 'unknown', reason: 'ambiguous-stream' });
      expect(second?.issues).toEqual(expect.arrayContaining(['tcp.isn_conflict', 'tcp.midstream']));
      // a client packet in between (a pure ACK, a new SYN) or thousands of other flows do not hide it
      for (const extra of [
        [[39_000_000, frame(true, ACK, cs + 1 + ch.length, ss + 1, new Uint8Array(0))]],
        [[39_000_000, frame(true, SYN, 777_777, 0, new Uint8Array(0))]],
      ] as [number, Buffer][][]) {
        writeFileSync(file, pcap([...recs.slice(0, 6), ...extra, recs[6] as [number, Buffer]]));
        const r2 = await scanInputs([file], { now: new Date('2026-11-24T00:00:00Z') });
        expect(r2.flows[0]?.kex.negotiated, String(extra[0]?.[0])).toBe('unknown');
      }
      const many: [number, Buffer][] = [];
      for (let i = 0; i < 9000; i++) {
        const b = frame(true, PSH | ACK, 1, 0, Uint8Array.of(1, 2, 3));
        b.writeUInt16BE(10_000 + i, 34); // another client port per flow: 9000 more reports
        many.push([10_000_000 + i, b]);
      }
      writeFileSync(file, pcap([...recs.slice(0, 6), ...many, recs[6] as [number, Buffer]]));
      const r3 = await scanInputs([file], { now: new Date('2026-11-24T00:00:00Z') });
      expect(r3.flows.find((f) => f.client.port === 50000 && f.id === 0)?.kex.negotiated).toBe('unknown');
      // without the held-back copy, the first flow is what it read: hybrid
      writeFileSync(file, pcap(recs.slice(0, 6)));
      const clean = await scanInputs([file], { now: new Date('2026-11-24T00:00:00Z') });
      expect(clean.flows[0]?.kex.negotiated).toBe('hybrid');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
