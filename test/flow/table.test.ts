import { describe, expect, it } from 'vitest';
import { Want } from '../../core/flow/types.js';
import { FlowTable, MAX_VERIFYING_FLOWS, SNIFF_MIN_BYTES, VERIFY_AFTER_DONE_MICROS } from '../../core/flow/table.js';
import type { AppFactory, Flow, StreamAnalyzer } from '../../core/flow/types.js';
import { MAX_FLOW_ISSUES, addFlowIssue } from '../../core/flow/types.js';
import { Weirds } from '../../core/util/weirds.js';
import type { Harness } from './helpers.js';
import { Conn, RecAnalyzer, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, harness, pkt } from './helpers.js';

describe('orientation', () => {
  it('3-way handshake: the SYN sender is the client', () => {
    const h = harness();
    // the server side has the higher port, so the port rule alone would pick the wrong client
    new Conn(h, '10.0.0.9', '10.0.0.1', 80, 50000).handshake().c2s('hello').s2c('world');
    h.table.flush();
    expect(h.ended).toHaveLength(1);
    const f = h.ended[0]!;
    expect(f.clientIp).toBe('10.0.0.9');
    expect(f.clientPort).toBe(80);
    expect(f.serverPort).toBe(50000);
    expect(f.clientBy).toBe('syn');
    expect(f.packets).toEqual([3, 2]);
    expect(f.bytes).toEqual([5, 5]);
    expect(f.issues).not.toContain('tcp.midstream');
    expect(h.factory.analyzers.get(0)?.text).toEqual(['hello', 'world']);
  });

  it('SYN+ACK seen first: its receiver is the client, client stream base from its ACK', () => {
    const h = harness();
    const c = new Conn(h, '10.0.0.1', '10.0.0.2', 40000, 443, 100, 900);
    // capture missed the SYN: server SYN+ACK acks ISN+1 = 101
    c.cseq = 101;
    h.table.packet(pkt({ src: '10.0.0.2', dst: '10.0.0.1', sport: 443, dport: 40000, flags: TCP_SYN | TCP_ACK, seq: 900, ack: 101 }), 1);
    c.sseq = 901;
    c.c2s('abc').s2c('xyz');
    h.table.flush();
    const f = h.ended[0]!;
    expect(f.clientIp).toBe('10.0.0.1');
    expect(f.clientBy).toBe('syn');
    expect(f.issues).toEqual([]);
    expect(h.factory.analyzers.get(0)?.text).toEqual(['abc', 'xyz']);
  });

  it('mid-stream without SYN: the port heuristic and tcp.midstream', () => {
    const h = harness();
    // first packet comes from the server (port 443)
    h.table.packet(pkt({ src: '10.0.0.2', dst: '10.0.0.1', sport: 443, dport: 51000, seq: 77, payload: 'srv' }), 1);
    h.table.packet(pkt({ src: '10.0.0.1', dst: '10.0.0.2', sport: 51000, dport: 443, seq: 9, payload: 'cli' }), 2);
    // both ports >= 1024: the higher port is the client
    h.table.packet(pkt({ src: '10.0.0.3', dst: '10.0.0.4', sport: 8443, dport: 60001, seq: 1, payload: 'a' }), 3);
    // equal ports: first packet's source
    h.table.packet(pkt({ src: '10.0.0.5', dst: '10.0.0.6', sport: 5000, dport: 5000, seq: 1, payload: 'a' }), 4);
    // both below 1024: the higher port is the client
    h.table.packet(pkt({ src: '10.0.0.7', dst: '10.0.0.8', sport: 22, dport: 900, seq: 1, payload: 'a' }), 5);
    h.table.flush();
    const [a, b, c, d] = h.ended;
    expect(a!.clientIp).toBe('10.0.0.1');
    expect(a!.clientPort).toBe(51000);
    expect(a!.clientBy).toBe('port');
    expect(a!.packets).toEqual([1, 1]);
    expect(a!.issues).toContain('tcp.midstream');
    expect(h.factory.analyzers.get(0)?.text).toEqual(['cli', 'srv']);
    expect([b!.clientIp, b!.clientPort, b!.clientBy]).toEqual(['10.0.0.4', 60001, 'port']);
    expect([c!.clientIp, c!.clientBy]).toEqual(['10.0.0.5', 'first-packet']);
    expect([d!.clientIp, d!.clientPort]).toEqual(['10.0.0.8', 900]);
  });

  it('clientIsDir:1 from the factory swaps all per-direction state', () => {
    const h = harness();
    // ports make 10.0.0.1:60000 the provisional client, but the real client is 10.0.0.2:50000
    h.factory.decide = (_f, _dir, bytes) => (bytes.startsWith('HELLO') ? { attach: true, clientIsDir: 1 } : { attach: false });
    h.table.packet(pkt({ src: '10.0.0.1', dst: '10.0.0.2', sport: 60000, dport: 50000, seq: 1, payload: 'x' }), 1);
    h.table.packet(pkt({ src: '10.0.0.2', dst: '10.0.0.1', sport: 50000, dport: 60000, seq: 500, payload: 'HELLO!' }), 2);
    h.table.packet(pkt({ src: '10.0.0.1', dst: '10.0.0.2', sport: 60000, dport: 50000, seq: 2, payload: 'yz' }), 3);
    h.table.flush();
    const f = h.ended[0]!;
    expect(f.clientIp).toBe('10.0.0.2');
    expect(f.clientPort).toBe(50000);
    expect(f.serverPort).toBe(60000);
    expect(f.clientBy).toBe('hello');
    expect(f.swapped).toBe(true);
    expect(f.packets).toEqual([1, 2]);
    expect(f.bytes).toEqual([6, 3]);
    expect(h.factory.streamCalls.map((c) => c.dir)).toEqual([0, 1]);
    const a = h.factory.analyzers.get(0)!;
    // the attaching chunk is delivered with the new direction; earlier server bytes become a gap
    expect(a.events.filter((e) => e.t !== 'end').map((e) => [e.t, e.dir])).toEqual([
      ['data', 0],
      ['gap', 1],
      ['data', 1],
    ]);
    expect(a.text).toEqual(['HELLO!', '?yz']);
  });

  it('clientIsDir:1 does not swap a SYN-oriented flow', () => {
    const h = harness();
    h.factory.decide = () => ({ attach: true, clientIsDir: 1 });
    new Conn(h).handshake().s2c('banner');
    h.table.flush();
    const f = h.ended[0]!;
    expect(f.clientIp).toBe('10.0.0.1');
    expect(f.clientBy).toBe('syn');
    expect(f.swapped).toBe(false);
  });
});

