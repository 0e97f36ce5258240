/**
 * Micro-benchmark (not a test): 1.2 M TCP packets over 36 k flows through FlowTable, versus a
 * baseline lookup with a string key built per packet in a Map. Run:
 *   npx tsc --outDir /tmp/flowbench --rootDir . --module nodenext --moduleResolution nodenext \
 *     --target es2022 --strict --types node --skipLibCheck test/flow/bench-table.ts
 *   node /tmp/flowbench/test/flow/bench-table.js [all|count|analyze] [rr|window]
 */
import { FlowTable } from '../../core/flow/table.js';
import { Want } from '../../core/flow/types.js';
import type { AppFactory, Flow, StreamAnalyzer } from '../../core/flow/types.js';
import { newDecodedPacket, formatAddr, IPPROTO_TCP, TCP_ACK, TCP_SYN } from '../../core/net/packet.js';
import { Weirds } from '../../core/util/weirds.js';

const FLOWS = 36_000;
const PACKETS = 1_200_000;
const PER_FLOW = Math.floor(PACKETS / FLOWS);
const PAYLOAD = 1200;

// one frame buffer per flow direction: [src addr 4][dst addr 4][payload]
const frames: Buffer[] = [];
for (let i = 0; i < FLOWS; i++) {
  for (let d = 0; d < 2; d++) {
    const b = Buffer.alloc(8 + PAYLOAD, 0x41);
    const c = [10, (i >> 16) & 255, (i >> 8) & 255, i & 255];
    const s = [172, 16, 0, 1 + (i % 200)];
    b.set(d === 0 ? c : s, 0);
    b.set(d === 0 ? s : c, 4);
    frames.push(b);
  }
}

const p = newDecodedPacket();
p.ipVersion = 4;
p.proto = IPPROTO_TCP;
p.srcAddrOff = 0;
p.dstAddrOff = 4;
p.payloadOff = 8;

/**
 * Packet k of the run. 'rr' (worst case for caches): flows interleaved round-robin, packet k
 * belongs to flow k mod FLOWS. 'window': flows progress in waves of WINDOW concurrently active
 * flows (closer to real captures).
 */
const WINDOW = 500;
let pattern: 'rr' | 'window' = 'rr';
function fill(k: number): number {
  let i: number;
  let round: number;
  if (pattern === 'rr') {
    i = k % FLOWS;
    round = Math.floor(k / FLOWS);
  } else {
    const w = Math.floor(k / (WINDOW * PER_FLOW));
    const r = k - w * WINDOW * PER_FLOW;
    i = w * WINDOW + (r % WINDOW);
    round = Math.floor(r / WINDOW);
  }
  const d = round % 2 === 0 ? 0 : 1;
  p.buf = frames[2 * i + d]!;
  const cport = 20000 + (i % 40000);
  p.srcPort = d === 0 ? cport : 443;
  p.dstPort = d === 0 ? 443 : cport;
  if (round === 0) {
    p.tcpFlags = TCP_SYN;
    p.seq = 1000;
    p.payloadLen = p.wirePayloadLen = 0;
  } else {
    p.tcpFlags = TCP_ACK;
    const n = Math.floor((round - 1) / 2);
    p.seq = (d === 0 ? 1001 : 5001) + n * PAYLOAD;
    p.payloadLen = p.wirePayloadLen = PAYLOAD;
  }
  return 1_000_000 + k * 10;
}

class Sink implements StreamAnalyzer {
  readonly name = 'sink';
  n = 0;
  onData(_f: Flow, _d: 0 | 1, chunk: Uint8Array): Want {
    this.n += chunk.length;
    return Want.More;
  }
  onGap(): Want {
    return Want.More;
  }
  onEnd(): void {}
}

function runTable(withAnalyzer: boolean): { ms: number; flows: number } {
  const factory: AppFactory = {
    attachStream: () => (withAnalyzer ? { analyzer: new Sink() } : null),
    attachDatagram: () => null,
  };
  let ended = 0;
  const t = new FlowTable({ factory, weirds: new Weirds(), onFlowEnd: () => void ended++ });
  const t0 = performance.now();
  for (let k = 0; k < FLOWS * PER_FLOW; k++) t.packet(p, fill(k));
  t.flush();
  return { ms: performance.now() - t0, flows: ended };
}

function runFillOnly(): number {
  const t0 = performance.now();
  let x = 0;
  for (let k = 0; k < FLOWS * PER_FLOW; k++) x += fill(k);
  if (x === 0) console.log('');
  return performance.now() - t0;
}

interface Rec {
  packets: [number, number];
  a: string;
}
function runStringMap(): number {
  const m = new Map<string, Rec>();
  const t0 = performance.now();
  for (let k = 0; k < FLOWS * PER_FLOW; k++) {
    fill(k);
    const a = `${formatAddr(p.buf, p.srcAddrOff, 4)}:${p.srcPort}`;
    const b = `${formatAddr(p.buf, p.dstAddrOff, 4)}:${p.dstPort}`;
    const fwd = a < b;
    const key = `${p.zone}|${p.proto}|${fwd ? a : b}|${fwd ? b : a}`;
    let r = m.get(key);
    if (r === undefined) {
      r = { packets: [0, 0], a };
      m.set(key, r);
    }
    r.packets[r.a === a ? 0 : 1]++;
  }
  return performance.now() - t0;
}

if (process.argv[3] === 'window') pattern = 'window';
const only = process.argv[2];
if (only === 'count' || only === 'analyze') {
  for (let rep = 0; rep < 5; rep++) console.log(only, runTable(only === 'analyze').ms.toFixed(0), 'ms');
  process.exit(0);
}
const fillMs = runFillOnly();
for (let rep = 0; rep < 3; rep++) {
  const counted = runTable(false);
  const analyzed = runTable(true);
  const str = runStringMap();
  console.log(
    `${FLOWS * PER_FLOW} packets / ${FLOWS} flows: packet-field fill alone ${fillMs.toFixed(0)} ms; ` +
      `FlowTable count-only ${counted.ms.toFixed(0)} ms (${counted.flows} flows), ` +
      `FlowTable + analyzer (64 KiB/dir reassembled) ${analyzed.ms.toFixed(0)} ms; ` +
      `string-key Map baseline (lookup + count only) ${str.toFixed(0)} ms`,
  );
}
