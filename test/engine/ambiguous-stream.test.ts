/**
 * A handshake whose stream carried two different copies of the same bytes (an out-of-order
 * segment overlapping a later one with other content, tcp.overlap_mismatch) cannot be read the
 * way the endpoints read it: which copy a TCP stack keeps differs between stacks (Ptacek &
 * Newsham 1998). No hybrid or pq claim is made from such a stream; the same flow without the
 * conflicting copy is hybrid. Real handshakes replayed through the real flow table, dispatcher
 * and report builder.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowTable } from '../../core/flow/table.js';
import type { Flow } from '../../core/flow/types.js';
import { createAppFactory } from '../../core/app/dispatch.js';
import { Weirds } from '../../core/util/weirds.js';
import { flowToReport, unclaimReport } from '../../core/report/build.js';
import type { FlowReport } from '../../core/report/model.js';
import { Conn } from '../flow/helpers.js';
import { tcpConnections } from '../tls/pcap-walk.js';

const PUBLIC = path.resolve(__dirname, '../../../shared/captures/public');

/**
 * The capture's first connection replayed; with `conflict`, the event `event` of direction `dir`
 * is preceded by an out-of-order copy of its bytes [from, to) with every byte inverted.
 */
function replay(capture: string, conflict?: { dir: 0 | 1; event: number; from: number; to: number; inOrder?: boolean }): FlowReport {
  const conn = tcpConnections(path.join(PUBLIC, capture))[0];
  if (conn === undefined) throw new Error(`${capture}: no TCP connection`);
  const weirds = new Weirds();
  const ended: Flow[] = [];
  const table = new FlowTable({ factory: createAppFactory({ weirds }), weirds, onFlowEnd: (f) => ended.push(f) });
  const c = new Conn({ table, factory: undefined as never, weirds, ended }).handshake();
  const seen = [0, 0];
  for (const e of conn.events) {
    const k = seen[e.dir] ?? 0;
    seen[e.dir] = k + 1;
    if (conflict !== undefined && conflict.dir === e.dir && conflict.event === k) {
      // inOrder: the whole segment, altered, goes first (an "insertion": a copy the receiver
      // drops for a bad checksum or an expired TTL), the real one follows as a retransmission
      const other = conflict.inOrder === true ? e.data.map((x, i) => (i >= conflict.from && i < conflict.to ? x ^ 0xff : x)) : e.data.slice(conflict.from, conflict.to).map((x) => x ^ 0xff);
      const at = conflict.inOrder === true ? 0 : conflict.from;
      if (e.dir === 0) c.c2sAt(c.cseq, at, other);
      else c.s2cAt(c.sseq, at, other);
    }
    if (e.dir === 0) c.c2s(e.data);
    else c.s2c(e.data);
  }
  c.fin(true).fin(false);
  table.flush();
  const f = ended[0];
  if (f === undefined) throw new Error('no flow ended');
  return flowToReport(f);
}