describe('TCP reassembly', () => {
  it('delivers in-order data zero-copy as views of the frame buffer', () => {
    const h = harness();
    const c = new Conn(h).handshake();
    const p = pkt({ src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 443, seq: c.cseq, payload: 'GET / HTTP/1.1' });
    h.table.packet(p, 5);
    const ev = h.factory.analyzers.get(0)!.dataEvents()[0]!;
    expect(ev.chunk.buffer).toBe(p.buf.buffer);
    expect(ev.chunk.byteOffset).toBe(p.buf.byteOffset + p.payloadOff);
    expect(ev.bytes.toString()).toBe('GET / HTTP/1.1');
    expect(ev.ts).toBe(5);
  });

  it('out-of-order 3-1-2 is delivered in order once the hole fills', () => {
    const h = harness();
    const c = new Conn(h).handshake();
    const base = c.cseq;
    c.c2sAt(base, 6, 'ghi');
    c.c2sAt(base, 0, 'abc');
    const a = h.factory.analyzers.get(0)!;
    expect(a.text[0]).toBe('abc');
    c.c2sAt(base, 3, 'def');
    expect(a.text[0]).toBe('abcdefghi');
    expect(a.dataEvents().map((e) => e.bytes.toString())).toEqual(['abc', 'def', 'ghi']);
    h.table.flush();
    expect(h.ended[0]!.bytes[0]).toBe(9);
    expect(h.ended[0]!.issues).toEqual([]);
  });

  it('counts retransmitted bytes once and delivers them once', () => {
    const h = harness();
    const c = new Conn(h).handshake();
    const base = c.cseq;
    c.c2sAt(base, 0, 'hello');
    c.c2sAt(base, 0, 'hello');
    c.c2sAt(base, 3, 'lo wo');
    c.c2sAt(base, 8, 'rld');
    c.c2sAt(base, 1, 'e'); // keep-alive-like old byte
    h.table.flush();
    const f = h.ended[0]!;
    expect(f.bytes[0]).toBe(11);
    expect(f.packets[0]).toBe(2 + 5);
    expect(h.factory.analyzers.get(0)!.text[0]).toBe('hello world');
    expect(f.issues).toEqual([]);
  });

  it('overlaps keep the first-seen bytes and flag differences', () => {
    const h = harness();
    const c = new Conn(h).handshake();
    const base = c.cseq;
    c.c2sAt(base, 4, 'EFGH'); // buffered first
    c.c2sAt(base, 6, 'xyIJ'); // overlaps buffered 'GH' with different bytes
    c.c2sAt(base, 0, 'ABCDeZ'); // in-order, overlaps buffered 'EF' with 'eZ'
    h.table.flush();
    const f = h.ended[0]!;
    expect(h.factory.analyzers.get(0)!.text[0]).toBe('ABCDEFGHIJ');
    expect(f.issues).toContain('tcp.overlap_mismatch');
    expect(h.weirds.get('tcp.overlap_mismatch')).toBe(2);
    expect(f.bytes[0]).toBe(10);
  });

  it('identical overlaps raise no issue', () => {
    const h = harness();
    const c = new Conn(h).handshake();
    const base = c.cseq;
    c.c2sAt(base, 2, 'CDEF');
    c.c2sAt(base, 0, 'ABCD');
    h.table.flush();
    expect(h.factory.analyzers.get(0)!.text[0]).toBe('ABCDEF');
    expect(h.ended[0]!.issues).toEqual([]);
  });

  it('handles sequence numbers wrapping around 2^32', () => {
    const h = harness();
    const c = new Conn(h, '10.0.0.1', '10.0.0.2', 40000, 443, 0xfffffffa, 0xffffffff).handshake();
    const base = c.cseq; // 0xfffffffb
    c.c2sAt(base, 8, 'IJKL'); // after the wrap, out of order
    c.c2sAt(base, 0, 'ABCD');
    c.c2sAt(base, 4, 'EFGH'); // crosses 2^32
    c.s2c('server-after-wrap'); // server ISN 0xffffffff: data starts at 0
    h.table.flush();
    const f = h.ended[0]!;
    expect(h.factory.analyzers.get(0)!.text).toEqual(['ABCDEFGHIJKL', 'server-after-wrap']);
    expect(f.bytes).toEqual([12, 17]);
  });

  it('reports holes as gaps at the end and around FIN', () => {
    const h = harness();
    const c = new Conn(h).handshake();
    const base = c.cseq;
    c.c2sAt(base, 0, 'aaaa');
    c.c2sAt(base, 8, 'cccc'); // 'bbbb' lost
    c.c2sAt(base, 16, '', undefined, TCP_FIN | TCP_ACK); // FIN at 16: 'dddd' lost too
    c.s2c('', TCP_FIN | TCP_ACK);
    const a = h.factory.analyzers.get(0)!;
    // the analyzer is finished at once; the flow record is reported after the linger
    expect(a.events.at(-1)?.t).toBe('end');
    expect(h.ended).toHaveLength(0);
    h.table.flush();
    const f = h.ended[0]!;
    expect(f.endReason).toBe('fin');
    expect(a.text[0]).toBe('aaaa????cccc????');
    expect(a.events.filter((e) => e.t === 'gap').map((e) => (e.t === 'gap' ? e.len : 0))).toEqual([4, 4]);
    expect(a.events.at(-1)?.t).toBe('end');
    expect(f.issues).toContain('tcp.gap');
  });

  it('a snaplen-cut segment becomes a gap but its wire bytes count', () => {
    const h = harness();
    const c = new Conn(h).handshake();
    const base = c.cseq;
    c.c2sAt(base, 0, 'abcd', 10); // 6 bytes cut
    c.c2sAt(base, 20, 'zz'); // out of order after a hole
    c.c2sAt(base, 10, 'klmn', 10); // cut again, fills to 20
    h.table.flush();
    const f = h.ended[0]!;
    expect(f.bytes[0]).toBe(22);
    expect(h.factory.analyzers.get(0)!.text[0]).toBe('abcd??????klmn??????zz');
  });

  it('out-of-order overflow skips the hole and counts tcp.ooo_overflow', () => {
    const h = harness({ maxOooBytesPerDir: 8 });
    const c = new Conn(h).handshake();
    const base = c.cseq;
    c.c2sAt(base, 0, 'aa');
    c.c2sAt(base, 4, 'cccc');
    c.c2sAt(base, 8, 'dddd');
    c.c2sAt(base, 12, 'eeee'); // buffer full: give up on 'bb'
    const a = h.factory.analyzers.get(0)!;
    expect(a.text[0]).toBe('aa??ccccddddeeee');
    c.c2sAt(base, 2, 'bb'); // too late: ignored as old
    h.table.flush();
    expect(a.text[0]).toBe('aa??ccccddddeeee');
    expect(h.ended[0]!.issues).toContain('tcp.ooo_overflow');
    expect(h.weirds.get('tcp.ooo_overflow')).toBe(1);
    expect(h.ended[0]!.bytes[0]).toBe(16);
  });

  it('respects the stream budget and the analyzer maxBytesPerDir', () => {
    const h = harness({ streamBytes: 10 });
    const c = new Conn(h).handshake();
    c.c2s('0123456').c2s('789abcdef').c2s('ghij');
    c.s2c('x'.repeat(30));
    h.table.flush();
    const a = h.factory.analyzers.get(0)!;
    expect(a.text).toEqual(['0123456789', 'x'.repeat(10)]);
    expect(h.ended[0]!.bytes).toEqual([20, 30]);

    const h2 = harness({ streamBytes: 10 });
    h2.factory.decide = () => ({ attach: true, max: 25 });
    new Conn(h2).handshake().c2s('a'.repeat(20)).c2s('b'.repeat(20));
    h2.table.flush();
    expect(h2.factory.analyzers.get(0)!.text[0]).toBe('a'.repeat(20) + 'b'.repeat(5));
  });

  it('does not buffer out-of-order data beyond the budget', () => {
    const h = harness({ streamBytes: 8, maxOooBytesPerDir: 4 });
    const c = new Conn(h).handshake();
    const base = c.cseq;
    c.c2sAt(base, 100, 'far away'); // beyond the budget: dropped without overflow
    c.c2sAt(base, 0, 'abcdefghijk');
    h.table.flush();
    expect(h.factory.analyzers.get(0)!.text[0]).toBe('abcdefgh');
    expect(h.ended[0]!.issues).toEqual([]);
  });

  it('Want.DoneFlow stops delivery but counting goes on', () => {
    const h = harness();
    const c = new Conn(h).handshake();
    c.c2s('one');
    const a = h.factory.analyzers.get(0)!;
    a.answer = () => Want.DoneFlow;
    c.s2c('two').c2s('three').s2c('four');
    h.table.flush();
    expect(a.text).toEqual(['one', 'two']);
    expect(a.events.at(-1)?.t).toBe('end');
    expect(h.ended[0]!.bytes).toEqual([8, 7]);
    expect(h.ended[0]!.packets).toEqual([4, 3]);
  });

  it('onFlowDone fires once when the analyzer answers DoneFlow, before the flow ends', () => {
    const done: number[] = [];
    const h = harness({ onFlowDone: (f) => done.push(f.packets[0] + f.packets[1]) });
    const c = new Conn(h).handshake();
    c.c2s('one');
    const a = h.factory.analyzers.get(0)!;
    expect(done).toEqual([]);
    a.answer = () => Want.DoneFlow;
    c.s2c('two').c2s('three').s2c('four');
    expect(done).toEqual([5]); // SYN, SYN-ACK, ACK, 'one', 'two'
    expect(h.ended).toEqual([]);
    h.table.flush();
    expect(done).toEqual([5]);
    expect(a.events.at(-1)?.t).toBe('end');
    // a flow whose analyzer never says DoneFlow gets no call
    const h2 = harness({ onFlowDone: () => done.push(-1) });
    new Conn(h2).handshake().c2s('x').s2c('y');
    h2.table.flush();
    expect(done).toEqual([5]);
  });

  it('Want.DoneDir stops one direction only', () => {
    const h = harness();
    const c = new Conn(h).handshake();
    c.c2s('one');
    const a = h.factory.analyzers.get(0)!;
    a.answer = (_n, dir) => (dir === 0 ? Want.DoneDir : Want.More);
    c.c2s('two').s2c('x').s2c('y').c2s('three');
    h.table.flush();
    expect(a.text).toEqual(['onetwo', 'xy']);
  });

  it('attach: null then the other direction; two nulls give up', () => {
    const h = harness();
    h.factory.decide = () => ({ attach: false });
    // first bytes shorter than SNIFF_MIN_BYTES are offered again, joined with the next chunk
    new Conn(h).handshake().c2s('a').c2s('b').s2c('c').s2c('d');
    h.table.flush();
    expect(h.factory.streamCalls.map((x) => [x.dir, x.bytes])).toEqual([
      [0, 'a'],
      [0, 'ab'],
      [1, 'c'],
      [1, 'cd'],
    ]);
    expect(h.ended[0]!.bytes).toEqual([2, 2]);

    // a side is given up once SNIFF_MIN_BYTES are not recognised; a long first chunk at once
    const h1 = harness();
    h1.factory.decide = () => ({ attach: false });
    const c1 = new Conn(h1).handshake();
    for (let i = 0; i < SNIFF_MIN_BYTES + 4; i++) c1.c2s(String.fromCharCode(0x61 + (i % 26)));
    c1.s2c('x'.repeat(SNIFF_MIN_BYTES)).s2c('y');
    h1.table.flush();
    const calls = h1.factory.streamCalls.map((x) => [x.dir, x.bytes.length]);
    expect(calls).toEqual([...Array.from({ length: SNIFF_MIN_BYTES }, (_, i) => [0, i + 1]), [1, SNIFF_MIN_BYTES]]);

    const h2 = harness();
    h2.factory.decide = (_f, dir) => ({ attach: dir === 1 });
    new Conn(h2).handshake().c2s('a').c2s('b').s2c('c').c2s('e');
    h2.table.flush();
    const a = h2.factory.analyzers.get(0)!;
    expect(a.text).toEqual(['??e', 'c']);
  });
});

