/**
 * DNS over UDP/TCP (RFC 1035 §4.1.1): recognised by a plausible header so the flow is known
 * plaintext. Only the header is checked; nothing is stored.
 */
import type { DatagramAnalyzer, Dir, Flow, Want } from '../flow/types.js';

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
