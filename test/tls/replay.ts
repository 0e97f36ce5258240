/** Test-only: replay a walked TCP connection through a TlsAnalyzer, honouring its Want answers. */
import { TlsAnalyzer } from '../../core/tls/analyzer.js';
import { Want } from '../../core/flow/types.js';
import type { Flow } from '../../core/flow/types.js';
import type { TcpConn } from './pcap-walk.js';
import { fakeFlow } from './helpers.js';

export function replay(conn: TcpConn, swap = false, seek = false): Flow {
  const flow = fakeFlow();
  const a = new TlsAnalyzer({ seekHandshake: seek });
  const doneDir = [false, false];
  let doneAll = false;
  for (const ev of conn.events) {
    if (doneAll) break;
    const dir = (swap ? 1 - ev.dir : ev.dir) as 0 | 1;
    if (doneDir[dir]) continue;
    const w = a.onData(flow, dir, ev.data, 0);
    if (w === Want.DoneFlow) doneAll = true;
    else if (w === Want.DoneDir) doneDir[dir] = true;
  }
  a.onEnd(flow);
  return flow;
}

