/**
 * Flow-layer boundary: the bidirectional flow record and the interface application-layer
 * analyzers (TLS, SSH, QUIC, HTTP/MCP) implement. Direction 0 is client→server, 1 is
 * server→client, always relative to the flow's *current* orientation (see Flow.swapped).
 */
import type { TlsInfo } from '../tls/types.js';

export type Dir = 0 | 1;
export type Transport = 'tcp' | 'udp';

/** What an analyzer asks for after it has been fed. */
export const Want = {
  /** keep delivering this direction */
  More: 0,
  /** nothing more from this direction (the flow keeps counting packets and bytes) */
  DoneDir: 1,
  /** nothing more from either direction: reassembly buffers are released */
  DoneFlow: 2,
} as const;
export type Want = (typeof Want)[keyof typeof Want];

/**
 * A stream analyzer sees each direction of a TCP flow as contiguous in-order bytes. `chunk` is
 * a zero-copy view valid only during the call; copy what must be kept. Bytes arrive in stream
 * order without duplicates; a hole the reassembler gave up on is reported with onGap first.
 */
export interface StreamAnalyzer {
  readonly name: string;
  /** stream bytes per direction this analyzer wants at most (default: the scan's stream budget, 64 KiB) */
  readonly maxBytesPerDir?: number;
  /**
   * delivered bytes per direction the flow table keeps to compare retransmissions with (the
   * key-exchange analyzers, whose verdict a dropped first copy could forge; see
   * core/flow/tcpreasm.ts); a retransmission that differs is `tcp.overlap_mismatch`. Default 0.
   */
  readonly verifyBytesPerDir?: number;
  /**
   * bytes of direction `dir` the analyzer read up to where its verdict was known (asked when it is
   * done): later copies of only these are compared. Without it, all kept bytes are.
   */
  usedBytes?(dir: Dir): number;
  onData(flow: Flow, dir: Dir, chunk: Uint8Array, tsMicros: number): Want;
  /** `len` bytes of this direction will never arrive (capture started mid-flow, packet loss, cap). */
  onGap(flow: Flow, dir: Dir, len: number): Want;
  /** the flow ended (FIN/RST, idle timeout, eviction or end of capture) */
  onEnd(flow: Flow): void;
}

/** A datagram analyzer sees each UDP payload of a flow (QUIC, DNS). */
export interface DatagramAnalyzer {
  readonly name: string;
  onDatagram(flow: Flow, dir: Dir, payload: Uint8Array, tsMicros: number): Want;
  onEnd(flow: Flow): void;
}

export type EndReason = 'fin' | 'rst' | 'idle' | 'evicted' | 'capture-end';

/** Plaintext application protocol recognised by content. */
export type AppProto =
  | 'tls' | 'ssh' | 'quic' | 'http' | 'mcp' | 'dns'
  // plaintext sessions of protocols that could have upgraded to TLS (core/app/starttls.ts)
  | 'smtp' | 'ftp' | 'pop3' | 'imap' | 'nntp' | 'postgresql' | 'mysql' | 'ldap' | 'xmpp'
  | 'unknown';

/** Per-flow issue codes are capped at this many distinct entries. */
export const MAX_FLOW_ISSUES = 16;

export interface Flow {
  /** dense id in creation order within a scan (stable for a given capture) */
  id: number;
  transport: Transport;
  ipVersion: 4 | 6;
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  vlan: number;
  /** VNI / ERSPAN session, -1 if not tunnelled */
  tunnelId: number;
  firstTsMicros: number;
  lastTsMicros: number;
  /** packets per direction [c2s, s2c] */
  packets: [number, number];
  /** transport payload bytes per direction, retransmissions counted once */
  bytes: [number, number];
  /** how the client side was decided */
  clientBy: 'syn' | 'hello' | 'port' | 'first-packet';
  /** true once the orientation was reversed after creation (e.g. a ClientHello from the side taken as server) */
  swapped: boolean;
  endReason: EndReason | null;
  /** application protocol recognised by content */
  app: AppProto;
  /** named anomalies on this flow (capped at MAX_FLOW_ISSUES distinct codes) */
  issues: string[];
  /** TLS (or QUIC-carried TLS) handshake facts, null if none seen */
  tls: TlsInfo | null;
  /** opaque per-protocol results filled by later analyzers (ssh, mcp, ...) */
  ext: Record<string, unknown>;
}

/**
 * Issues recorded even past MAX_FLOW_ISSUES: they withhold hybrid/pq claims (core/report/ambiguity.ts),
 * so hostile traffic that fills the list with other codes must not hide them.
 */
const ALWAYS_RECORDED: readonly string[] = [
  'tcp.overlap_mismatch', 'quic.crypto_overlap_mismatch', 'tcp.isn_conflict', 'tcp.retransmission_unverified', 'quic.crypto_unverified',
];

export function addFlowIssue(flow: Flow, code: string): void {
  if (flow.issues.includes(code)) return;
  if (flow.issues.length < MAX_FLOW_ISSUES || ALWAYS_RECORDED.includes(code)) flow.issues.push(code);
}

/**
 * Returned by the application-layer factory when it recognises a protocol. `clientIsDir: 1`
 * says the bytes that were sniffed came from the side the flow currently calls the server (e.g. a
 * ClientHello from it): unless the client was fixed by a SYN, the flow table swaps the flow's
 * orientation (clientBy = 'hello') before delivering anything.
 */
export interface AttachStream {
  analyzer: StreamAnalyzer;
  clientIsDir?: Dir;
}
export interface AttachDatagram {
  analyzer: DatagramAnalyzer;
  clientIsDir?: Dir;
}

/**
 * Chooses an analyzer by content. The flow table calls attachStream with the first in-order
 * payload chunk of a TCP flow; if it returns null it is called once more with the first chunk of
 * the other direction; after two nulls the flow is only counted. attachDatagram is called with
 * each of the first datagrams (at most 4) until one returns an analyzer.
 */
export interface AppFactory {
  attachStream(flow: Flow, dir: Dir, chunk: Uint8Array): AttachStream | null;
  attachDatagram(flow: Flow, dir: Dir, payload: Uint8Array): AttachDatagram | null;
}
