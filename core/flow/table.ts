/**
 * The flow table: bidirectional TCP/UDP flows keyed by (zone, protocol, both endpoints), client
 * orientation, per-direction counters, TCP reassembly into stream analyzers and UDP datagram
 * delivery, and flow ends (RFC 9293 §3.5 FIN/RST, idle timeout, eviction, end of capture).
 *
 * Orientation (clientBy): a SYN without ACK comes from the client, a SYN+ACK goes to it ('syn',
 * RFC 9293 §3.5); otherwise by port: when exactly one port is below 1024 (IANA system ports,
 * RFC 6335 §6) that side is the server, else the higher port is the client ('port'); equal ports
 * make the first packet's source the client ('first-packet'). An analyzer factory that recognises
 * a client message from the side taken as server swaps the orientation ('hello') unless a SYN
 * fixed it.
 *
 * Ending is two-phase for FIN/RST: the connection is closed at once (buffered stream data handed
 * over, analyzer.onEnd, reassembly state freed), but the flow record keeps counting the stray
 * packets that follow on the same 5-tuple (final ACKs, retransmitted FIN/data, repeated RSTs,
 * as Wireshark's conversation statistics count them) for a linger period; onFlowEnd follows
 * when the linger expires, a new SYN reuses the 5-tuple, the slot is needed, or the capture ends.
 *
 * Memory is bounded: at most maxFlows slots (live and lingering flows), out-of-order bytes and
 * segments per direction, and the reassembly budget per direction.
 */
import type { DecodedPacket } from '../net/packet.js';
import { IPPROTO_TCP, IPPROTO_UDP, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, formatAddr } from '../net/packet.js';
import { Ipv4Names } from './addr-names.js';
import type { Weirds } from '../util/weirds.js';
import type {
  AppFactory,
  DatagramAnalyzer,
  Dir,
  EndReason,
  Flow,
  StreamAnalyzer,
} from './types.js';
import { Want, addFlowIssue } from './types.js';
import { FlowKeyIndex, randomSeed } from './keyindex.js';
import { SlotLists } from './lru.js';
import { RecentHandshakes, type RecentMatch } from './recent.js';
import { TcpStream } from './tcpreasm.js';
import type { StreamSink } from './tcpreasm.js';

export interface FlowTableOptions {
  /** chooses analyzers by content */
  factory: AppFactory;
  weirds: Weirds;
  /** per-direction reassembly budget, default 65536 (an analyzer's maxBytesPerDir overrides) */
  streamBytes?: number;
  /** seed of the flow-key and address hashes (keyindex.ts); random unless given (tests) */
  hashSeed?: number;
  /** live-table cap, default 262144; on overflow the least recently active flow is evicted */
  maxFlows?: number;
  /** out-of-order buffered bytes per direction, default 65536 */
  maxOooBytesPerDir?: number;
  /** out-of-order buffered segments per direction, default 1024 */
  maxOooSegmentsPerDir?: number;
  /** default 300 s */
  tcpIdleTimeoutMicros?: number;
  /** default 60 s */
  udpIdleTimeoutMicros?: number;
  /** how long after its last packet a connection closed by FIN/RST keeps counting stray packets (final ACK, retransmitted FIN) before onFlowEnd, default 30 s */
  closedLingerMicros?: number;
  /** called exactly once per flow when it ends, after analyzer.onEnd */
  onFlowEnd: (flow: Flow) => void;
  /**
   * called once when FIN/RST closes a TCP connection, after analyzer.onEnd and before the linger
   * period: the flow's analysis is complete, only its packet counters and last timestamp change
   * until onFlowEnd (a consumer may summarise it here and drop what it no longer needs)
   */
  onFlowClose?: (flow: Flow) => void;
  /**
   * called once when the flow's analyzer answers Want.DoneFlow: nothing more is delivered to it,
   * so what it recorded (flow.tls, flow.ext) is final; a consumer may summarise it here and drop
   * the records while the connection carries on (analyzer.onEnd still follows at the end)
   */
  onFlowDone?: (flow: Flow) => void;
  /**
   * called when a new flow starts in the middle of a stream that an ended flow of the same
   * 5-tuple had delivered to a key-exchange analyzer (the ended flow's id): the bytes the new flow
   * carries may be the real ones after a forged copy the old flow read, held back past its end
   */
  onFlowConflict?: (endedFlowId: number) => void;
}

/**
 * Segments with payload of a new flow checked against the range of an ended flow of its key.
 * Flows that ended after delivering bytes to a key-exchange analyzer are remembered
 * (core/flow/recent.ts: the most recent RECENT_MAX for RECENT_MICROS of capture time); a flow
 * that starts mid-stream inside one's delivered sequence range is the same connection's bytes
 * arriving after it ended (flow.tcp.isn_conflict on both).
 */
const RECENT_CHECK_SEGMENTS = 32;

export interface FlowTableStats {
  flowsCreated: number;
  flowsEvicted: number;
  flowsEnded: number;
  /** flows in the table now (not yet passed to onFlowEnd) */
  live: number;
  /** highest number of live flows at once */
  peakLive: number;
  /** TCP/UDP packets handled */
  packets: number;
  /** packets that are not TCP/UDP over IP (not counted in any flow) */
  nonFlowPackets: number;
  /** packets counted in a flow after its connection closed by FIN/RST (final ACKs etc.) */
  afterClose: number;
}

const LIST_TCP = 0;
const LIST_UDP = 1;
const LIST_CLOSED = 2;
/** sweep for idle flows when capture time advanced this much (1 s) */
const SWEEP_INTERVAL_MICROS = 1_000_000;
/** RFC 6335 §6: system ports 0-1023 */
const SYSTEM_PORT_LIMIT = 1024;
/** attachDatagram is offered at most this many datagrams (flow/types.ts AppFactory) */
const MAX_DATAGRAM_ATTACH = 4;
/**
 * A side's first bytes shorter than this that no analyzer recognises are kept (copied) and
 * offered again with the next chunk, so a stream whose first segment carries a few bytes (a TLS
 * record header split across segments, as some clients and DPI-evasion tools do; a DNS length
 * prefix written alone) is still recognised. Every sniffer decides within this many bytes.
 */
