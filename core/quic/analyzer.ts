/**
 * QUIC datagram analyzer: recovers the TLS ClientHello and ServerHello from Initial packets.
 * RFC 9000 §17.2 (long headers, coalescing §12.2, Retry §17.2.5, Version Negotiation §17.2.1),
 * RFC 9001 §5.2 (Initial keys from the client's first Destination Connection ID, "client in" /
 * "server in"), §5.3-§5.4 (packet and header protection), RFC 9000 §19.6 and §7.5 (CRYPTO
 * frames reassembled by offset), RFC 9001 §4.1.3 (TLS handshake messages carried in CRYPTO
 * frames, no TLS record layer), RFC 9369 (QUIC v2).
 *
 * Key choice: keys are derived from candidate DCIDs — the DCID of the first client Initial, the
 * SCID of a Retry (the client's next Initial uses it, RFC 9000 §17.2.5.2), and as a last resort
 * the packet's own DCID. A packet whose AEAD tag verifies with none of them is counted
 * 'quic.initial_auth_failed' and not used. The side (client / server keys) is decided by which
 * key authenticates, so a flow whose orientation is wrong still gets its hellos right.
 */
import { copyBytes, hexOf } from '../util/bytes.js';
import type { Dir, DatagramAnalyzer, Flow } from '../flow/types.js';
import { Want, addFlowIssue } from '../flow/types.js';
import type { TlsInfo } from '../tls/types.js';
import { newTlsInfo } from '../tls/types.js';
import { decodeClientHello, decodeServerHello, parseHandshakeMessages } from '../tls/hello.js';
import { Weirds } from '../util/weirds.js';
import type { VersionParams } from './constants.js';
import { QUIC_V1, QUIC_V2 } from './constants.js';
import { parseLongHeader, walkDatagram } from './header.js';
import type { LongPacket } from './header.js';
import { deriveInitialKeys } from './keys.js';
import type { PacketKeys, Side } from './keys.js';
import { unprotectLong } from './protection.js';
import { parseFrames } from './frames.js';
import { CRYPTO_BUFFER_CAP, CryptoStream } from './crypto-stream.js';
import type { QuicInfo } from './types.js';
import { newQuicInfo } from './types.js';

export type { QuicInfo } from './types.js';

/** Datagrams examined per flow before giving up (hostile-input cap). */
export const MAX_DATAGRAMS_PER_FLOW = 64;
/**
 * Capture time the flow is still read after both hellos are decoded: a copy the receiver dropped
 * (bad UDP checksum, expired TTL) may be the one seen first, so later Initials are decrypted too
 * and their CRYPTO bytes compared with the hellos' (a difference is quic.crypto_overlap_mismatch,
 * and no hybrid or pq claim is made). The real server Initial follows a forged one within a round
 * trip. Time, not a datagram count: junk datagrams cannot end the window early, and the
 * per-flow datagram cap does not apply in it (each datagram costs a header walk; decryption
 * attempts keep their own cap).
 */
export const VERIFY_MICROS = 2_000_000;
/** AEAD decryption attempts per flow (each candidate key × side counts one). */
export const MAX_DECRYPT_ATTEMPTS_PER_FLOW = 256;
/** Candidate DCIDs kept per flow. */
export const MAX_CANDIDATE_DCIDS = 4;
/** RFC 8446 §4: HandshakeType client_hello = 1, server_hello = 2. */
const HS_CLIENT_HELLO = 1;
const HS_SERVER_HELLO = 2;
/** RFC 9001 §4.1.3: QUIC carries TLS handshake messages without the TLS record layer; ClientHello.recordVersion is 0. */
export const QUIC_RECORD_VERSION = 0;
const MAX_TLS_ERRORS = 16;

/**
 * True when the datagram starts with a QUIC v1 or v2 long-header packet whose header parses
 * (RFC 9000 §17.2: header form bit, version, CID lengths ≤ 20, token and Length fields in bounds).
 */
export function sniffQuic(payload: Uint8Array): boolean {
  const r = parseLongHeader(payload, 0);
  return r.ok && (r.packet.version === QUIC_V1 || r.packet.version === QUIC_V2);
}