describe('flow ends', () => {
  it('closes on FIN both ways, counts stray packets until the linger ends, a new SYN starts a new flow', () => {
    const h = harness();
    const c = new Conn(h).handshake().c2s('hi').fin(true).fin(false);
    const a = h.factory.analyzers.get(0)!;
    expect(a.events.at(-1)?.t).toBe('end');
    expect(h.ended).toHaveLength(0);
    c.ack(true); // final ACK of the close: still counted in the flow
    expect(h.table.stats.afterClose).toBe(1);
    expect(h.table.stats.flowsCreated).toBe(1);
    const c2 = new Conn(h, '10.0.0.1', '10.0.0.2', 40000, 443, 77777, 88888);
    c2.handshake().c2s('again');
    expect(h.ended.map((f) => [f.id, f.endReason, f.packets[0], f.packets[1]])).toEqual([[0, 'fin', 5, 2]]);
    expect(h.table.stats.flowsCreated).toBe(2);
    h.table.flush();
    expect(h.ended.map((f) => [f.id, f.endReason])).toEqual([
      [0, 'fin'],
      [1, 'capture-end'],
    ]);
    expect(a.events.filter((e) => e.t === 'end')).toHaveLength(1);
  });

  it('a closed flow is reported once the linger expires; later packets start a new flow', () => {
    const h = harness({ closedLingerMicros: 5_000_000 });
    const c = new Conn(h).handshake().c2s('x').rst(false);
    expect(h.ended).toHaveLength(0);
    c.ts += 2_000_000;
    c.rst(false); // repeated RST: counted
    c.ts += 6_000_000;
    h.table.packet(pkt({ src: '10.7.7.7', dst: '10.0.0.2', sport: 1, dport: 2, proto: 'udp', payload: 'x' }), c.ts);
    expect(h.ended.map((f) => [f.endReason, f.packets[1]])).toEqual([['rst', 3]]);
    c.ts += 1000;
    c.c2s('late');
    h.table.flush();
    expect(h.ended.map((f) => [f.id, f.endReason])).toEqual([
      [0, 'rst'],
      [1, 'capture-end'],
      [2, 'capture-end'],
    ]);
    expect(h.ended[2]!.issues).toContain('tcp.midstream');
  });

  it('ends on RST and delivers what was buffered first', () => {
    const h = harness();
    const c = new Conn(h).handshake();
    const base = c.cseq;
    c.c2sAt(base, 0, 'ab');
    c.c2sAt(base, 4, 'ef');
    c.rst(false);
    h.table.flush();
    const f = h.ended[0]!;
    expect(f.endReason).toBe('rst');
    expect(h.factory.analyzers.get(0)!.text[0]).toBe('ab??ef');
  });

  it('a SYN retransmitted after a RST stays in the flow', () => {
    const h = harness();
    const syn = (ts: number): void =>
      h.table.packet(pkt({ src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 22, flags: TCP_SYN, seq: 42 }), ts);
    syn(1);
    h.table.packet(pkt({ src: '10.0.0.2', dst: '10.0.0.1', sport: 22, dport: 40000, flags: TCP_RST | TCP_ACK, ack: 43 }), 2);
    syn(3);
    h.table.flush();
    expect(h.ended.map((f) => [f.endReason, f.packets[0], f.packets[1]])).toEqual([['rst', 2, 1]]);
  });

  it('a SYN with a new ISN on a live half-closed flow starts a new flow', () => {
    const h = harness();
    new Conn(h).handshake().c2s('x').fin(true);
    new Conn(h, '10.0.0.1', '10.0.0.2', 40000, 443, 99999, 1).handshake();
    expect(h.ended.map((f) => [f.id, f.endReason])).toEqual([[0, 'fin']]);
    expect(h.table.stats.flowsCreated).toBe(2);
  });

  it('idle timeout ends TCP after 300 s and UDP after 60 s', () => {
    const h = harness();
    h.table.packet(pkt({ src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 443, flags: TCP_SYN }), 0);
    h.table.packet(pkt({ src: '10.0.0.1', dst: '10.0.0.3', sport: 5353, dport: 53, proto: 'udp', payload: 'q' }), 0);
    h.table.packet(pkt({ src: '10.9.9.9', dst: '10.0.0.3', sport: 1, dport: 2, proto: 'udp', payload: 'x' }), 61_000_000);
    expect(h.ended.map((f) => [f.id, f.endReason])).toEqual([[1, 'idle']]);
    h.table.packet(pkt({ src: '10.9.9.9', dst: '10.0.0.3', sport: 1, dport: 2, proto: 'udp', payload: 'x' }), 301_000_000);
    expect(h.ended.map((f) => [f.id, f.endReason])).toEqual([
      [1, 'idle'],
      [0, 'idle'],
      [2, 'idle'],
    ]);
    // the same TCP tuple later is a new flow
    h.table.packet(pkt({ src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 443, seq: 5, payload: 'late' }), 302_000_000);
    expect(h.table.stats.flowsCreated).toBe(5);
    expect(h.table.stats.live).toBe(2);
  });

  it('evicts when full: live never exceeds maxFlows, each flow ends exactly once', () => {
    const h = harness({ maxFlows: 8 });
    let maxLive = 0;
    for (let i = 0; i < 2000; i++) {
      const sport = 1024 + ((i * 7919) % 60000);
      const src = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      h.table.packet(pkt({ src, dst: '10.200.0.1', sport, dport: 443, flags: TCP_SYN, seq: i }), i);
      maxLive = Math.max(maxLive, h.table.stats.live);
    }
    expect(maxLive).toBe(8);
    expect(h.table.stats.flowsEvicted).toBe(1992);
    expect(h.weirds.get('flow.evicted')).toBe(1992);
    expect(h.ended.every((f) => f.endReason === 'evicted')).toBe(true);
    // eviction picks the least recently active flow
    expect(h.ended.slice(0, 5).map((f) => f.id)).toEqual([0, 1, 2, 3, 4]);
    h.table.flush();
    expect(h.ended).toHaveLength(2000);
    expect(new Set(h.ended.map((f) => f.id)).size).toBe(2000);
    expect(h.table.stats.live).toBe(0);
  });

  it('onFlowEnd is called exactly once per flow across all end reasons', () => {
    const h = harness({ maxFlows: 4 });
    const seen = new Map<number, number>();
    const onEnd = (id: number): void => void seen.set(id, (seen.get(id) ?? 0) + 1);
    new Conn(h, '10.0.0.1', '10.0.0.2', 1111, 443).handshake().c2s('a').fin(true).fin(false).ack(true);
    new Conn(h, '10.0.0.1', '10.0.0.2', 2222, 443).handshake().rst(true).rst(true);
    for (let i = 0; i < 10; i++) {
      h.table.packet(pkt({ src: '10.0.0.5', dst: '10.0.0.6', sport: 3000 + i, dport: 53, proto: 'udp', payload: 'q' }), 10 + i);
    }
    h.table.flush();
    h.table.flush();
    for (const f of h.ended) onEnd(f.id);
    expect(h.table.stats.flowsCreated).toBe(12);
    expect(seen.size).toBe(12);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    // analyzers saw onEnd once, before onFlowEnd
    for (const a of h.factory.analyzers.values()) expect(a.events.filter((e) => e.t === 'end')).toHaveLength(1);
  });
});

