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
import { frame as tcpFrame, pcapOf } from '../e2e/hostile-pcap.js';

const PUBLIC = path.resolve(__dirname, '../../../shared/captures/public');
const ENDS = { client: [10, 1, 1, 1], server: [10, 2, 2, 2], clientPort: 50000, serverPort: 443 };
const SYN = 0x02, ACK = 0x10, PSH = 0x08, RST = 0x04;
const frame = (fromClient: boolean, flags: number, seq: number, ack: number, payload: Uint8Array): Buffer => tcpFrame(fromClient, flags, seq, ack, payload, ENDS);
const pcap = pcapOf;

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