export const SNIFF_MIN_BYTES = 16;
/**
 * Flows whose delivered handshake bytes are kept at once, to compare retransmissions with
 * (StreamAnalyzer.verifyBytesPerDir, ≤ 2 × 16 KiB while the handshake is read, then only what
 * was delivered: ≤ 128 MiB in all; the reference workload peaks in the low thousands). Past the
 * cap a flow's bytes are not kept, and a retransmission of them is
 * `tcp.retransmission_unverified` (no hybrid or pq claim then, as for a mismatch).
 */
export const MAX_VERIFYING_FLOWS = 4096;
/**
 * Kept bytes go this long (capture time) after the analyzer is done or the connection closed,
 * whichever is first: a real copy following a dropped one arrives within a round trip or a
 * retransmission timeout (RFC 6298 §2: ≥ 1 s).
 */
export const VERIFY_AFTER_DONE_MICROS = 3_000_000;
/** ... and at the latest this long after the analyzer attached (a handshake that never ends) */
export const VERIFY_MAX_MICROS = 30_000_000;
/** FlowState.verify bits */
const V_KEEPING = 1;
/** bytes not kept (cap, or kept long enough): a later copy of delivered bytes is unverified */
const V_UNKEPT = 2;
/** FIN/RST came while a key-exchange analyzer was still reading */
const V_CLOSED_IN_HANDSHAKE = 4;
/** the side that sent the RST that closed the flow (bit 8 = side 0, bit 16 = side 1) */
const V_RST_SIDE0 = 8;
const V_RST_SIDE1 = 16;
const INITIAL_SLOTS = 4096;
/** a flow moves to the tail of its recency list at most this often (capture time) */
const TOUCH_GRANULARITY_MICROS = 1_000_000;

/**
 * Deadlines of flows keeping bytes, in capture-time order: numbers only (slot, flow id, time), so
 * a queued entry keeps no ended flow alive; an entry whose slot holds another flow now, or a flow
 * that stopped keeping, is skipped.
 */
class DeadlineQueue {
  private slots: number[] = [];
  private ids: number[] = [];
  private at: number[] = [];
  private head = 0;

  get size(): number {
    return this.at.length - this.head;
  }

  push(slot: number, id: number, at: number): void {
    this.slots.push(slot);
    this.ids.push(id);
    this.at.push(at);
  }

  /** drops the entries `live` says no longer keep (capture time that does not advance never drains them) */
  compact(live: (slot: number, id: number) => boolean): void {
    const slots: number[] = [];
    const ids: number[] = [];
    const at: number[] = [];
    for (let i = this.head; i < this.at.length; i++) {
      const sl = this.slots[i] ?? -1;
      const id = this.ids[i] ?? -1;
      if (!live(sl, id)) continue;
      slots.push(sl);
      ids.push(id);
      at.push(this.at[i] ?? 0);
    }
    this.slots = slots;
    this.ids = ids;
    this.at = at;
    this.head = 0;
  }

  clear(): void {
    this.slots = [];
    this.ids = [];
    this.at = [];
    this.head = 0;
  }

  /** calls `due(slot, id)` for each entry due at `now`, oldest first */
  drain(now: number, due: (slot: number, id: number) => void): void {
    // this.head moves before the call: `due` may clear the queue (the last flow stopped keeping)
    while (this.head < this.at.length && (this.at[this.head] ?? 0) <= now) {
      const slot = this.slots[this.head] ?? -1;
      const id = this.ids[this.head] ?? -1;
      this.head++;
      due(slot, id);
    }
    const h = this.head;
    if (h > 1024 && h * 2 > this.at.length) {
      this.slots = this.slots.slice(h);
      this.ids = this.ids.slice(h);
      this.at = this.at.slice(h);
      this.head = 0;
    }
  }
}

class FlowState {
  analyzer: StreamAnalyzer | null = null;
  dgram: DatagramAnalyzer | null = null;
  /** TCP: sides (A=0/B=1) already offered to attachStream; UDP: count of attachDatagram calls */
  tried = 0;
  /** sides whose delivery is finished (bit per side) — UDP */
  doneMask = 0;
  /** no more delivery in either direction */
  flowDone = false;
  /** retransmission checks: V_* bits (0: none) */
  verify = 0;
  /** capture time when the analyzer was done (-1: not yet) */
  doneTs = -1;
  /**
   * an ended flow of the same 5-tuple whose handshake was read (RecentHandshakes): this flow's
   * segments are checked against its delivered range for a while (RECENT_CHECK_SEGMENTS)
   */
  recentEnded: RecentMatch | null = null;
  recentChecks = 0;
  sawSyn = false;
  finMask = 0;
  /** closed by FIN/RST: analyzer finished, only counting until onFlowEnd */
  closed = false;
  /** last activity */
  lastTs: number;
  /** time at which the slot was last (re)positioned at the tail of its recency list */
  posTs: number;
  constructor(
    public flow: Flow,
    readonly slot: number,
    readonly tcp: boolean,
    /** endpoint A (source of the first packet) is the client */
    public clientIsA: boolean,
    public streams: [TcpStream<FlowState>, TcpStream<FlowState>] | null,
    ts: number,
  ) {
    this.lastTs = ts;
    this.posTs = ts;
  }
  /** flow direction of a packet from side `side` */
  dirOf(side: 0 | 1): Dir {
    return (side === 0) === this.clientIsA ? 0 : 1;
  }
}

export class FlowTable implements StreamSink<FlowState> {
  readonly stats: FlowTableStats = {
    flowsCreated: 0,
    flowsEvicted: 0,
    flowsEnded: 0,
    live: 0,
    peakLive: 0,
    packets: 0,
    nonFlowPackets: 0,
    afterClose: 0,
  };