describe('UDP and keys', () => {
  it('UDP flows: counts, attach on the first 4 datagrams, delivery', () => {
    const h = harness();
    h.factory.decide = (_f, _d, bytes) => (bytes === 'third' ? { attach: true } : { attach: false });
    const q = (payload: string, fromClient: boolean, ts: number): void =>
      h.table.packet(
        fromClient
          ? pkt({ src: '10.0.0.1', dst: '8.8.8.8', sport: 40000, dport: 443, proto: 'udp', payload })
          : pkt({ src: '8.8.8.8', dst: '10.0.0.1', sport: 443, dport: 40000, proto: 'udp', payload }),
        ts,
      );
    q('first', true, 1);
    q('second', false, 2);
    q('third', true, 3);
    q('fourth', false, 4);
    h.table.flush();
    const a = h.factory.analyzers.get(0)!;
    expect(h.factory.dgramCalls.map((c) => c.bytes)).toEqual(['first', 'second', 'third']);
    expect(a.events.map((e) => (e.t === 'dgram' ? [e.dir, e.bytes.toString()] : e.t))).toEqual([
      [0, 'third'],
      [1, 'fourth'],
      'end',
    ]);
    const f = h.ended[0]!;
    expect(f.transport).toBe('udp');
    expect(f.clientPort).toBe(40000);
    expect(f.packets).toEqual([2, 2]);
    expect(f.bytes).toEqual([10, 12]);

    const h2 = harness();
    h2.factory.decide = () => ({ attach: false });
    for (let i = 0; i < 10; i++) {
      h2.table.packet(pkt({ src: '10.0.0.1', dst: '10.0.0.2', sport: 999, dport: 53, proto: 'udp', payload: 'x' }), i);
    }
    expect(h2.factory.dgramCalls).toHaveLength(4);
  });

  it('UDP clientIsDir:1 swaps', () => {
    const h = harness();
    h.factory.decide = () => ({ attach: true, clientIsDir: 1 });
    // provisional client: the higher port (10.0.0.2:60000); the datagram comes from the other side
    h.table.packet(pkt({ src: '10.0.0.1', dst: '10.0.0.2', sport: 4433, dport: 60000, proto: 'udp', payload: 'hello' }), 1);
    h.table.flush();
    const f = h.ended[0]!;
    expect(h.factory.dgramCalls[0]!.dir).toBe(1);
    expect([f.clientIp, f.clientPort, f.clientBy, f.swapped]).toEqual(['10.0.0.1', 4433, 'hello', true]);
    expect(f.packets).toEqual([1, 0]);
    const e = h.factory.analyzers.get(0)!.events[0]!;
    expect(e.t === 'dgram' && e.dir).toBe(0);
  });

  it('zones keep identical 5-tuples apart', () => {
    const h = harness();
    for (const zone of [0, 10, 20, 2 ** 40 + 10]) {
      new Conn(h, '10.0.0.1', '10.0.0.2', 40000, 443, 1, 1, zone).handshake().c2s('z' + zone);
    }
    h.table.flush();
    expect(h.ended).toHaveLength(4);
    expect(h.ended.map((f) => f.packets[0])).toEqual([3, 3, 3, 3]);
  });

  it('IPv6 flows, and v4/v6 or TCP/UDP with the same ports stay apart', () => {
    const h = harness();
    new Conn(h, '2001:db8::1', '2001:db8::2', 40000, 443).handshake().c2s('six');
    h.table.packet(pkt({ src: '2001:db8::1', dst: '2001:db8::2', sport: 40000, dport: 443, proto: 'udp', payload: 'u' }), 9);
    new Conn(h, '0.0.0.0', '0.0.0.0', 40000, 443).handshake();
    h.table.flush();
    expect(h.ended.map((f) => [f.clientIp, f.serverIp, f.transport])).toEqual([
      ['2001:db8::1', '2001:db8::2', 'tcp'],
      ['2001:db8::1', '2001:db8::2', 'udp'],
      ['0.0.0.0', '0.0.0.0', 'tcp'],
    ]);
  });

  it('ignores non-TCP/UDP packets and bad offsets without throwing', () => {
    const h = harness();
    const p = pkt({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2 });
    p.proto = 1;
    h.table.packet(p, 1);
    const q = pkt({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2 });
    q.dstAddrOff = 1000;
    h.table.packet(q, 2);
    const r = pkt({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2, payload: 'abc' });
    r.payloadOff = 1000; // inconsistent payload offset: counted, not delivered
    h.table.packet(r, 3);
    h.table.flush();
    expect(h.table.stats.nonFlowPackets).toBe(2);
    expect(h.weirds.get('flow.bad_address_offset')).toBe(1);
    expect(h.ended).toHaveLength(1);
    expect(h.ended[0]!.bytes[1] + h.ended[0]!.bytes[0]).toBe(3);
  });

  it('an analyzer that throws is detached and counted', () => {
    const h = harness();
    const c = new Conn(h).handshake().c2s('a');
    const a = h.factory.analyzers.get(0)!;
    a.answer = () => {
      throw new Error('boom');
    };
    c.c2s('b').c2s('c');
    h.table.flush();
    expect(a.text[0]).toBe('ab');
    expect(h.weirds.get('flow.analyzer_error')).toBe(1);
    expect(h.ended[0]!.issues).toContain('flow.analyzer_error');
    expect(h.ended[0]!.bytes[0]).toBe(3);
  });

  it('RecAnalyzer sanity', () => {
    expect(new RecAnalyzer(5).maxBytesPerDir).toBe(5);
    expect(TCP_ACK | TCP_FIN | TCP_RST).toBe(0x15);
  });
});

