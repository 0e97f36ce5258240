/**
 * A first segment too short to say what a stream is (a ClientHello whose record header is split
 * across TCP segments, as some clients and DPI-evasion tools do) must not cost the handshake:
 * the flow table waits for enough bytes before choosing an analyzer, and the TLS analyzer reads
 * any split of its input alike.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowTable } from '../../core/flow/table.js';
import type { Flow } from '../../core/flow/types.js';
import { createAppFactory } from '../../core/app/dispatch.js';
import { Weirds } from '../../core/util/weirds.js';
import { classifyTls } from '../../core/tls/classify.js';
import { Conn } from '../flow/helpers.js';
import type { Harness } from '../flow/helpers.js';
import { tcpConnections } from '../tls/pcap-walk.js';

const PUBLIC = path.resolve(__dirname, '../../../shared/captures/public');

function pipeline(): Harness {
  const weirds = new Weirds();
  const ended: Flow[] = [];
  const table = new FlowTable({ factory: createAppFactory({ weirds }), weirds, onFlowEnd: (f) => ended.push(f) });
  // the Harness's factory is only used by tests that script it; this one runs the real dispatcher
  return { table, factory: undefined as never, weirds, ended };
}

/** the connection's events replayed with the first event of `splitDir` cut after `at` bytes */
function replay(capture: string, splitDir: 0 | 1, at: number): Flow {
  const conn = tcpConnections(path.join(PUBLIC, capture))[0];
  if (conn === undefined) throw new Error(`${capture}: no TCP connection`);
  const h = pipeline();
  const c = new Conn(h).handshake();
  let split = false;
  for (const e of conn.events) {
    const send = (d: Uint8Array): Conn => (e.dir === 0 ? c.c2s(d) : c.s2c(d));
    if (!split && e.dir === splitDir) {
      split = true;
      send(e.data.subarray(0, at));
      send(e.data.subarray(at));
    } else send(e.data);
  }
  c.fin(true).fin(false);
  h.table.flush();
  const f = h.ended[0];
  if (f === undefined) throw new Error('no flow ended');
  return f;
}

describe('a first segment of a few bytes', () => {
  const whole = replay('zeek__ecdhe.pcap', 0, 100_000);
  const wholeKex = classifyTls(whole.tls);

  it('the unsplit connection is a classified TLS 1.2 ECDHE handshake', () => {
    expect(whole.app).toBe('tls');
    expect(wholeKex.negotiated).toBe('classical');
    expect(whole.tls?.clientHello).not.toBeNull();
  });

  for (const at of [1, 2, 3, 4, 5, 6, 9]) {
    it(`ClientHello split after ${at} byte(s): the same handshake`, () => {
      const f = replay('zeek__ecdhe.pcap', 0, at);
      expect(f.app).toBe('tls');
      expect(f.clientBy).toBe(whole.clientBy);
      expect(f.tls?.clientHello).toEqual(whole.tls?.clientHello);
      expect(classifyTls(f.tls)).toEqual(wholeKex);
      expect(f.issues).toEqual(whole.issues);
    });
    it(`server flight split after ${at} byte(s): the same handshake`, () => {
      const f = replay('zeek__ecdhe.pcap', 1, at);
      expect(f.tls?.serverHello).toEqual(whole.tls?.serverHello);
      expect(classifyTls(f.tls)).toEqual(wholeKex);
      expect(f.issues).toEqual(whole.issues);
    });
  }

  for (const at of [1, 2, 3]) {
    it(`SSL 2.0 CLIENT-HELLO split after ${at} byte(s): still SSL 2.0`, () => {
      const ref = replay('zeek__ssl-v2.pcap', 0, 100_000);
      const f = replay('zeek__ssl-v2.pcap', 0, at);
      expect(ref.tls?.clientHello?.sslv2).toBe(true);
      expect(f.tls?.clientHello).toEqual(ref.tls?.clientHello);
      expect(classifyTls(f.tls)).toEqual(classifyTls(ref.tls));
    });
    it(`SSL 2.0 SERVER-HELLO split after ${at} byte(s): still SSL 2.0`, () => {
      const ref = replay('zeek__ssl-v2.pcap', 1, 100_000);
      const f = replay('zeek__ssl-v2.pcap', 1, at);
      expect(f.tls?.serverHello).toEqual(ref.tls?.serverHello);
      expect(classifyTls(f.tls)).toEqual(classifyTls(ref.tls));
    });
  }
});