describe('conflicting copies of handshake bytes', () => {
  it('TLS: a hybrid handshake is hybrid; with the client random in two copies it is not', () => {
    const clean = replay('zeek__chrome-1250-tls-x25519-kyber.pcap');
    expect(clean.kex).toMatchObject({ offered: 'hybrid', negotiated: 'hybrid', group: 'X25519Kyber768Draft00' });
    expect(clean.issues).not.toContain('tcp.overlap_mismatch');
    // bytes 11..43 of the first client segment are the ClientHello's random: the copy decoded
    // here (the first seen) still reads as the same hybrid offer
    const twice = replay('zeek__chrome-1250-tls-x25519-kyber.pcap', { dir: 0, event: 0, from: 11, to: 43 });
    expect(twice.issues).toContain('tcp.overlap_mismatch');
    expect(twice.tls?.keyShareGroups).toEqual(clean.tls?.keyShareGroups);
    expect(twice.kex).toMatchObject({ offered: 'unknown', negotiated: 'unknown', reason: 'ambiguous-stream' });
  });

  it('TLS: two copies of the server random leave the hybrid choice uncounted too', () => {
    const twice = replay('zeek__chrome-1250-tls-x25519-kyber.pcap', { dir: 1, event: 0, from: 11, to: 43 });
    expect(twice.issues).toContain('tcp.overlap_mismatch');
    expect(twice.kex.negotiated).toBe('unknown');
    expect(twice.kex.reason).toBe('ambiguous-stream');
  });

  it('TLS: a classical handshake stays classical (the cautious side)', () => {
    const clean = replay('zeek__ecdhe.pcap');
    const twice = replay('zeek__ecdhe.pcap', { dir: 0, event: 0, from: 11, to: 43 });
    expect(clean.kex.negotiated).toBe('classical');
    expect(twice.issues).toContain('tcp.overlap_mismatch');
    expect(twice.kex).toEqual(clean.kex);
  });

  it('SSH: KEXINIT cookies in two copies leave the hybrid kex uncounted', () => {
    const clean = replay('zeek__ssh_kex_mlkem.pcap');
    expect(clean.kex.negotiated).toBe('hybrid');
    const conn = tcpConnections(path.join(PUBLIC, 'zeek__ssh_kex_mlkem.pcap'))[0];
    // the client's KEXINIT packet: the first client event that is not the banner
    const events = (conn?.events ?? []).filter((e) => e.dir === 0);
    const k = events.findIndex((e) => e.data[0] !== 0x53);
    expect(k).toBeGreaterThanOrEqual(0);
    // packet_length (4), padding_length (1), SSH_MSG_KEXINIT (1), then the 16-byte cookie
    const twice = replay('zeek__ssh_kex_mlkem.pcap', { dir: 0, event: k, from: 6, to: 22 });
    expect(twice.issues).toContain('tcp.overlap_mismatch');
    expect(twice.kex.negotiated).toBe('unknown');
    expect(twice.kex.offered).toBe('unknown');
    expect(twice.kex.reason).toMatch(/two different copies .*tcp\.overlap_mismatch/);
    expect((clean['ssh'] as { negotiatedKex: string | null }).negotiatedKex).toBe(clean.kex.group);
    expect((twice['ssh'] as { negotiatedKex: string | null }).negotiatedKex).toBeNull();
  });

  it('TLS: a first copy of the ServerHello that the client dropped, the real one after it (insertion): no hybrid claim', () => {
    const twice = replay('zeek__chrome-1250-tls-x25519-kyber.pcap', { dir: 1, event: 0, from: 11, to: 43, inOrder: true });
    expect(twice.issues).toContain('tcp.overlap_mismatch');
    expect(twice.kex).toMatchObject({ negotiated: 'unknown', reason: 'ambiguous-stream' });
  });

  it('TLS: an inserted copy of the ClientHello: no hybrid claim; a retransmission of the same bytes is no conflict', () => {
    const twice = replay('zeek__chrome-1250-tls-x25519-kyber.pcap', { dir: 0, event: 0, from: 11, to: 43, inOrder: true });
    expect(twice.issues).toContain('tcp.overlap_mismatch');
    expect(twice.kex.negotiated).toBe('unknown');
    const same = replay('zeek__chrome-1250-tls-x25519-kyber.pcap', { dir: 0, event: 0, from: 0, to: 0, inOrder: true });
    expect(same.issues).not.toContain('tcp.overlap_mismatch');
    expect(same.kex.negotiated).toBe('hybrid');
  });

  it('SSH: an inserted copy of the server KEXINIT: no hybrid claim', () => {
    const conn = tcpConnections(path.join(PUBLIC, 'zeek__ssh_kex_mlkem.pcap'))[0];
    const k = (conn?.events ?? []).filter((e) => e.dir === 1).findIndex((e) => e.data[0] !== 0x53);
    const twice = replay('zeek__ssh_kex_mlkem.pcap', { dir: 1, event: k, from: 6, to: 22, inOrder: true });
    expect(twice.issues).toContain('tcp.overlap_mismatch');
    expect(twice.kex.negotiated).toBe('unknown');
  });

  it('a report built at close whose stream turns ambiguous while the connection lingers is unclaimed, TLS and SSH alike', () => {
    const ssh = replay('zeek__ssh_kex_mlkem.pcap');
    expect(unclaimReport(ssh)).toBe(false);
    ssh.issues = [...ssh.issues, 'tcp.isn_conflict'];
    expect(unclaimReport(ssh)).toBe(true);
    expect(ssh.kex).toMatchObject({ offered: 'unknown', negotiated: 'unknown' });
    expect(ssh.kex.reason).toContain('tcp.isn_conflict');
    expect((ssh['ssh'] as { negotiatedKex: string | null }).negotiatedKex).toBeNull();
    const tls = replay('zeek__chrome-1250-tls-x25519-kyber.pcap');
    tls.issues = [...tls.issues, 'tcp.retransmission_unverified'];
    expect(unclaimReport(tls)).toBe(true);
    expect(tls.kex).toMatchObject({ negotiated: 'unknown', reason: 'ambiguous-stream' });
    const classical = replay('zeek__ecdhe.pcap');
    classical.issues = [...classical.issues, 'tcp.overlap_mismatch'];
    expect(unclaimReport(classical)).toBe(false);
    expect(classical.kex.negotiated).toBe('classical');
  });
});
