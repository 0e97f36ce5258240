import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FlowKeyIndex } from '../../core/flow/keyindex.js';
import { RECENT_MICROS, RecentHandshakes } from '../../core/flow/recent.js';
import { pkt } from './helpers.js';
import { collidingEndpoints } from './collide.js';

const SEED = 0x5eed;

/** a key index with the key of one packet (src → dst) in slot 0 */
function keyed(src: string, sport: number, dst: string, dport: number, zone = 0): FlowKeyIndex {
  const idx = new FlowKeyIndex(4, SEED);
  idx.load(pkt({ src, dst, sport, dport, zone }));
  idx.insert(0);
  return idx;
}

describe('RecentHandshakes', () => {
  it('gives a new flow the ended flow of its key, in the new flow\'s orientation, once', () => {
    const r = new RecentHandshakes();
    // ended flow: A = client 10.0.0.1:40000, B = server 192.0.2.1:443
    r.remember(keyed('10.0.0.1', 40000, '192.0.2.1', 443), 0, 7, 1_000, 100, 600, 5_000, 9_000);
    expect(r.size).toBe(1);
    // the new flow's first packet comes from the server: its side 0 is the server
    const m = r.take(keyed('192.0.2.1', 443, '10.0.0.1', 40000), 0, 2_000);
    expect(m).toEqual({ id: 7, base0: 5_000, next0: 9_000, base1: 100, next1: 600 });
    expect(r.size).toBe(0);
    expect(r.take(keyed('10.0.0.1', 40000, '192.0.2.1', 443), 0, 2_000)).toBeNull();
  });

  it('keeps flows of other ports, zones and addresses apart, and forgets after RECENT_MICROS', () => {
    const r = new RecentHandshakes();
    r.remember(keyed('10.0.0.1', 40000, '192.0.2.1', 443), 0, 1, 0, 1, 2, 3, 4);
    expect(r.take(keyed('10.0.0.1', 40001, '192.0.2.1', 443), 0, 1)).toBeNull();
    expect(r.take(keyed('10.0.0.1', 40000, '192.0.2.1', 443, 5), 0, 1)).toBeNull();
    expect(r.take(keyed('10.0.0.2', 40000, '192.0.2.1', 443), 0, 1)).toBeNull();
    expect(r.take(keyed('10.0.0.1', 40000, '192.0.2.1', 443), 0, RECENT_MICROS + 1)).toBeNull();
    expect(r.size).toBe(0);
  });

  it('a second ended flow of the same key replaces the first', () => {
    const r = new RecentHandshakes();
    r.remember(keyed('10.0.0.1', 40000, '192.0.2.1', 443), 0, 1, 0, 1, 2, 3, 4);
    r.remember(keyed('192.0.2.1', 443, '10.0.0.1', 40000), 0, 2, 10, 11, 12, 13, 14);
    expect(r.size).toBe(1);
    expect(r.take(keyed('10.0.0.1', 40000, '192.0.2.1', 443), 0, 20)).toEqual({ id: 2, base0: 13, next0: 14, base1: 11, next1: 12 });
  });

  it('tells apart keys whose hashes collide', () => {
    // two keys with the same direction-symmetric hash under SEED (the test checks it)
    const [x, y] = collidingEndpoints(SEED, 2);
    const a = () => keyed(x!.ip, x!.port, '192.0.2.1', 443);
    const b = () => keyed(y!.ip, y!.port, '192.0.2.1', 443);
    expect(a().keyHash(0)).toBe(b().keyHash(0));
    const r = new RecentHandshakes(2);
    r.remember(a(), 0, 1, 0, 1, 1, 1, 1);
    r.remember(b(), 0, 2, 0, 2, 2, 2, 2);
    expect(r.take(a(), 0, 1)?.id).toBe(1);
    r.remember(a(), 0, 3, 0, 3, 3, 3, 3); // into the freed record
    expect(r.take(b(), 0, 1)?.id).toBe(2);
    r.remember(b(), 0, 4, 0, 4, 4, 4, 4);
    r.remember(a(), 0, 5, 0, 5, 5, 5, 5); // replaces a's 3; the chain is a5 → b4
    expect(r.take(b(), 0, 1)?.id).toBe(4);
    expect(r.take(a(), 0, 1)?.id).toBe(5);
    r.remember(a(), 0, 6, 0, 6, 6, 6, 6);
    r.remember(b(), 0, 7, 0, 7, 7, 7, 7); // chain b7 → a6
    r.remember(keyed('10.9.9.9', 1, '192.0.2.9', 2), 0, 8, 0, 8, 8, 8, 8); // the ring overwrites a6, the chain's tail
    expect(r.take(a(), 0, 1)).toBeNull();
    expect(r.take(b(), 0, 1)?.id).toBe(7);
    r.clear();
    expect(r.size).toBe(0);
  });

  it('agrees with a model under random remember / take / clear (ring of 8 records)', () => {
    const CAP = 8;
    const keyOf = (k: number, rev: boolean): FlowKeyIndex => {
      const c = `10.0.${k & 3}.1`;
      const s = `192.0.2.${k >> 2}`;
      return rev ? keyed(s, 443, c, 40000 + (k & 1)) : keyed(c, 40000 + (k & 1), s, 443);
    };
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('remember', 'take', 'clear'), fc.integer({ min: 0, max: 23 }), fc.boolean()), { maxLength: 200 }),
        (ops) => {
          const r = new RecentHandshakes(CAP);
          // model: key → { write number, id, rev }; the ring overwrites by write number
          const model = new Map<number, { w: number; id: number; rev: boolean }>();
          let writes = 0;
          let id = 0;
          for (const [op, k, rev] of ops) {
            if (op === 'clear') {
              r.clear();
              model.clear();
              writes = 0;
            } else if (op === 'remember') {
              id++;
              r.remember(keyOf(k, rev), 0, id, 0, id, id + 1, id + 2, id + 3);
              model.set(k, { w: writes, id, rev });
              writes++;
              for (const [mk, e] of model) if (e.w + CAP <= writes - 1 && e.w % CAP === (writes - 1) % CAP) model.delete(mk);
            } else {
              const got = r.take(keyOf(k, rev), 0, 0);
              const e = model.get(k);
              model.delete(k);
              if (e === undefined) {
                expect(got).toBeNull();
              } else {
                const flip = e.rev !== rev;
                expect(got).toEqual({
                  id: e.id,
                  base0: flip ? e.id + 2 : e.id, next0: flip ? e.id + 3 : e.id + 1,
                  base1: flip ? e.id : e.id + 2, next1: flip ? e.id + 1 : e.id + 3,
                });
              }
            }
            expect(r.size).toBe(model.size);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
