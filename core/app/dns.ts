/**
 * DNS over UDP/TCP (RFC 1035 §4.1.1): recognised by a plausible header so the flow is known
 * plaintext. Only the header is checked; nothing is stored.
 */
import type { DatagramAnalyzer, Dir, Flow, StreamAnalyzer, Want } from '../flow/types.js';

/** RFC 1035 §4.1.1: 12-byte header; opcode 0-6 (RFC 6895 registry), counts small. */
export function looksLikeDns(p: Uint8Array): boolean {
  if (p.length < 12) return false;
  const flags = ((p[2] ?? 0) << 8) | (p[3] ?? 0);
  const opcode = (flags >> 11) & 0xf;
  if (opcode > 6) return false;
  const qd = ((p[4] ?? 0) << 8) | (p[5] ?? 0);
  const an = ((p[6] ?? 0) << 8) | (p[7] ?? 0);
  if (qd > 8 || an > 256) return false;
  const isResponse = (flags & 0x8000) !== 0;
  return qd >= 1 || isResponse;
}

export class DnsAnalyzer implements DatagramAnalyzer {
  readonly name = 'dns';
  onDatagram(flow: Flow, _dir: Dir, _payload: Uint8Array, _ts: number): Want {
    flow.app = 'dns';
    return 2;
  }
  onEnd(_flow: Flow): void {}
}

/** DNS over TCP (RFC 1035 §4.2.2; RFC 7766): a 2-byte length prefix, then a DNS message. */
export function looksLikeDnsOverTcp(chunk: Uint8Array): boolean {
  if (chunk.length < 14) return false;
  const len = ((chunk[0] ?? 0) << 8) | (chunk[1] ?? 0);
  return len >= 12 && looksLikeDns(chunk.subarray(2));
}

export class DnsStreamAnalyzer implements StreamAnalyzer {
  readonly name = 'dns-tcp';
  onData(flow: Flow, _dir: Dir, _chunk: Uint8Array, _ts: number): Want {
    flow.app = 'dns';
    return 2;
  }
  onGap(_flow: Flow, _dir: Dir, _len: number): Want {
    return 2;
  }
  onEnd(_flow: Flow): void {}
}
