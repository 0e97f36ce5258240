import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Conn, harness, pkt } from './helpers.js';
import { FlowKeyIndex } from '../../core/flow/keyindex.js';

/** A stream, cut into segments, with some retransmitted sub-ranges, in a random order. */
const scenario = fc
  .record({
    text: fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), minLength: 1, maxLength: 200 }),
    isn: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0xffffff00, max: 0xffffffff })),
    cuts: fc.array(fc.nat(), { maxLength: 30 }),
    dups: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 })), { maxLength: 8 }),
    order: fc.array(fc.nat(), { maxLength: 60 }),
  })
  .map(({ text, isn, cuts, dups, order }) => {
    const n = text.length;
    const points = [...new Set(cuts.map((c) => c % n))].filter((c) => c > 0).sort((x, y) => x - y);
    const bounds = [0, ...points, n];
    const segs: [number, number][] = [];
    for (let i = 0; i + 1 < bounds.length; i++) segs.push([bounds[i]!, bounds[i + 1]!]);
    for (const [s, l] of dups) {
      const a = s % n;
      segs.push([a, Math.min(n, a + l + 1)]);
    }
    // Fisher-Yates driven by `order`
    for (let i = segs.length - 1; i > 0; i--) {
      const j = (order[i % Math.max(1, order.length)] ?? 0) % (i + 1);
      const t = segs[i]!;
      segs[i] = segs[j]!;
      segs[j] = t;
    }
    return { text, isn, segs };
  });

describe('reassembly properties', () => {
  it('any segment order (with retransmitted overlaps) reassembles to the in-order bytes', () => {
    fc.assert(
      fc.property(scenario, ({ text, isn, segs }) => {
        const h = harness();
        const c = new Conn(h, '10.0.0.1', '10.0.0.2', 40000, 443, isn, 7).handshake();
        const base = c.cseq;
        for (const [s, e] of segs) c.c2sAt(base, s, text.slice(s, e));
        h.table.flush();
        const f = h.ended[0]!;
        expect(h.factory.analyzers.get(0)!.text[0]).toBe(text);
        expect(f.bytes[0]).toBe(text.length);
        expect(f.issues).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('with a tiny out-of-order buffer, delivered bytes are a gapped copy of the stream', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 16 }), ({ text, isn, segs }, cap) => {
        const h = harness({ maxOooBytesPerDir: cap, maxOooSegmentsPerDir: 4 });
        const c = new Conn(h, '10.0.0.1', '10.0.0.2', 40000, 443, isn, 7).handshake();
        const base = c.cseq;
        for (const [s, e] of segs) c.c2sAt(base, s, text.slice(s, e));
        c.c2sAt(base, text.length, '', undefined, 0x11); // FIN|ACK after the last byte
        c.fin(false);
        h.table.flush();
        const f = h.ended[0]!;
        expect(f.endReason).toBe('fin');
        const got = h.factory.analyzers.get(0)!.text[0];
        expect(got.length).toBe(text.length);
        for (let i = 0; i < got.length; i++) if (got[i] !== '?') expect(got[i]).toBe(text[i]);
        expect(f.bytes[0]).toBe(text.length);
      }),
      { numRuns: 300 },
    );
  });

  it('the key index agrees with a Map under random inserts and removals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 }), fc.boolean()), { maxLength: 300 }),
        (ops) => {
          const cap = 64;
          const idx = new FlowKeyIndex(cap);
          const model = new Map<number, number>(); // key id -> slot
          const free: number[] = [];
          for (let i = cap - 1; i >= 0; i--) free.push(i);
          const packetFor = (k: number, reverse: boolean) => {
            const a = `10.0.${k & 3}.1`;
            const b = `10.1.0.${k >> 2}`;
            return reverse
              ? pkt({ src: b, dst: a, sport: 443, dport: 1000 + (k & 1), zone: k % 3 })
              : pkt({ src: a, dst: b, sport: 1000 + (k & 1), dport: 443, zone: k % 3 });
          };
          for (const [ins, k, rev] of ops) {
            expect(idx.load(packetFor(k, rev))).toBe(true);
            const found = idx.find();
            const want = model.get(k);
            expect(found).toBe(want ?? -1);
            if (want !== undefined) expect(idx.side).toBe(rev ? 1 : 0);
            if (ins && want === undefined) {
              const slot = free.pop()!;
              idx.load(packetFor(k, false));
              idx.insert(slot);
              model.set(k, slot);
            } else if (!ins && want !== undefined) {
              idx.remove(want);
              model.delete(k);
              free.push(want);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('hostile packet sequences', () => {
  it('never throw, keep live <= maxFlows and end every flow exactly once', () => {
    const packet = fc.record({
      host: fc.integer({ min: 0, max: 5 }),
      peer: fc.integer({ min: 0, max: 2 }),
      sport: fc.constantFrom(22, 443, 40000, 40001),
      dport: fc.constantFrom(22, 443, 40000),
      udp: fc.boolean(),
      flags: fc.integer({ min: 0, max: 0x3f }),
      seq: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 64 })),
      payload: fc.uint8Array({ maxLength: 40 }),
      extraWire: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100000 })),
      dt: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 400_000_000 })),
      zone: fc.constantFrom(0, 1),
    });
    fc.assert(
      fc.property(fc.array(packet, { maxLength: 200 }), fc.integer({ min: 1, max: 6 }), (pkts, maxFlows) => {
        const h = harness({ maxFlows, streamBytes: 64, maxOooBytesPerDir: 32, closedLingerMicros: 1_000_000 });
        let ts = 0;
        let maxLive = 0;
        for (const q of pkts) {
          ts += q.dt;
          const p = pkt({
            src: `10.0.0.${q.host}`,
            dst: `10.0.1.${q.peer}`,
            sport: q.sport,
            dport: q.dport,
            proto: q.udp ? 'udp' : 'tcp',
            flags: q.flags,
            seq: q.seq,
            ack: q.seq ^ 0x5555,
            payload: q.payload,
            wireLen: q.payload.length + q.extraWire,
            zone: q.zone,
          });
          h.table.packet(p, ts);
          maxLive = Math.max(maxLive, h.table.stats.live);
        }
        h.table.flush();
        expect(maxLive).toBeLessThanOrEqual(maxFlows);
        expect(h.ended).toHaveLength(h.table.stats.flowsCreated);
        expect(new Set(h.ended.map((f) => f.id)).size).toBe(h.ended.length);
        for (const a of h.factory.analyzers.values()) {
          expect(a.text[0].length).toBeLessThanOrEqual(64);
          expect(a.text[1].length).toBeLessThanOrEqual(64);
          expect(a.events.filter((e) => e.t === 'end')).toHaveLength(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
