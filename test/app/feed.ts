/** Test helper: drive a stream analyzer with [direction, bytes] steps, honouring its Want answers. */
import { Want } from '../../core/flow/types.js';
import type { Dir, Flow, StreamAnalyzer } from '../../core/flow/types.js';

/**
 * Feeds each step in pieces of `piece` bytes (Infinity: whole), stops a direction on DoneDir and
 * both on DoneFlow, then ends the flow. Returns every Want the analyzer answered.
 */
export function feedSteps(a: StreamAnalyzer, f: Flow, steps: ReadonlyArray<[Dir, Uint8Array]>, piece = Infinity): Want[] {
  const wants: Want[] = [];
  const stopped = [false, false];
  for (const [dir, bytes] of steps) {
    for (let i = 0; i < bytes.length && !stopped[dir]; i += piece) {
      const w = a.onData(f, dir, bytes.subarray(i, Math.min(bytes.length, i + piece)), 0);
      wants.push(w);
      if (w === Want.DoneDir) stopped[dir] = true;
      if (w === Want.DoneFlow) stopped[0] = stopped[1] = true;
    }
  }
  a.onEnd(f);
  return wants;
}
