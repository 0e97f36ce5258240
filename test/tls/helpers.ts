/** Test helpers: hand-built TLS byte fixtures and a fake Flow. */
import type { Flow } from '../../core/flow/types.js';

export function u16(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}
export function u24(v: number): number[] {
  return [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
}
export function vec8(b: number[]): number[] {
  return [b.length, ...b];
}
export function vec16(b: number[]): number[] {
  return [...u16(b.length), ...b];
}
export function ext(type: number, data: number[]): number[] {
  return [...u16(type), ...vec16(data)];
}
export function fill(n: number, v = 0x11): number[] {
  return new Array<number>(n).fill(v);
}
export function ascii(s: string): number[] {
  return [...Buffer.from(s, 'latin1')];
}

export interface ChOpts {
  version?: number;
  sessionId?: number[];
  suites?: number[];
  exts?: number[][];
}
/** ClientHello handshake BODY */
export function clientHelloBody(o: ChOpts = {}): number[] {
  const exts = (o.exts ?? []).flat();
  return [
    ...u16(o.version ?? 0x0303),
    ...fill(32, 0xab),
    ...vec8(o.sessionId ?? []),
    ...vec16((o.suites ?? [0x1301, 0x1302, 0xc02f]).flatMap(u16)),
    ...vec8([0]),
    ...vec16(exts),
  ];
}
export interface ShOpts {
  version?: number;
  random?: number[];
  sessionId?: number[];
  suite?: number;
  exts?: number[][];
}
export function serverHelloBody(o: ShOpts = {}): number[] {
  return [
    ...u16(o.version ?? 0x0303),
    ...(o.random ?? fill(32, 0xcd)),
    ...vec8(o.sessionId ?? []),
    ...u16(o.suite ?? 0x1301),
    0,
    ...vec16((o.exts ?? []).flat()),
  ];
}
export function handshake(type: number, body: number[]): number[] {
  return [type, ...u24(body.length), ...body];
}
export function record(type: number, payload: number[], version = 0x0303): number[] {
  return [type, ...u16(version), ...u16(payload.length), ...payload];
}
export const HRR_RANDOM = [...Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex')];

// extension builders
export const sni = (name: string): number[] => ext(0, vec16([0, ...vec16(ascii(name))]));
export const groups = (g: number[]): number[] => ext(10, vec16(g.flatMap(u16)));
export const versions = (v: number[]): number[] => ext(43, vec8(v.flatMap(u16)));
export const sigalgs = (v: number[]): number[] => ext(13, vec16(v.flatMap(u16)));
export const alpn = (p: string[]): number[] => ext(16, vec16(p.flatMap((s) => vec8(ascii(s)))));
export const keyShares = (s: Array<[number, number[]]>): number[] =>
  ext(51, vec16(s.flatMap(([g, d]) => [...u16(g), ...vec16(d)])));
export const serverKeyShare = (g: number, len: number): number[] => ext(51, [...u16(g), ...vec16(fill(len, 0x22))]);
export const hrrKeyShare = (g: number): number[] => ext(51, u16(g));
export const selectedVersion = (v: number): number[] => ext(43, u16(v));

export function fakeFlow(): Flow {
  return {
    id: 1,
    transport: 'tcp',
    ipVersion: 4,
    clientIp: '10.0.0.1',
    clientPort: 50000,
    serverIp: '10.0.0.2',
    serverPort: 443,
    vlan: 0,
    tunnelId: -1,
    firstTsMicros: 0,
    lastTsMicros: 0,
    packets: [0, 0],
    bytes: [0, 0],
    clientBy: 'syn',
    swapped: false,
    endReason: null,
    app: 'unknown',
    issues: [],
    tls: null,
    ext: {},
  };
}

/** a whole TLS 1.3 ClientHello record offering and sharing x25519, with SNI `host` */
export function x25519ClientHelloRecord(host: string): Uint8Array {
  const body = clientHelloBody({ exts: [sni(host), groups([0x001d]), versions([0x0304]), keyShares([[0x001d, fill(32)]])] });
  return Uint8Array.from(record(0x16, handshake(1, body), 0x0301));
}

/** a whole TLS 1.3 ServerHello record selecting x25519, TLS_AES_256_GCM_SHA384 */
export function x25519ServerHelloRecord(): Uint8Array {
  return Uint8Array.from(record(0x16, handshake(2, serverHelloBody({ suite: 0x1302, exts: [selectedVersion(0x0304), serverKeyShare(0x001d, 32)] }))));
}