describe('short first bytes', () => {
  it('kept first bytes go to the analyzer with the chunk that makes them recognisable, no gap', () => {
    const h = harness();
    h.factory.decide = (_f, _dir, bytes) => ({ attach: bytes.length >= 3 });
    new Conn(h).handshake().c2s('a').c2s('b').c2s('cdef').s2c('srv');
    h.table.flush();
    const a = h.factory.analyzers.get(0)!;
    expect(a.text).toEqual(['abcdef', 'srv']);
    expect(h.ended[0]!.issues).not.toContain('tcp.gap');
  });

  it('kept first bytes are a copy: the buffer they arrived in may be reused', () => {
    const h = harness();
    h.factory.decide = (_f, _dir, bytes) => ({ attach: bytes.length >= 3 });
    const c = new Conn(h).handshake();
    const p1 = pkt({ src: c.c, dst: c.s, sport: c.cport, dport: c.sport, seq: c.cseq, ack: c.sseq, payload: 'ab' });
    h.table.packet(p1, c.ts);
    p1.buf.fill(0x7a); // the reader's chunk buffer is refilled with the next chunk of the file
    c.cseq += 2;
    c.c2s('cd');
    h.table.flush();
    expect(h.factory.analyzers.get(0)!.text[0]).toBe('abcd');
  });

  it('a hole after kept first bytes gives the side up (they are not one piece with what follows)', () => {
    const h = harness();
    h.factory.decide = (_f, _dir, bytes) => ({ attach: bytes.length >= 3 });
    const c = new Conn(h).handshake();
    const base = c.cseq;
    c.c2sAt(base, 0, 'ab').c2sAt(base, 10, 'klmnop').ack(false);
    h.table.flush();
    // the hole was given up when the flow ended: nothing was joined across it
    expect(h.factory.streamCalls.every((x) => x.bytes === 'ab' || !x.bytes.startsWith('ab'))).toBe(true);
  });
});

