/**
 * A line that arrives one byte per TCP segment (hostile or pathological senders) is joined into
 * one growing copy (amortised linear work): the result is exact.
 */
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../core/mcp/lines.js';
import { GrowBuffer } from '../../core/util/growbuf.js';

describe('lines split into 1-byte segments', () => {
  it('GrowBuffer keeps the bytes exactly across growth', () => {
    const g = new GrowBuffer();
    for (let i = 0; i < 10_000; i++) g.push(Uint8Array.of(i & 0xff));
    expect(g.length).toBe(10_000);
    const v = g.view();
    for (let i = 0; i < 10_000; i += 997) expect(v[i]).toBe(i & 0xff);
    g.clear();
    expect(g.length).toBe(0);
  });

  it('LineSplitter joins a 200 KB NDJSON line sent byte by byte', () => {
    const msg = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 't', arguments: { blob: 'x'.repeat(200_000) } } });
    const bytes = Buffer.from(`${msg}\n`);
    const lines: string[] = [];
    const s = new LineSplitter(1 << 20, (l) => lines.push(Buffer.from(l).toString()), () => lines.push('OVERFLOW'));
    const reused = Buffer.alloc(1);
    for (const b of bytes) {
      reused[0] = b; // the same buffer every time, as the reader reuses its chunk
      s.push(reused);
    }
    expect(lines).toEqual([msg]);
  });
});