/**
 * True when the datagram looks like a client's first flight: an Initial in a datagram of at
 * least 1200 bytes (RFC 9000 §14.1: a client pads datagrams carrying Initial packets to 1200).
 */
export function looksLikeClientInitial(payload: Uint8Array): boolean {
  const r = parseLongHeader(payload, 0);
  return r.ok && r.packet.kind === 'initial' && payload.length >= 1200;
}

interface SideState {
  stream: CryptoStream;
  /** bytes of the contiguous CRYPTO prefix already split into handshake messages */
  consumed: number;
  largestPn: number;
  /** stop decoding this side (oversized message) */
  stopped: boolean;
}

interface State {
  info: QuicInfo;
  tls: TlsInfo;
  candidates: Uint8Array[];
  keys: Map<string, PacketKeys>;
  sides: { client: SideState; server: SideState };
  attempts: number;
  finished: boolean;
  /** capture time until which the flow is read after both hellos (-1: hellos not both decoded yet) */
  verifyUntil: number;
  /** past the window: only headers are looked at, and a later Initial is quic.crypto_unverified */
  watching: boolean;
  /** DCIDs (hex) of the Initials that decrypted: a later Initial with one of them is this connection's */
  connIds: string[];
}

function newSide(): SideState {
  return { stream: new CryptoStream(CRYPTO_BUFFER_CAP), consumed: 0, largestPn: -1, stopped: false };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class QuicAnalyzer implements DatagramAnalyzer {
  readonly name = 'quic';
  private readonly states = new WeakMap<Flow, State>();

  constructor(readonly weirds: Weirds = new Weirds()) {}

  private state(flow: Flow): State {
    let s = this.states.get(flow);
    if (s === undefined) {
      const tls = flow.tls ?? newTlsInfo();
      flow.tls = tls;
      const info = newQuicInfo();
      flow.ext['quic'] = info;
      flow.app = 'quic';
      s = { info, tls, candidates: [], keys: new Map(), sides: { client: newSide(), server: newSide() }, attempts: 0, finished: false, verifyUntil: -1, watching: false, connIds: [] };
      this.states.set(flow, s);
    }
    return s;
  }

  private problem(flow: Flow, code: string): void {
    this.weirds.add(code);
    addFlowIssue(flow, code);
  }

  onDatagram(flow: Flow, dir: Dir, payload: Uint8Array, tsMicros: number): Want {
    const s = this.state(flow);
    if (s.finished) return Want.DoneFlow;
    if (s.watching) return this.watch(flow, s, payload);
    s.info.datagrams++;
    const walk = walkDatagram(payload);
    for (const p of walk.problems) this.problem(flow, p);
    for (const pkt of walk.packets) {
      this.noteVersion(s, pkt);
      switch (pkt.kind) {
        case 'version_negotiation':
          s.info.versionNegotiations++;
          break;
        case 'retry':
          s.info.retries++;
          // RFC 9000 §17.2.5.2: the client's next Initial uses the Retry's SCID as its DCID
          this.addCandidate(s, pkt.scid, true);
          break;
        case 'handshake':
          s.info.handshakePackets++;
          break;
        case '0rtt':
          s.info.zeroRttPackets++;
          break;
        case 'initial':
          this.initial(flow, s, dir, payload, pkt);
          break;
      }
      if (s.finished) break;
    }
    if (s.verifyUntil >= 0) {
      if (tsMicros >= s.verifyUntil) {
        // the window is over: the crypto state goes, the flow is watched for later Initials
        s.watching = true;
        this.release(s);
        return Want.More;
      }
    } else if (s.tls.clientHello !== null && s.tls.serverHello !== null) s.verifyUntil = tsMicros + VERIFY_MICROS;
    if (!s.finished && s.verifyUntil < 0 && s.info.datagrams >= MAX_DATAGRAMS_PER_FLOW) {
      this.problem(flow, 'quic.datagram_cap');
      s.finished = true;
    }
    if (s.finished) {
      this.release(s);
      return Want.DoneFlow;
    }
    return Want.More;
  }

  /**
   * After the window: a later Initial of this connection (the real one after a forged copy, when
   * the server took longer than the window) cannot be compared any more, so it is
   * quic.crypto_unverified (no hybrid or pq claim), and the flow is done. Anything else goes by
   * with a header walk.
   */
  private watch(flow: Flow, s: State, payload: Uint8Array): Want {
    const walk = walkDatagram(payload);
    for (const pkt of walk.packets) {
      // an Initial of this connection (a DCID its Initials used): a new connection from the same
      // address and port has other connection IDs, and is not this one's copy
      if (pkt.kind === 'initial' && s.connIds.includes(hexOf(pkt.dcid))) {
        this.problem(flow, 'quic.crypto_unverified');
        s.finished = true;
        return Want.DoneFlow;
      }
    }
    return Want.More;
  }

  onEnd(flow: Flow): void {
    const s = this.states.get(flow);
    if (s === undefined) return;
    this.release(s);
    this.states.delete(flow);
  }

  private release(s: State): void {
    s.sides.client.stream.reset();
    s.sides.server.stream.reset();
    s.keys.clear();
  }

  private noteVersion(s: State, pkt: LongPacket): void {
    if (pkt.kind === 'version_negotiation') return;
    if (s.info.version === null) s.info.version = pkt.version;
    if (!s.info.versions.includes(pkt.version) && s.info.versions.length < 4) s.info.versions.push(pkt.version);
  }

  private addCandidate(s: State, dcid: Uint8Array, front: boolean): void {
    if (s.candidates.some((c) => sameBytes(c, dcid))) {
      if (front) s.candidates = [copyBytes(dcid), ...s.candidates.filter((c) => !sameBytes(c, dcid))];
      return;
    }
    const copy = copyBytes(dcid);
    if (front) s.candidates.unshift(copy);
    else s.candidates.push(copy);
    if (s.candidates.length > MAX_CANDIDATE_DCIDS) s.candidates.length = MAX_CANDIDATE_DCIDS;
  }

  private keysFor(s: State, params: VersionParams, dcid: Uint8Array, side: Side): PacketKeys {
    const k = `${params.version}:${side}:${hexOf(dcid)}`;
    let keys = s.keys.get(k);
    if (keys === undefined) {
      keys = deriveInitialKeys(params, dcid, side);
      if (s.keys.size < 4 * MAX_CANDIDATE_DCIDS) s.keys.set(k, keys);
    }
    return keys;
  }

  private initial(flow: Flow, s: State, dir: Dir, datagram: Uint8Array, pkt: LongPacket): void {
    const params = pkt.params;
    if (params === null || pkt.pnOffset < 0) return;
    const bytes = datagram.subarray(pkt.start, pkt.end);
    const pnOffset = pkt.pnOffset - pkt.start;
    // a dir-0 Initial's DCID is the natural first candidate (RFC 9001 §5.2)
    if (dir === 0 && s.candidates.length === 0) this.addCandidate(s, pkt.dcid, false);
    const sides: Side[] = dir === 0 ? ['client', 'server'] : ['server', 'client'];
    const tryKeys = (dcid: Uint8Array): { side: Side; pn: number; payload: Uint8Array } | 'short' | null => {
      for (const side of sides) {
        if (s.attempts >= MAX_DECRYPT_ATTEMPTS_PER_FLOW) return null;
        s.attempts++;
        const r = unprotectLong(bytes, pnOffset, this.keysFor(s, params, dcid, side), s.sides[side].largestPn);
        if (r.ok) return { side, pn: r.pn, payload: r.payload };
        if (r.code === 'quic.packet_too_short') return 'short';
      }
      return null;
    };
    let hit: { side: Side; pn: number; payload: Uint8Array } | null = null;
    let usedDcid: Uint8Array | null = null;
    for (const c of s.candidates) {
      const r = tryKeys(c);
      if (r === 'short') {
        this.problem(flow, 'quic.packet_too_short');
        return;
      }
      if (r !== null) {
        hit = r;
        usedDcid = c;
        break;
      }
    }
    if (hit === null && !s.candidates.some((c) => sameBytes(c, pkt.dcid))) {
      const r = tryKeys(pkt.dcid);
      if (r !== null && r !== 'short') {
        hit = r;
        usedDcid = pkt.dcid;
        this.addCandidate(s, pkt.dcid, true);
      }
    }
    if (hit === null || usedDcid === null) {
      s.info.initialAuthFailed++;
      this.problem(flow, s.attempts >= MAX_DECRYPT_ATTEMPTS_PER_FLOW ? 'quic.decrypt_attempt_cap' : 'quic.initial_auth_failed');
      if (s.attempts >= MAX_DECRYPT_ATTEMPTS_PER_FLOW) {
        // in the window after the hellos, a later Initial can no longer be compared: say so
        // (no hybrid or pq claim then), rather than let junk Initials end the checks unseen
        if (s.verifyUntil >= 0) this.problem(flow, 'quic.crypto_unverified');
        s.finished = true;
      }
      return;
    }
    if ((hit.side === 'client') !== (dir === 0)) this.problem(flow, 'quic.initial_direction_mismatch');
    const dcidHex = hexOf(pkt.dcid);
    if (!s.connIds.includes(dcidHex) && s.connIds.length < 2 * MAX_CANDIDATE_DCIDS) s.connIds.push(dcidHex);
    if (hit.side === 'client') s.info.initialDcid = hexOf(usedDcid);
    const side = s.sides[hit.side];
    side.largestPn = Math.max(side.largestPn, hit.pn);
    s.info.initialsDecrypted[hit.side === 'client' ? 0 : 1]++;
    const frames = parseFrames(hit.payload);
    if (frames.problem !== null) this.problem(flow, frames.problem);
    for (const f of frames.crypto) {
      for (const p of side.stream.add(f.offset, f.data)) this.problem(flow, p);
    }
    this.drain(flow, s, hit.side);
  }

  /** Split complete handshake messages off the in-order CRYPTO prefix and decode the hellos. */
  private drain(flow: Flow, s: State, sideName: Side): void {
    const side = s.sides[sideName];
    if (side.stopped) return;
    const data = side.stream.contiguous().subarray(side.consumed);
    const used = parseHandshakeMessages(data, (type, body) => this.message(flow, s, sideName, type, body));
    side.consumed += used;
    // a message that can never complete within the buffer cap
    const rest = data.subarray(used);
    if (rest.length >= 4) {
      const len = ((rest[1] ?? 0) << 16) | ((rest[2] ?? 0) << 8) | (rest[3] ?? 0);
      if (side.consumed + 4 + len > side.stream.cap) {
        this.problem(flow, 'quic.handshake_message_too_large');
        side.stopped = true;
      }
    }
  }

  private message(flow: Flow, s: State, side: Side, type: number, body: Uint8Array): void {
    const tls = s.tls;
    if (side === 'client' && type === HS_CLIENT_HELLO) {
      const r = decodeClientHello(body, QUIC_RECORD_VERSION);
      if (!r.ok) {
        this.tlsError(flow, tls, r.error);
        return;
      }
      if (tls.clientHello === null) tls.clientHello = r.value;
      else if (tls.helloRetryRequest !== null && tls.clientHello2 === null) tls.clientHello2 = r.value;
      return;
    }
    if (side === 'server' && type === HS_SERVER_HELLO) {
      const r = decodeServerHello(body);
      if (!r.ok) {
        this.tlsError(flow, tls, r.error);
        return;
      }
      if (r.value.isHelloRetryRequest) {
        if (tls.helloRetryRequest === null) tls.helloRetryRequest = r.value;
      } else if (tls.serverHello === null) {
        tls.serverHello = r.value;
      }
      return;
    }
    this.problem(flow, 'quic.unexpected_handshake_message');
  }

  private tlsError(flow: Flow, tls: TlsInfo, code: string): void {
    if (tls.errors.length < MAX_TLS_ERRORS && !tls.errors.includes(code)) tls.errors.push(code);
    this.problem(flow, code);
  }
}
