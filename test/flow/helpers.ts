/**
 * Test helpers for the flow table: hand-built DecodedPacket records (addresses then payload in
 * one buffer), a recording stream/datagram analyzer and a scriptable factory, and a tiny TCP
 * connection builder that tracks both sides' sequence numbers.
 */
import { newDecodedPacket, IPPROTO_TCP, IPPROTO_UDP, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../../core/net/packet.js';
import type { DecodedPacket } from '../../core/net/packet.js';
import { Want } from '../../core/flow/types.js';
import type {
  AppFactory,
  AttachDatagram,
  AttachStream,
  DatagramAnalyzer,
  Dir,
  Flow,
  StreamAnalyzer,
} from '../../core/flow/types.js';
import { FlowTable } from '../../core/flow/table.js';
import type { FlowTableOptions } from '../../core/flow/table.js';
import { Weirds } from '../../core/util/weirds.js';

export { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN };

export function parseIp(s: string): number[] {
  if (s.includes('.')) return s.split('.').map((x) => Number(x));
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const hw = head ? head.split(':').filter((x) => x !== '') : [];
  const tw = tail !== undefined ? tail.split(':').filter((x) => x !== '') : [];
  const words = [...hw, ...new Array<string>(8 - hw.length - tw.length).fill('0'), ...tw].map((x) => parseInt(x, 16));
  const out: number[] = [];
  for (const w of words) out.push(w >> 8, w & 0xff);
  return out;
}

export interface PktSpec {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  proto?: 'tcp' | 'udp';
  flags?: number;
  seq?: number;
  ack?: number;
  payload?: Uint8Array | string;
  /** wire payload length (> payload length = snaplen cut) */
  wireLen?: number;
  zone?: number;
  vlan?: number;
}

export function pkt(spec: PktSpec): DecodedPacket {
  const p = newDecodedPacket();
  const src = parseIp(spec.src);
  const dst = parseIp(spec.dst);
  const payload =
    spec.payload === undefined
      ? new Uint8Array(0)
      : typeof spec.payload === 'string'
        ? new TextEncoder().encode(spec.payload)
        : spec.payload;
  // a little leading junk so offsets are not 0
  const pre = 3;
  const buf = Buffer.alloc(pre + src.length + dst.length + payload.length);
  buf.set(src, pre);
  buf.set(dst, pre + src.length);
  buf.set(payload, pre + src.length + dst.length);
  p.buf = buf;
  p.ipVersion = src.length === 4 ? 4 : 6;
  p.srcAddrOff = pre;
  p.dstAddrOff = pre + src.length;
  p.proto = spec.proto === 'udp' ? IPPROTO_UDP : IPPROTO_TCP;
  p.srcPort = spec.sport;
  p.dstPort = spec.dport;
  p.tcpFlags = spec.flags ?? (spec.proto === 'udp' ? 0 : TCP_ACK);
  p.seq = (spec.seq ?? 0) >>> 0;
  p.ack = (spec.ack ?? 0) >>> 0;
  p.payloadOff = pre + src.length + dst.length;
  p.payloadLen = payload.length;
  p.wirePayloadLen = spec.wireLen ?? payload.length;
  p.zone = spec.zone ?? 0;
  p.vlan = spec.vlan ?? 0;
  return p;
}

export type Ev =
  | { t: 'data'; dir: Dir; bytes: Buffer; chunk: Uint8Array; ts: number }
  | { t: 'gap'; dir: Dir; len: number }
  | { t: 'dgram'; dir: Dir; bytes: Buffer }
  | { t: 'end' };

export class RecAnalyzer implements StreamAnalyzer, DatagramAnalyzer {
  readonly name = 'rec';
  readonly events: Ev[] = [];
  /** per-direction concatenation, gaps filled with '?' bytes */
  readonly text: [string, string] = ['', ''];
  maxBytesPerDir?: number;
  /** answer given for onData / onDatagram calls number n (0-based), default More */
  answer: (n: number, dir: Dir) => Want = () => Want.More;
  private n = 0;
  constructor(maxBytesPerDir?: number) {
    if (maxBytesPerDir !== undefined) this.maxBytesPerDir = maxBytesPerDir;
  }
  onData(_flow: Flow, dir: Dir, chunk: Uint8Array, ts: number): Want {
    const bytes = Buffer.from(chunk);
    this.events.push({ t: 'data', dir, bytes, chunk, ts });
    this.text[dir] += bytes.toString('latin1');
    return this.answer(this.n++, dir);
  }
  onGap(_flow: Flow, dir: Dir, len: number): Want {
    this.events.push({ t: 'gap', dir, len });
    this.text[dir] += '?'.repeat(len);
    return Want.More;
  }
  onDatagram(_flow: Flow, dir: Dir, payload: Uint8Array): Want {
    this.events.push({ t: 'dgram', dir, bytes: Buffer.from(payload) });
    return this.answer(this.n++, dir);
  }
  onEnd(): void {
    this.events.push({ t: 'end' });
  }
  dataEvents(): Extract<Ev, { t: 'data' }>[] {
    return this.events.filter((e): e is Extract<Ev, { t: 'data' }> => e.t === 'data');
  }
}

export interface AttachCall {
  flowId: number;
  dir: Dir;
  bytes: string;
}

/** Factory: `decide` picks per call; default attaches a new RecAnalyzer to every flow. */
export class TestFactory implements AppFactory {
  readonly streamCalls: AttachCall[] = [];
  readonly dgramCalls: AttachCall[] = [];
  readonly analyzers = new Map<number, RecAnalyzer>();
  decide: (flow: Flow, dir: Dir, bytes: string) => { attach: boolean; clientIsDir?: Dir; max?: number } = () => ({
    attach: true,
  });
  attachStream(flow: Flow, dir: Dir, chunk: Uint8Array): AttachStream | null {
    return this.attach(this.streamCalls, flow, dir, chunk);
  }
  attachDatagram(flow: Flow, dir: Dir, payload: Uint8Array): AttachDatagram | null {
    return this.attach(this.dgramCalls, flow, dir, payload);
  }
  private attach(calls: AttachCall[], flow: Flow, dir: Dir, b: Uint8Array): { analyzer: RecAnalyzer; clientIsDir?: Dir } | null {
    const bytes = Buffer.from(b).toString('latin1');
    calls.push({ flowId: flow.id, dir, bytes });
    const d = this.decide(flow, dir, bytes);
    if (!d.attach) return null;
    const a = new RecAnalyzer(d.max);
    this.analyzers.set(flow.id, a);
    return d.clientIsDir === undefined ? { analyzer: a } : { analyzer: a, clientIsDir: d.clientIsDir };
  }
}

export interface Harness {
  table: FlowTable;
  factory: TestFactory;
  weirds: Weirds;
  ended: Flow[];
}

export function harness(opts: Partial<Omit<FlowTableOptions, 'factory' | 'weirds' | 'onFlowEnd'>> = {}): Harness {
  const factory = new TestFactory();
  const weirds = new Weirds();
  const ended: Flow[] = [];
  const table = new FlowTable({ ...opts, factory, weirds, onFlowEnd: (f) => ended.push(f) });
  return { table, factory, weirds, ended };
}

/** A TCP connection between client c and server s with sequence tracking. */
export class Conn {
  cseq: number;
  sseq: number;
  ts = 1_000_000;
  constructor(
    readonly h: Harness,
    readonly c = '10.0.0.1',
    readonly s = '10.0.0.2',
    readonly cport = 40000,
    readonly sport = 443,
    cisn = 1000,
    sisn = 5000,
    readonly zone = 0,
  ) {
    this.cseq = cisn >>> 0;
    this.sseq = sisn >>> 0;
  }
  private send(fromClient: boolean, flags: number, seq: number, payload: Uint8Array | string, wireLen?: number): void {
    const spec: PktSpec = fromClient
      ? { src: this.c, dst: this.s, sport: this.cport, dport: this.sport, flags, seq, payload, zone: this.zone }
      : { src: this.s, dst: this.c, sport: this.sport, dport: this.cport, flags, seq, payload, zone: this.zone };
    spec.ack = fromClient ? this.sseq : this.cseq;
    if (wireLen !== undefined) spec.wireLen = wireLen;
    this.h.table.packet(pkt(spec), this.ts);
    this.ts += 1000;
  }
  handshake(): this {
    this.send(true, TCP_SYN, this.cseq, '');
    this.cseq = (this.cseq + 1) >>> 0;
    this.send(false, TCP_SYN | TCP_ACK, this.sseq, '');
    this.sseq = (this.sseq + 1) >>> 0;
    this.send(true, TCP_ACK, this.cseq, '');
    return this;
  }
  /** client data at the current position (advances) */
  c2s(data: string | Uint8Array, flags = TCP_ACK): this {
    this.send(true, flags, this.cseq, data);
    this.cseq = (this.cseq + data.length + ((flags & TCP_FIN) !== 0 ? 1 : 0)) >>> 0;
    return this;
  }
  s2c(data: string | Uint8Array, flags = TCP_ACK): this {
    this.send(false, flags, this.sseq, data);
    this.sseq = (this.sseq + data.length + ((flags & TCP_FIN) !== 0 ? 1 : 0)) >>> 0;
    return this;
  }
  /** client data at an explicit offset from `base` (no advance) */
  c2sAt(base: number, off: number, data: string | Uint8Array, wireLen?: number, flags = TCP_ACK): this {
    this.send(true, flags, (base + off) >>> 0, data, wireLen);
    return this;
  }
  s2cAt(base: number, off: number, data: string | Uint8Array, flags = TCP_ACK): this {
    this.send(false, flags, (base + off) >>> 0, data);
    return this;
  }
  fin(fromClient: boolean): this {
    return fromClient ? this.c2s('', TCP_FIN | TCP_ACK) : this.s2c('', TCP_FIN | TCP_ACK);
  }
  rst(fromClient: boolean): this {
    return fromClient ? this.c2s('', TCP_RST) : this.s2c('', TCP_RST);
  }
  ack(fromClient: boolean): this {
    return fromClient ? this.c2s('') : this.s2c('');
  }
}