describe('retransmissions of delivered bytes (key-exchange analyzers keep them)', () => {
  /** an analyzer that keeps 64 bytes per direction for checking and is done after `doneAfter` chunks */
  class Verifying implements StreamAnalyzer {
    readonly name = 'verifying';
    readonly verifyBytesPerDir = 64;
    chunks = 0;
    constructor(private readonly doneAfter = 1_000) {}
    onData(): Want {
      return ++this.chunks >= this.doneAfter ? Want.DoneFlow : Want.More;
    }
    onGap(): Want {
      return Want.More;
    }
    onEnd(): void {}
  }
  function verifyingHarness(doneAfter = 1_000): Harness {
    const weirds = new Weirds();
    const ended: Flow[] = [];
    const factory: AppFactory = { attachStream: () => ({ analyzer: new Verifying(doneAfter) }), attachDatagram: () => null };
    return { table: new FlowTable({ factory, weirds, onFlowEnd: (f) => ended.push(f) }), factory: undefined as never, weirds, ended };
  }

  it('the same bytes again are no conflict; other bytes at delivered offsets are tcp.overlap_mismatch', () => {
    const h = verifyingHarness();
    const c = new Conn(h).handshake();
    const base = c.cseq;
    c.c2s('hello world').c2sAt(base, 0, 'hello world').c2sAt(base, 6, 'wor');
    h.table.flush();
    expect(h.ended[0]?.issues).toEqual([]);
    const h2 = verifyingHarness();
    const c2 = new Conn(h2).handshake();
    const base2 = c2.cseq;
    c2.c2s('hello world').c2sAt(base2, 6, 'WOR');
    h2.table.flush();
    expect(h2.ended[0]?.issues).toContain('tcp.overlap_mismatch');
  });

  it('still compared after the analyzer is done; after 10 s of capture time a differing copy is unverified', () => {
    const h = verifyingHarness(1);
    const c = new Conn(h).handshake();
    const base = c.sseq;
    c.s2c('server hello').s2cAt(base, 0, 'SERVER');
    h.table.flush();
    expect(h.ended[0]?.issues).toContain('tcp.overlap_mismatch');

    // the first packet past the deadline is not compared with bytes that should be gone
    const h2 = verifyingHarness(1);
    const c2 = new Conn(h2).handshake();
    const base2 = c2.sseq;
    c2.s2c('server hello');
    c2.ts += VERIFY_AFTER_DONE_MICROS + 1_000_000;
    c2.s2cAt(base2, 0, 'server hello');
    h2.table.flush();
    expect(h2.ended[0]?.issues).toEqual(['tcp.retransmission_unverified']);
  });

  it('a forged RST or FIN after the analyzer is done does not end the checks: the real copy after it is compared', () => {
    for (const close of ['rst', 'fin'] as const) {
      const h = verifyingHarness(1);
      const c = new Conn(h).handshake();
      const base = c.sseq;
      c.s2c('FORGED HELLO');
      if (close === 'rst') c.rst(false);
      else c.fin(true).fin(false);
      c.s2cAt(base, 0, 'server hello');
      h.table.flush();
      expect(h.ended[0]?.issues, close).toContain('tcp.overlap_mismatch');
    }
  });

  it('flows that finished long ago give their place back: 4096 idle flows do not make a new one unverified', () => {
    const h = verifyingHarness(1);
    let last: Conn | null = null;
    for (let i = 0; i < MAX_VERIFYING_FLOWS; i++) {
      last = new Conn(h, '10.0.0.1', '10.0.0.2', 10_000 + i).handshake();
      last.c2s('abc');
    }
    const later = new Conn(h, '10.0.0.1', '10.0.0.2', 9_999);
    later.ts = (last?.ts ?? 0) + 60_000_000;
    later.handshake().c2s('hello');
    later.c2sAt((later.cseq - 5) >>> 0, 0, 'hello');
    h.table.flush();
    expect(h.ended.find((f) => f.clientPort === 9_999)?.issues).toEqual([]);
  });

  it('a one-byte keep-alive at the last delivered byte is not a conflict (RFC 9293 §3.8.4)', () => {
    const h = verifyingHarness(1);
    const c = new Conn(h).handshake();
    c.c2s('hello!');
    c.c2sAt((c.cseq - 1) >>> 0, 0, new Uint8Array([0]));
    h.table.flush();
    expect(h.ended[0]?.issues).toEqual([]);
  });

  it('new bytes from a side after its own RST closed a handshake still being read are tcp.data_after_close; the peer\'s in-flight bytes are not', () => {
    const h = verifyingHarness();
    const c = new Conn(h).handshake();
    c.c2s('client hello').s2c('server').rst(true).s2c('more');
    h.table.flush();
    expect(h.ended[0]?.issues).toEqual([]);
    const h2 = verifyingHarness();
    const c2 = new Conn(h2).handshake();
    c2.c2s('client hello').rst(true).c2s('client data');
    h2.table.flush();
    expect(h2.ended[0]?.issues).toContain('tcp.data_after_close');
  });

  it('data of a side before its SYN/ACK, at another sequence base, is tcp.isn_conflict', () => {
    const h = verifyingHarness();
    const c = new Conn(h);
    c.handshake();
    // a forged server segment far from the real ISN, then the real SYN/ACK arrives (re-sent)
    const h2 = verifyingHarness();
    const cl = '10.0.0.1';
    const sv = '10.0.0.2';
    h2.table.packet(pkt({ src: cl, dst: sv, sport: 40000, dport: 443, flags: TCP_SYN, seq: 1000 }), 1);
    h2.table.packet(pkt({ src: sv, dst: cl, sport: 443, dport: 40000, flags: TCP_ACK, seq: 900_000, ack: 1001, payload: 'forged' }), 2);
    h2.table.packet(pkt({ src: sv, dst: cl, sport: 443, dport: 40000, flags: TCP_SYN | TCP_ACK, seq: 5000, ack: 1001 }), 3);
    h2.table.flush();
    expect(h2.ended[0]?.issues).toContain('tcp.isn_conflict');
    h.table.flush();
    expect(h.ended[0]?.issues).toEqual([]);
  });

  it('a new SYN on a 5-tuple that never closed marks the old flow tcp.isn_conflict', () => {
    const h = verifyingHarness();
    const c = new Conn(h).handshake();
    c.c2s('client hello').s2c('server hello');
    h.table.packet(pkt({ src: c.c, dst: c.s, sport: c.cport, dport: c.sport, flags: TCP_SYN, seq: 777_777 }), c.ts);
    h.table.flush();
    expect(h.ended[0]?.issues).toContain('tcp.isn_conflict');
  });

  it('a second SYN/ACK with another ISN is tcp.isn_conflict', () => {
    const h = verifyingHarness();
    const c = new Conn(h);
    c.handshake();
    h.table.packet(pkt({ src: c.s, dst: c.c, sport: c.sport, dport: c.cport, flags: TCP_SYN | TCP_ACK, seq: 99_999, ack: c.cseq }), c.ts);
    h.table.flush();
    expect(h.ended[0]?.issues).toContain('tcp.isn_conflict');
    // a retransmitted SYN/ACK with the same ISN is not
    const h2 = verifyingHarness();
    const c2 = new Conn(h2);
    c2.handshake();
    h2.table.packet(pkt({ src: c2.s, dst: c2.c, sport: c2.sport, dport: c2.cport, flags: TCP_SYN | TCP_ACK, seq: 5000, ack: c2.cseq }), c2.ts);
    h2.table.flush();
    expect(h2.ended[0]?.issues).not.toContain('tcp.isn_conflict');
  });

  it(`past ${MAX_VERIFYING_FLOWS} flows keeping bytes, a retransmission that cannot be compared says so`, () => {
    const h = verifyingHarness();
    const conns: Conn[] = [];
    for (let i = 0; i <= MAX_VERIFYING_FLOWS; i++) {
      const c = new Conn(h, '10.0.0.1', '10.0.0.2', 10_000 + i).handshake();
      c.c2s('abc');
      conns.push(c);
    }
    const last = conns[MAX_VERIFYING_FLOWS] as Conn;
    last.c2sAt((last.cseq - 3) >>> 0, 0, 'abc'); // the same bytes, but nothing to compare them with
    // past the cap, a finished flow (its analyzer done) still says a copy could not be compared
    const h2 = verifyingHarness(1);
    for (let i = 0; i < MAX_VERIFYING_FLOWS; i++) new Conn(h2, '10.0.0.1', '10.0.0.2', 10_000 + i).handshake().c2s('abc');
    const done = new Conn(h2, '10.0.0.1', '10.0.0.2', 9_000).handshake();
    const sb = done.sseq;
    done.s2c('FORGED-SH').s2cAt(sb, 0, 'real--sh!');
    h2.table.flush();
    expect(h2.ended.find((f) => f.clientPort === 9_000)?.issues).toEqual(['tcp.retransmission_unverified']);
    const first = conns[0] as Conn;
    first.c2sAt((first.cseq - 3) >>> 0, 0, 'abc');
    h.table.flush();
    const byPort = new Map(h.ended.map((f) => [f.clientPort, f]));
    expect(byPort.get(10_000 + MAX_VERIFYING_FLOWS)?.issues).toEqual(['tcp.retransmission_unverified']);
    expect(byPort.get(10_000)?.issues).toEqual([]);
  });

  it('a gap while keeping: what follows it is not kept, and a later copy of it is unverified (a forged gap cannot switch the checks off)', () => {
    const h = verifyingHarness(2);
    const c = new Conn(h).handshake();
    c.c2s('hello');
    const at = c.cseq;
    c.c2sAt(at, 0, '', 1); // one byte on the wire, none captured: a gap
    c.c2sAt(at, 1, 'FORGED'); // the analyzer is done on this chunk
    c.c2sAt(at, 0, 'xREAL!!');
    h.table.flush();
    expect(h.ended[0]?.issues).toContain('tcp.retransmission_unverified');
  });

  it('new bytes whose sequence numbers wrapped onto the handshake are not copies of it', () => {
    const h = verifyingHarness(1);
    const c = new Conn(h).handshake();
    const base = c.sseq;
    c.s2c('x'.repeat(2000));
    c.ts += VERIFY_AFTER_DONE_MICROS + 1_000_000;
    // 4 GiB of server data, in steps the serial arithmetic follows
    for (let k = 1; k <= 4; k++) c.s2cAt((base + k * 0x40000000 - 1) >>> 0, 0, 'y');
    c.s2cAt((base + 1000) >>> 0, 0, 'after the wrap');
    h.table.flush();
    expect(h.ended[0]?.issues).toEqual([]);
  });

  it('the deadline queues stay bounded when capture time does not advance', () => {
    const weirds = new Weirds();
    const ended: Flow[] = [];
    const factory: AppFactory = { attachStream: () => ({ analyzer: new Verifying(1) }), attachDatagram: () => null };
    const table = new FlowTable({ factory, weirds, onFlowEnd: (f) => ended.push(f), maxFlows: 500 });
    for (let i = 0; i < 20_000; i++) {
      const port = 1024 + (i % 60_000);
      const cl = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      table.packet(pkt({ src: cl, dst: '10.9.9.9', sport: port, dport: 443, flags: TCP_SYN, seq: 100 }), 5);
      table.packet(pkt({ src: cl, dst: '10.9.9.9', sport: port, dport: 443, flags: TCP_ACK, seq: 101, payload: 'hello' }), 5);
    }
    expect(table.verifyDeadlines).toBeLessThanOrEqual(2 * (2 * MAX_VERIFYING_FLOWS + 1024) + 2);
    table.flush();
    expect(table.verifyDeadlines).toBe(0);
  });
  it('a forged close then a forged SYN cannot move the real bytes to a new flow unchecked: the old flow is tcp.isn_conflict', () => {
    const h = verifyingHarness(1);
    const c = new Conn(h).handshake();
    c.s2c('FORGED HELLO').rst(false);
    h.table.packet(pkt({ src: c.c, dst: c.s, sport: c.cport, dport: c.sport, flags: TCP_SYN, seq: 555_555 }), c.ts);
    h.table.flush();
    expect(h.ended[0]?.issues).toContain('tcp.isn_conflict');
  });

  it('a flow pushed out of a full table while its bytes are still checked is tcp.retransmission_unverified', () => {
    const weirds = new Weirds();
    const ended: Flow[] = [];
    const factory: AppFactory = { attachStream: () => ({ analyzer: new Verifying(1) }), attachDatagram: () => null };
    const table = new FlowTable({ factory, weirds, onFlowEnd: (f) => ended.push(f), maxFlows: 4 });
    const h: Harness = { table, factory: undefined as never, weirds, ended };
    new Conn(h, '10.0.0.1', '10.0.0.2', 5000).handshake().s2c('server hello');
    for (let i = 0; i < 4; i++) table.packet(pkt({ src: '10.7.0.1', dst: '10.0.0.2', sport: 6000 + i, dport: 443, flags: TCP_SYN, seq: 1 }), 1_100_000);
    table.flush();
    expect(ended.find((f) => f.clientPort === 5000)?.issues).toEqual(['tcp.retransmission_unverified']);
  });

  it('after a flow ended, a keep-alive or the retransmitted FIN tail of its connection is no conflict', () => {
    const conflicts: number[] = [];
    const weirds = new Weirds();
    const ended: Flow[] = [];
    const factory: AppFactory = { attachStream: () => ({ analyzer: new Verifying(1) }), attachDatagram: () => null };
    const table = new FlowTable({ factory, weirds, onFlowEnd: (f) => ended.push(f), onFlowConflict: (id) => conflicts.push(id) });
    const h: Harness = { table, factory: undefined as never, weirds, ended };
    const c = new Conn(h).handshake();
    c.c2s('client hello');
    const tail = c.sseq;
    c.s2c('server hello, last bytes', TCP_ACK | TCP_FIN);
    c.ts += 400_000_000; // past the idle timeout: the flow ends when the next packet comes
    c.c2sAt((c.cseq - 1) >>> 0, 0, new Uint8Array([0])); // keep-alive
    c.s2cAt(tail, 0, 'server hello, last bytes', TCP_ACK | TCP_FIN); // the FIN tail again
    table.flush();
    expect(conflicts).toEqual([]);
    expect(ended.flatMap((f) => f.issues)).not.toContain('tcp.isn_conflict');
    // the same connection's handshake bytes again, in a new flow: a conflict with the ended one
    const c2 = new Conn(h, '10.0.0.1', '10.0.0.2', 41000).handshake();
    const at = c2.sseq;
    c2.s2c('server hello');
    c2.ts += 400_000_000;
    c2.s2cAt(at, 0, 'SERVER HELLO');
    table.flush();
    expect(conflicts.length).toBe(1);
  });
});

describe('flow issues', () => {
  it('past MAX_FLOW_ISSUES other codes, the ones that withhold hybrid/pq claims are still recorded', () => {
    const h = harness();
    new Conn(h).handshake().c2s('x');
    h.table.flush();
    const f = h.ended[0] as Flow;
    for (let i = 0; i < MAX_FLOW_ISSUES + 4; i++) addFlowIssue(f, `quic.junk_${i}`);
    expect(f.issues.length).toBe(MAX_FLOW_ISSUES);
    addFlowIssue(f, 'tcp.overlap_mismatch');
    addFlowIssue(f, 'quic.crypto_unverified');
    addFlowIssue(f, 'tcp.overlap_mismatch');
    expect(f.issues.slice(MAX_FLOW_ISSUES)).toEqual(['tcp.overlap_mismatch', 'quic.crypto_unverified']);
  });

});