  private readonly factory: AppFactory;
  private readonly weirds: Weirds;
  private readonly streamBytes: number;
  private readonly maxFlows: number;
  private readonly maxOoo: number;
  private readonly maxOooSegs: number;
  private readonly tcpIdle: number;
  /** flows keeping delivered bytes now (MAX_VERIFYING_FLOWS at most) */
  private verifying = 0;
  /**
   * deadlines of the flows keeping bytes, each queue in capture-time order (entries of flows that
   * stopped keeping meanwhile are skipped): attach + VERIFY_MAX, done or closed + VERIFY_AFTER_DONE
   */
  private readonly verifyByStart = new DeadlineQueue();
  private readonly verifyByDone = new DeadlineQueue();
  /**
   * per flow: each side's first bytes too short to recognise, waiting for the next chunk (rare:
   * kept here rather than in every FlowState); entries go when the flow attaches, gives up or ends
   */
  private readonly sniffPre = new Map<FlowState, [Uint8Array | null, Uint8Array | null]>();
  private readonly udpIdle: number;
  private readonly linger: number;
  private readonly onFlowEnd: (flow: Flow) => void;
  private readonly onFlowClose: ((flow: Flow) => void) | null;
  private readonly onFlowDone: ((flow: Flow) => void) | null;
  private readonly onFlowConflict: ((endedFlowId: number) => void) | null;
  private readonly recent = new RecentHandshakes();

  private readonly index: FlowKeyIndex;
  private readonly lists: SlotLists;
  private slots: (FlowState | null)[] = [];
  private freeSlots: number[] = [];
  private slotCap = 0;
  private used = 0;
  /** remembered text forms of IPv4 addresses (bounded) */
  private readonly ipv4Names: Ipv4Names;
  private nextId = 0;
  private now = -Infinity;
  private lastSweep = -Infinity;
  /** timestamp of the packet being processed (passed to analyzers) */
  private curTs = 0;

  constructor(opts: FlowTableOptions) {
    this.factory = opts.factory;
    this.weirds = opts.weirds;
    this.streamBytes = Math.max(0, opts.streamBytes ?? 65536);
    this.maxFlows = Math.max(1, Math.floor(opts.maxFlows ?? 262144));
    this.maxOoo = Math.max(0, opts.maxOooBytesPerDir ?? 65536);
    this.maxOooSegs = Math.max(2, opts.maxOooSegmentsPerDir ?? 1024);
    this.tcpIdle = opts.tcpIdleTimeoutMicros ?? 300_000_000;
    this.udpIdle = opts.udpIdleTimeoutMicros ?? 60_000_000;
    this.linger = opts.closedLingerMicros ?? 30_000_000;
    this.onFlowEnd = opts.onFlowEnd;
    this.onFlowClose = opts.onFlowClose ?? null;
    this.onFlowDone = opts.onFlowDone ?? null;
    this.onFlowConflict = opts.onFlowConflict ?? null;
    const cap = Math.min(this.maxFlows, INITIAL_SLOTS);
    const seed = opts.hashSeed ?? randomSeed();
    this.index = new FlowKeyIndex(cap, seed);
    this.ipv4Names = new Ipv4Names(seed);
    this.lists = new SlotLists(3, cap);
    this.growSlots(cap);
  }

  // ---------------------------------------------------------------- hot path

