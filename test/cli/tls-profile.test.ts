/** attributeTls over hand-built CPU profiles: which samples count as TLS decoding, classification, other TLS, GC */
import { describe, expect, it } from 'vitest';
import { attributeTls } from '../../cli/tls-profile.js';
import type { CpuProfile } from '../../cli/tls-profile.js';

const D = 'file:///x/dist/core';
type N = CpuProfile['nodes'][number];
const node = (id: number, functionName: string, url: string, children: number[] = []): N => ({ id, callFrame: { functionName, url }, children });

//   1 (root)
//   ├─ 2 (garbage collector)   ├─ 3 (idle)   ├─ 4 (program)
//   └─ 5 scanInputs core/scan.js
//      ├─ 6 onData core/tls/analyzer.js ─ 7 decodeClientHello core/tls/hello.js ─ 8 subarray node:buffer
//      ├─ 9 doneFlow core/scan.js ─ 10 tlsPartOf core/report/build.js ─ 11 classifyTlsKex core/tls/classify.js
//      ├─ 12 onData core/quic/analyzer.js ─ 13 decodeClientHello core/tls/hello.js
//      ├─ 14 assessFlow core/risk/score.js
//      └─ 15 tlsPartOf core/other/build.js (same name, other file: not TLS)
const PROFILE: CpuProfile = {
  nodes: [
    node(1, '(root)', '', [2, 3, 4, 5]),
    node(2, '(garbage collector)', ''),
    node(3, '(idle)', ''),
    node(4, '(program)', ''),
    node(5, 'scanInputs', `${D}/scan.js`, [6, 9, 12, 14, 15]),
    node(6, 'onData', `${D}/tls/analyzer.js`, [7]),
    node(7, 'decodeClientHello', `${D}/tls/hello.js`, [8]),
    node(8, 'subarray', 'node:buffer'),
    node(9, 'doneFlow', `${D}/scan.js`, [10]),
    node(10, 'tlsPartOf', `${D}/report/build.js`, [11]),
    node(11, 'classifyTlsKex', `${D}/tls/classify.js`),
    node(12, 'onData', `${D}/quic/analyzer.js`, [13]),
    node(13, 'decodeClientHello', `${D}/tls/hello.js`),
    node(14, 'assessFlow', `${D}/risk/score.js`),
    node(15, 'tlsPartOf', `${D}/other/build.js`),
  ],
  // µs before each sample
  samples: [2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 14, 15, 9],
  timeDeltas: [1000, 5000, 7000, 100, 200, 300, 400, 500, 600, 700, 800, 900, 50],
};

describe('attributeTls', () => {
  it('splits the samples into TLS decoding, classification, other TLS, other code and GC', () => {
    const p = attributeTls(PROFILE);
    expect(p.gcMs).toBeCloseTo(1.0, 6);
    // nodes 6, 7, 8: everything under the stream analyzer, Node's own functions included
    expect(p.decodeMs).toBeCloseTo(0.9, 6);
    // nodes 10, 11: under tlsPartOf, core/tls frames below it included
    expect(p.classifyMs).toBeCloseTo(1.1, 6);
    // + node 13 (a TLS decoder under the QUIC analyzer)
    expect(p.tlsMs).toBeCloseTo(2.7, 6);
    // idle and program left out: GC 1.0 + 5 0.1 + TLS 2.7 + 14 0.8 + 15 0.9 + 9 0.05
    expect(p.sampledMs).toBeCloseTo(5.55, 6);
  });

  it('an empty profile, samples of unknown nodes and negative deltas count nothing', () => {
    expect(attributeTls({ nodes: [] })).toEqual({ sampledMs: 0, tlsMs: 0, decodeMs: 0, classifyMs: 0, gcMs: 0 });
    const p = attributeTls({ nodes: [node(1, '(root)', '', [2]), node(2, 'f', `${D}/tls/hello.js`)], samples: [99, 2, 2], timeDeltas: [500, -20, 300] });
    expect(p.tlsMs).toBeCloseTo(0.3, 6);
    expect(p.sampledMs).toBeCloseTo(0.8, 6);
  });

  it('a parent cycle in a damaged profile ends', () => {
    const p = attributeTls({ nodes: [node(1, 'a', `${D}/x.js`, [2]), node(2, 'b', `${D}/tls/hello.js`, [1])], samples: [1, 2], timeDeltas: [100, 100] });
    expect(p.sampledMs).toBeCloseTo(0.2, 6);
  });
});