  packet(p: DecodedPacket, tsMicros: number): void {
    if (tsMicros > this.now) {
      this.now = tsMicros;
      if (tsMicros - this.lastSweep >= SWEEP_INTERVAL_MICROS) {
        this.lastSweep = tsMicros;
        this.sweep();
      }
    }
    const proto = p.proto;
    if (p.ipVersion === 0 || (proto !== IPPROTO_TCP && proto !== IPPROTO_UDP)) {
      this.stats.nonFlowPackets++;
      return;
    }
    const index = this.index;
    if (!index.load(p)) {
      this.weirds.add('flow.bad_address_offset');
      this.stats.nonFlowPackets++;
      return;
    }
    this.stats.packets++;
    this.curTs = tsMicros;
    const tcp = proto === IPPROTO_TCP;
    const flags = tcp ? p.tcpFlags : 0;
    const synOnly = (flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;

    let slot = index.find();
    let side: 0 | 1 = index.side;
    let fs: FlowState | null = slot >= 0 ? (this.slots[slot] ?? null) : null;
    if (fs !== null) {
      if (fs.closed) {
        if ((synOnly && !this.isSynRetransmission(fs, side, p.seq)) || tsMicros - fs.lastTs > this.linger) {
          // a new SYN while the closed connection's handshake bytes are still checked: the close
          // (and this SYN) may be forged, and the real bytes would go to the new flow unchecked
          if (synOnly && (fs.verify & V_KEEPING) !== 0) addFlowIssue(fs.flow, 'tcp.isn_conflict');
          this.endFlow(fs, 'capture-end'); // keeps its 'fin' / 'rst'
          fs = null;
        } else {
          this.stats.afterClose++;
        }
      } else if (tsMicros - fs.lastTs > (tcp ? this.tcpIdle : this.udpIdle)) {
        // idle past its timeout but not swept yet: the exact check happens here
        this.endFlow(fs, 'idle');
        fs = null;
      } else if (synOnly && this.isPortReuse(fs, side, p.seq)) {
        this.weirds.add('tcp.port_reuse');
        // a new connection on a 5-tuple that never closed: the old one's handshake may have been
        // forged (the receiver took neither it nor its close), so it is not trusted either
        addFlowIssue(fs.flow, 'tcp.isn_conflict');
        this.endFlow(fs, fs.finMask !== 0 ? 'fin' : 'idle');
        fs = null;
      }
    }
    if (fs === null) {
      if (!index.insertable()) {
        // keys piled on one home slot (hash flooding, see keyindex.ts): this packet is not
        // tracked (checked before eviction, which it must not cost another flow)
        this.weirds.add('flow.hash_probe_limit');
        return;
      }
      if (this.used >= this.maxFlows) {
        this.evictOne();
        if (this.used >= this.maxFlows) {
          this.weirds.add('flow.table_full');
          return;
        }
      }
      fs = this.create(p, tsMicros);
      slot = fs.slot;
      side = 0;
      if (tcp && this.recent.size > 0) this.attachRecent(fs, tsMicros);
    }

    const flow = fs.flow;
    if (tsMicros > fs.lastTs) {
      fs.lastTs = tsMicros;
      flow.lastTsMicros = tsMicros;
      // recency lists are updated lazily (at most once per TOUCH_GRANULARITY of capture time per flow)
      if (tsMicros - fs.posTs >= TOUCH_GRANULARITY_MICROS) {
        fs.posTs = tsMicros;
        this.lists.touch(slot);
      }
    }

    const wireLen = p.wirePayloadLen > p.payloadLen ? p.wirePayloadLen : p.payloadLen;
    if (tcp) this.tcpPacket(fs, side, p, flags, wireLen);
    else this.udpPacket(fs, side, p, wireLen);
  }

  private tcpPacket(fs: FlowState, side: 0 | 1, p: DecodedPacket, flags: number, wireLen: number): void {
    const streams = fs.streams;
    if (streams === null) return;
    const flow = fs.flow;
    let seq = p.seq >>> 0;
    const st = streams[side];
    if ((flags & TCP_SYN) !== 0) {
      const fromClient = (flags & TCP_ACK) === 0;
      if (flow.clientBy !== 'syn' && !fs.closed) {
        // a SYN fixes the orientation if nothing was delivered yet
        const clientSide: 0 | 1 = fromClient ? side : side === 0 ? 1 : 0;
        if (flow.bytes[0] === 0 && flow.bytes[1] === 0 && fs.analyzer === null) {
          if ((clientSide === 0) !== fs.clientIsA) this.swap(fs, false);
          flow.clientBy = 'syn';
        }
      }
      fs.sawSyn = true;
      if (!st.isnSeen) {
        st.isnSeen = true;
        if (!st.baseSet) st.setBase((seq + 1) >>> 0);
        else if (st.baseFromData && ((seq + 1) >>> 0) !== st.baseSeq) {
          // data of this side came before its SYN and does not start where the SYN says: one of
          // them the receiver never took (a forged segment can set where the stream starts)
          addFlowIssue(flow, 'tcp.isn_conflict');
          this.weirds.add('tcp.isn_conflict');
        }
      } else if (((seq + 1) >>> 0) !== st.baseSeq) {
        // a second SYN of this side with another ISN, not a new connection (see isPortReuse):
        // one of them the receiver never took, and which one decides where the stream starts
        addFlowIssue(flow, 'tcp.isn_conflict');
        this.weirds.add('tcp.isn_conflict');
      }
      const other = streams[side === 0 ? 1 : 0];
      if (!fromClient && !other.baseSet) other.setBase(p.ack >>> 0);
      seq = (seq + 1) >>> 0; // the SYN occupies one sequence number (RFC 9293 §3.4)
    }
    const dir = fs.dirOf(side);
    flow.packets[dir]++;
    if (fs.recentEnded !== null && p.payloadLen >= 2 && (flags & (TCP_FIN | TCP_RST | TCP_SYN)) === 0) this.checkRecent(fs, side, seq, p.payloadLen);
    if (wireLen > 0) {
      const added = st.countNew(seq, wireLen);
      flow.bytes[dir] += added;
      if ((flags & TCP_RST) === 0) {
        if (!st.done) {
          if (!st.baseSet) {
            st.setBase(seq, true);
            if (!fs.sawSyn) addFlowIssue(flow, 'tcp.midstream');
          }
          st.segment(this, seq, this.payloadOf(p, wireLen), wireLen);
        } else if (fs.verify !== 0 && ((fs.verify & V_CLOSED_IN_HANDSHAKE) !== 0 || (added < wireLen && ((seq - st.nextSeq) | 0) < 0))) {
          // only a segment that starts before the next byte expected, and that the side sent
          // before (in part: not new bytes whose sequence numbers wrapped), can repeat delivered bytes
          this.afterDelivery(fs, st, side, p, seq, wireLen, added);
        }
      }
    }
    if (fs.closed) return;
    if ((flags & TCP_FIN) !== 0 && !st.finSeen) {
      st.markFin((seq + wireLen) >>> 0);
      fs.finMask |= side === 0 ? 1 : 2;
      if (fs.finMask === 3) {
        this.closeFlow(fs, 'fin');
        return;
      }
    }
    if ((flags & TCP_RST) !== 0) {
      if (fs.verify !== 0) fs.verify |= side === 0 ? V_RST_SIDE0 : V_RST_SIDE1;
      this.closeFlow(fs, 'rst');
    }
  }

  /** the captured payload of a segment (at most wireLen bytes), a view of the frame */
  private payloadOf(p: DecodedPacket, wireLen: number): Uint8Array {
    const cap = p.payloadLen < wireLen ? p.payloadLen : wireLen;
    const off = p.payloadOff;
    return off >= 0 && cap > 0 && off + cap <= p.buf.length ? p.buf.subarray(off, off + cap) : p.buf.subarray(0, 0);
  }

  /**
   * A segment of a direction whose delivery stopped, on a flow with retransmission checks: a copy
   * of delivered bytes is compared with the kept ones, or said to be unverifiable (new bytes go by
   * at no cost). New bytes from a side after its own FIN or RST closed a handshake still being
   * read are noted: a side sends nothing after those, so the close was one the receiver never
   * took and the handshake went on unread (say so rather than lose it silently).
   */
  private afterDelivery(fs: FlowState, st: TcpStream<FlowState>, side: 0 | 1, p: DecodedPacket, seq: number, wireLen: number, added: number): void {
    if ((fs.verify & V_CLOSED_IN_HANDSHAKE) !== 0 && fs.closed && added > 0 && (st.finSeen || (fs.verify & (side === 0 ? V_RST_SIDE0 : V_RST_SIDE1)) !== 0)) {
      addFlowIssue(fs.flow, 'tcp.data_after_close');
    }
    if (added < wireLen && st.checking && st.mayRepeat(seq, wireLen)) st.verify(this, seq, this.payloadOf(p, wireLen), wireLen);
  }

  private udpPacket(fs: FlowState, side: 0 | 1, p: DecodedPacket, wireLen: number): void {
    const flow = fs.flow;
    const dir = fs.dirOf(side);
    flow.packets[dir]++;
    flow.bytes[dir] += wireLen;
    if (fs.flowDone || (fs.doneMask & (side === 0 ? 1 : 2)) !== 0) return;
    const len = p.payloadLen;
    const off = p.payloadOff;
    if (len <= 0 || off < 0 || off + len > p.buf.length) return;
    if (len < p.wirePayloadLen) addFlowIssue(flow, 'udp.truncated');
    const payload = p.buf.subarray(off, off + len);
    if (fs.dgram === null) {
      if (fs.tried >= MAX_DATAGRAM_ATTACH) return;
      fs.tried++;
      let res;
      try {
        res = this.factory.attachDatagram(flow, dir, payload);
      } catch {
        this.analyzerFailed(fs);
        return;
      }
      if (res === null) {
        if (fs.tried >= MAX_DATAGRAM_ATTACH) fs.flowDone = true;
        return;
      }
      fs.dgram = res.analyzer;
      this.applyClientIsDir(fs, res.clientIsDir);
    }
    const d = fs.dirOf(side);
    let w: Want;
    try {
      w = fs.dgram.onDatagram(flow, d, payload, this.curTs);
    } catch {
      this.analyzerFailed(fs);
      return;
    }
    if (w === Want.DoneFlow) this.analyzerDone(fs);
    else if (w === Want.DoneDir) fs.doneMask |= side === 0 ? 1 : 2;
  }

  // ---------------------------------------------------------------- stream sink

  data(s: TcpStream<FlowState>, chunk: Uint8Array): void {
    const fs = s.owner;
    if (fs.flowDone) {
      this.stopStream(s);
      return;
    }
    if (fs.analyzer === null) {
      const bit = s.side === 0 ? 1 : 2;
      if ((fs.tried & bit) !== 0) return; // passes undelivered; reported as a gap if an analyzer attaches later
      // the side's short first bytes kept from before, then this chunk: one contiguous piece
      const pre = this.sniffPre.size > 0 ? (this.sniffPre.get(fs)?.[s.side] ?? null) : null;
      let first = chunk;
      if (pre !== null) {
        first = new Uint8Array(pre.length + chunk.length);
        first.set(pre, 0);
        first.set(chunk, pre.length);
      }
      let res;
      try {
        res = this.factory.attachStream(fs.flow, fs.dirOf(s.side), first);
      } catch {
        this.analyzerFailed(fs);
        return;
      }
      if (res === null) {
        if (first.length < SNIFF_MIN_BYTES) {
          // too short to tell: offered again with the next chunk (a copy: the capture buffer is reused)
          this.sniffPreOf(fs)[s.side] = pre === null ? Uint8Array.from(chunk) : first;
          return;
        }
        if (pre !== null) this.dropSniffPre(fs, s.side);
        fs.tried |= bit;
        if (fs.tried === 3) this.giveUp(fs);
        return;
      }
      fs.tried |= bit;
      if (this.sniffPre.size > 0) this.sniffPre.delete(fs);
      fs.analyzer = res.analyzer;
      this.applyClientIsDir(fs, res.clientIsDir);
      const lim = res.analyzer.maxBytesPerDir;
      const streams = fs.streams;
      const startOff = s.nextOff - (first.length - chunk.length);
      if (streams !== null) {
        for (const t of streams) {
          if (lim !== undefined && lim >= 0) t.limit = lim;
          // bytes that went by before the analyzer existed (the kept first bytes go with this chunk;
          // the other side's, if it has some, count as passed)
          t.pendingGap = t.baseSet ? (t === s ? startOff : t.nextOff) : 0;
        }
        this.startVerifying(fs, streams, res.analyzer.verifyBytesPerDir ?? 0);
        // the chunk the analyzer attaches on (with the first bytes held back for sniffing) is
        // kept from its offset: the stream keeps only the chunks after it
        if ((fs.verify & V_KEEPING) !== 0) s.keepDelivered(startOff, first, startOff);
      }
      if (startOff >= s.limit) {
        this.stopStream(s);
        return;
      }
      chunk = first.length > s.limit - startOff ? first.subarray(0, s.limit - startOff) : first;
    }
    const a = fs.analyzer;
    const dir = fs.dirOf(s.side);
    try {
      if (s.pendingGap > 0) {
        const g = s.pendingGap;
        s.pendingGap = 0;
        addFlowIssue(fs.flow, 'tcp.gap');
        if (this.want(fs, s, a.onGap(fs.flow, dir, g))) return;
      }
      this.want(fs, s, a.onData(fs.flow, dir, chunk, this.curTs));
    } catch {
      this.analyzerFailed(fs);
    }
  }

  gap(s: TcpStream<FlowState>, len: number): void {
    const fs = s.owner;
    addFlowIssue(fs.flow, 'tcp.gap');
    const a = fs.analyzer;
    if (a === null) {
      // kept first bytes and what follows the hole are not one piece: the side is given up, as a
      // short first chunk was before they were kept
      if (this.sniffPre.size > 0 && (this.sniffPre.get(fs)?.[s.side] ?? null) !== null) {
        this.dropSniffPre(fs, s.side);
        fs.tried |= s.side === 0 ? 1 : 2;
        if (fs.tried === 3) this.giveUp(fs);
      }
      return;
    }
    if (fs.flowDone) {
      this.stopStream(s);
      return;
    }
    try {
      if (s.pendingGap > 0) {
        len += s.pendingGap;
        s.pendingGap = 0;
      }
      this.want(fs, s, a.onGap(fs.flow, fs.dirOf(s.side), len));
    } catch {
      this.analyzerFailed(fs);
    }
  }

  mismatch(s: TcpStream<FlowState>): void {
    addFlowIssue(s.owner.flow, 'tcp.overlap_mismatch');
    this.weirds.add('tcp.overlap_mismatch');
  }

  unverified(s: TcpStream<FlowState>): void {
    addFlowIssue(s.owner.flow, 'tcp.retransmission_unverified');
    this.weirds.add('tcp.retransmission_unverified');
  }

  overflow(s: TcpStream<FlowState>): void {
    addFlowIssue(s.owner.flow, 'tcp.ooo_overflow');
    this.weirds.add('tcp.ooo_overflow');
  }

  /** Applies an analyzer's answer; true if delivery to this direction stopped. */
  private want(fs: FlowState, s: TcpStream<FlowState>, w: Want): boolean {
    if (w === Want.More) return false;
    if (w === Want.DoneFlow) {
      const streams = fs.streams;
      if (streams !== null) for (const t of streams) this.stopStream(t);
      this.analyzerDone(fs);
    } else {
      this.stopStream(s);
    }
    return true;
  }

  /** both directions keep up to `bytes` delivered bytes from now on, while the cap allows */
  private startVerifying(fs: FlowState, streams: [TcpStream<FlowState>, TcpStream<FlowState>], bytes: number): void {
    if (bytes <= 0 || fs.verify !== 0) return;
    if (this.verifying >= MAX_VERIFYING_FLOWS) {
      // not kept: a retransmission of delivered bytes then says it could not be compared
      fs.verify = V_UNKEPT;
      for (const t of streams) t.cannotKeep();
      return;
    }
    fs.verify = V_KEEPING;
    this.verifying++;
    for (const t of streams) t.startKeeping(bytes);
    this.verifyByStart.push(fs.slot, fs.flow.id, this.curTs + VERIFY_MAX_MICROS);
    this.boundDeadlines();
  }

  /** the analyzer is done or the connection closed: only what was delivered stays, for VERIFY_AFTER_DONE */
  private settleVerifying(fs: FlowState): void {
    if ((fs.verify & V_KEEPING) === 0) return;
    const streams = fs.streams;
    const a = fs.analyzer;
    if (streams !== null) {
      for (const t of streams) t.settleKept(a !== null && a.usedBytes !== undefined ? a.usedBytes(fs.dirOf(t.side)) : -1);
    }
    this.verifyByDone.push(fs.slot, fs.flow.id, this.curTs + VERIFY_AFTER_DONE_MICROS);
    this.boundDeadlines();
  }

  /**
   * The kept bytes of both directions go; with `unkept`, a later copy of delivered bytes is said
   * to be unverifiable (the flow goes on), else nothing more is checked (the flow ends).
   */
  private stopVerifying(fs: FlowState, unkept: boolean): void {
    if ((fs.verify & V_KEEPING) === 0) return;
    fs.verify &= ~V_KEEPING;
    this.verifying--;
    if (this.verifying === 0) {
      this.verifyByStart.clear();
      this.verifyByDone.clear();
    }
    const streams = fs.streams;
    if (streams !== null) {
      for (const t of streams) {
        t.dropKept();
        if (unkept) t.cannotKeep();
      }
    }
    if (unkept) fs.verify |= V_UNKEPT;
  }

  /**
   * The deadline queues are drained as capture time passes; when it does not (constant or
   * far-future timestamps), entries of flows that stopped keeping are dropped here, so each
   * queue stays within a few times MAX_VERIFYING_FLOWS.
   */
  private boundDeadlines(): void {
    const limit = 2 * MAX_VERIFYING_FLOWS + 1024;
    if (this.verifyByStart.size <= limit && this.verifyByDone.size <= limit) return;
    const live = (slot: number, id: number): boolean => {
      const fs = this.slots[slot];
      return fs !== null && fs !== undefined && fs.flow.id === id && (fs.verify & V_KEEPING) !== 0;
    };
    this.verifyByStart.compact(live);
    this.verifyByDone.compact(live);
  }

  /** entries in the verification deadline queues (bounded; for tests and diagnostics) */
  get verifyDeadlines(): number {
    return this.verifyByStart.size + this.verifyByDone.size;
  }

  /** flows past a verification deadline stop keeping bytes (called per sweep interval) */
  private expireVerifying(now: number): void {
    const due = (slot: number, id: number): void => {
      const fs = this.slots[slot];
      if (fs !== null && fs !== undefined && fs.flow.id === id) this.stopVerifying(fs, true);
    };
    this.verifyByStart.drain(now, due);
    this.verifyByDone.drain(now, due);
  }

  private dropSniffPre(fs: FlowState, side: 0 | 1): void {
    const pre = this.sniffPre.get(fs);
    if (pre === undefined) return;
    pre[side] = null;
    if (pre[0] === null && pre[1] === null) this.sniffPre.delete(fs);
  }

  private sniffPreOf(fs: FlowState): [Uint8Array | null, Uint8Array | null] {
    let pre = this.sniffPre.get(fs);
    if (pre === undefined) {
      pre = [null, null];
      this.sniffPre.set(fs, pre);
    }
    return pre;
  }


  /** the analyzer answered DoneFlow: nothing more is delivered to it */
  private analyzerDone(fs: FlowState): void {
    if (fs.flowDone) return;
    fs.flowDone = true;
    fs.doneTs = this.curTs;
    this.settleVerifying(fs);
    this.onFlowDone?.(fs.flow);
  }

  private stopStream(s: TcpStream<FlowState>): void {
    s.done = true;
    s.release();
  }

  private giveUp(fs: FlowState): void {
    fs.flowDone = true;
    const streams = fs.streams;
    if (streams !== null) for (const t of streams) this.stopStream(t);
  }

  private analyzerFailed(fs: FlowState): void {
    this.weirds.add('flow.analyzer_error');
    addFlowIssue(fs.flow, 'flow.analyzer_error');
    this.giveUp(fs);
  }

  // ---------------------------------------------------------------- orientation

  private applyClientIsDir(fs: FlowState, clientIsDir: Dir | undefined): void {
    if (clientIsDir === undefined || fs.flow.clientBy === 'syn') return;
    if (clientIsDir === 1) this.swap(fs, true);
    fs.flow.clientBy = 'hello';
  }

  /** Reverses the flow's orientation: endpoints and every per-direction counter. */
  private swap(fs: FlowState, mark: boolean): void {
    const f = fs.flow;
    fs.clientIsA = !fs.clientIsA;
    const ip = f.clientIp;
    f.clientIp = f.serverIp;
    f.serverIp = ip;
    const port = f.clientPort;
    f.clientPort = f.serverPort;
    f.serverPort = port;
    f.packets = [f.packets[1], f.packets[0]];
    f.bytes = [f.bytes[1], f.bytes[0]];
    if (mark) f.swapped = true;
  }

  private isPortReuse(fs: FlowState, side: 0 | 1, seq: number): boolean {
    const streams = fs.streams;
    if (streams === null) return false;
    const st = streams[side];
    // a SYN with a different ISN on a flow that already has a start in that direction
    return st.baseSet && (st.isnSeen || fs.flow.bytes[fs.dirOf(side)] > 0) && ((seq + 1) >>> 0) !== st.baseSeq;
  }

  /** a SYN repeating the ISN this side already sent */
  private isSynRetransmission(fs: FlowState, side: 0 | 1, seq: number): boolean {
    const st = fs.streams?.[side];
    return st !== undefined && st.isnSeen && ((seq + 1) >>> 0) === st.baseSeq;
  }

  // ---------------------------------------------------------------- lifecycle

  /** needs a free slot (used < maxFlows) */
  private create(p: DecodedPacket, ts: number): FlowState {
    if (this.used >= this.slotCap) this.growSlots(Math.min(this.maxFlows, this.slotCap * 2));
    const slot = this.freeSlots.pop() ?? this.used;
    this.used++;
    const tcp = p.proto === IPPROTO_TCP;
    const ver: 4 | 6 = p.ipVersion === 6 ? 6 : 4;
    const sp = p.srcPort & 0xffff;
    const dp = p.dstPort & 0xffff;
    let clientIsA: boolean;
    let clientBy: Flow['clientBy'];
    const syn = tcp && (p.tcpFlags & TCP_SYN) !== 0;
    if (syn) {
      clientIsA = (p.tcpFlags & TCP_ACK) === 0;
      clientBy = 'syn';
    } else if (sp < SYSTEM_PORT_LIMIT !== dp < SYSTEM_PORT_LIMIT) {
      clientIsA = dp < SYSTEM_PORT_LIMIT;
      clientBy = 'port';
    } else if (sp !== dp) {
      clientIsA = sp > dp;
      clientBy = 'port';
    } else {
      clientIsA = true;
      clientBy = 'first-packet';
    }
    const a = ver === 4 ? this.ipv4Names.name(p.buf, p.srcAddrOff) : formatAddr(p.buf, p.srcAddrOff, ver);
    const b = ver === 4 ? this.ipv4Names.name(p.buf, p.dstAddrOff) : formatAddr(p.buf, p.dstAddrOff, ver);
    const flow: Flow = {
      id: this.nextId++,
      transport: tcp ? 'tcp' : 'udp',
      ipVersion: ver,
      clientIp: clientIsA ? a : b,
      clientPort: clientIsA ? sp : dp,
      serverIp: clientIsA ? b : a,
      serverPort: clientIsA ? dp : sp,
      vlan: p.vlan,
      tunnelId: p.tunnelId,
      firstTsMicros: ts,
      lastTsMicros: ts,
      packets: [0, 0],
      bytes: [0, 0],
      clientBy,
      swapped: false,
      endReason: null,
      app: 'unknown',
      issues: [],
      tls: null,
      ext: {},
    };
    const fs = new FlowState(flow, slot, tcp, clientIsA, null, ts);
    if (tcp) {
      fs.streams = [
        new TcpStream<FlowState>(fs, 0, this.streamBytes, this.maxOoo, this.maxOooSegs),
        new TcpStream<FlowState>(fs, 1, this.streamBytes, this.maxOoo, this.maxOooSegs),
      ];
    }
    this.slots[slot] = fs;
    this.index.insert(slot);
    this.lists.push(tcp ? LIST_TCP : LIST_UDP, slot);
    this.stats.flowsCreated++;
    this.stats.live++;
    if (this.stats.live > this.stats.peakLive) this.stats.peakLive = this.stats.live;
    return fs;
  }

  private growSlots(cap: number): void {
    if (cap <= this.slotCap) return;
    this.index.grow(cap);
    this.lists.grow(cap);
    while (this.slots.length < cap) this.slots.push(null);
    this.slotCap = cap;
  }

  /**
   * Closes a connection: hands over buffered stream data (holes as gaps), analyzer.onEnd, frees
   * reassembly state. The flow stays in the table (counting only) until endFlow.
   */
  private closeFlow(fs: FlowState, reason: EndReason): void {
    if (fs.closed) return;
    fs.closed = true;
    const flow = fs.flow;
    flow.endReason = reason;
    const streams = fs.streams;
    if (streams !== null && !fs.flowDone) {
      const c = fs.clientIsA ? 0 : 1;
      streams[c].finish(this);
      streams[c === 0 ? 1 : 0].finish(this);
    }
    const a = fs.analyzer ?? fs.dgram;
    if (a !== null) {
      try {
        a.onEnd(flow);
      } catch {
        this.weirds.add('flow.analyzer_error');
        addFlowIssue(flow, 'flow.analyzer_error');
      }
    }
    fs.analyzer = null;
    fs.dgram = null;
    fs.flowDone = true;
    if (streams !== null) for (const t of streams) this.stopStream(t);
    // the analysis is over, but the close may be one the receiver never took (forged): later
    // copies of delivered bytes are still compared for VERIFY_AFTER_DONE
    if (fs.verify !== 0 && fs.doneTs < 0) fs.verify |= V_CLOSED_IN_HANDSHAKE;
    if (fs.doneTs < 0) this.settleVerifying(fs);
    if (reason === 'fin' || reason === 'rst') {
      this.onFlowClose?.(flow);
      this.lists.unlink(fs.slot);
      this.lists.push(LIST_CLOSED, fs.slot);
      fs.posTs = fs.lastTs;
    }
  }

  /** Ends a flow: closes it if still open (with `reason`), then onFlowEnd, then frees the slot. */
  private endFlow(fs: FlowState, reason: EndReason): void {
    this.closeFlow(fs, reason);
    if (fs.verify !== 0) this.remember(fs);
    this.stopVerifying(fs, false);
    if (this.sniffPre.size > 0) this.sniffPre.delete(fs);
    fs.streams = null;
    this.freeSlot(fs);
    this.stats.live--;
    this.stats.flowsEnded++;
    this.onFlowEnd(fs.flow);
  }

  private freeSlot(fs: FlowState): void {
    const slot = fs.slot;
    this.index.remove(slot);
    this.lists.unlink(slot);
    this.slots[slot] = null;
    this.freeSlots.push(slot);
    this.used--;
  }

  /**
   * A flow pushed out of a full table while its handshake bytes are still checked: a later copy
   * (the real one, after forged ones) would go to a new flow unchecked, so no hybrid or pq claim
   * (filling the table with spoofed SYNs is cheap).
   */
  private evictedWhileVerifying(fs: FlowState): void {
    if ((fs.verify & V_KEEPING) === 0) return;
    addFlowIssue(fs.flow, 'tcp.retransmission_unverified');
    this.weirds.add('tcp.retransmission_unverified');
  }

  /** an ended flow whose handshake bytes were read: remembered for RECENT_MICROS (at most RECENT_MAX) */
  private remember(fs: FlowState): void {
    const st = fs.streams;
    if (st === null) return;
    const s0 = st[0];
    const s1 = st[1];
    this.recent.remember(
      this.index, fs.slot, fs.flow.id, this.curTs,
      s0.baseSeq, s0.baseSet ? s0.nextSeq : s0.baseSeq,
      s1.baseSeq, s1.baseSet ? s1.nextSeq : s1.baseSeq,
    );
  }

  /** a new TCP flow on the key of a recently ended one whose handshake was read: check its segments */
  private attachRecent(fs: FlowState, ts: number): void {
    fs.recentEnded = this.recent.take(this.index, fs.slot, ts);
  }

  /**
   * A segment with payload of a flow that follows an ended one: inside the ended flow's delivered
   * range (for the same endpoint), it is that connection's bytes arriving after its flow ended.
   * Keep-alives, FIN, RST and SYN segments are not looked at (a FIN's data retransmitted after
   * the linger is an ordinary lossy tail).
   */
  private checkRecent(fs: FlowState, side: 0 | 1, seq: number, len: number): void {
    const e = fs.recentEnded;
    if (e === null) return;
    if (++fs.recentChecks > RECENT_CHECK_SEGMENTS) {
      fs.recentEnded = null;
      return;
    }
    const base = side === 0 ? e.base0 : e.base1;
    const next = side === 0 ? e.next0 : e.next1;
    const s0 = seq >>> 0;
    // [seq, seq + len) overlaps a non-empty [base, next)
    if (((next - base) | 0) > 0 && ((s0 + len - base) | 0) > 0 && ((s0 - next) | 0) < 0) {
      fs.recentEnded = null;
      addFlowIssue(fs.flow, 'tcp.isn_conflict');
      this.weirds.add('tcp.isn_conflict');
      this.onFlowConflict?.(e.id);
    }
  }

  /** Frees one slot: a closed connection if any, else the least recently active flow. */
  private evictOne(): void {
    const lists = this.lists;
    const closed = lists.head(LIST_CLOSED);
    if (closed >= 0) {
      const fs = this.slots[closed];
      if (fs) {
        this.evictedWhileVerifying(fs);
        this.endFlow(fs, 'evicted'); // keeps its 'fin' / 'rst'
      }
      else lists.unlink(closed);
      return;
    }
    const t = lists.head(LIST_TCP);
    const u = lists.head(LIST_UDP);
    let victim = t;
    if (victim < 0 || (u >= 0 && (this.slots[u]?.posTs ?? 0) < (this.slots[t]?.posTs ?? 0))) victim = u;
    const fs = victim >= 0 ? this.slots[victim] : null;
    if (!fs) return;
    this.stats.flowsEvicted++;
    this.weirds.add('flow.evicted');
    this.evictedWhileVerifying(fs);
    this.endFlow(fs, 'evicted');
  }

  /** Ends flows idle longer than their timeout, oldest first; cost proportional to what expires. */
  private sweep(): void {
    const now = this.now;
    if (this.verifying > 0) this.expireVerifying(now);
    this.expire(LIST_TCP, now - this.tcpIdle);
    this.expire(LIST_UDP, now - this.udpIdle);
    this.expire(LIST_CLOSED, now - this.linger);
  }

  private expire(list: number, cutoff: number): void {
    const lists = this.lists;
    for (;;) {
      const h = lists.head(list);
      if (h < 0) return;
      const fs = this.slots[h];
      if (!fs) {
        lists.unlink(h);
        continue;
      }
      if (fs.posTs >= cutoff) return;
      if (fs.lastTs < cutoff) {
        this.endFlow(fs, 'idle'); // a closed flow keeps its 'fin' / 'rst'
      } else {
        // active since it was positioned: requeue at the tail (terminates: its position becomes >= cutoff)
        fs.posTs = fs.lastTs;
        lists.touch(h);
      }
    }
  }

  /** End of capture: ends every flow in the table in creation order ('capture-end' unless closed by FIN/RST). */
  flush(): void {
    const live: FlowState[] = [];
    for (const fs of this.slots) if (fs !== null) live.push(fs);
    live.sort((x, y) => x.flow.id - y.flow.id);
    for (const fs of live) this.endFlow(fs, 'capture-end');
    // the next input is another capture: its flows are not this one's connections
    this.recent.clear();
  }
}
