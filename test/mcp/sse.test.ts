import { describe, expect, it } from 'vitest';
import { SseParser } from '../../core/http/sse.js';
import type { SseEvent } from '../../core/http/sse.js';
import { enc } from './helpers.js';

function run(chunks: Uint8Array[], opts = {}): { evs: SseEvent[]; issues: string[] } {
  const evs: SseEvent[] = [];
  const issues: string[] = [];
  const p = new SseParser((e) => evs.push(e), (c) => issues.push(c), opts);
  for (const c of chunks) p.push(c);
  return { evs, issues };
}

const STREAM =
  '\ufeff: keep-alive comment\r\n' +
  'event: endpoint\r\ndata: /messages?sessionId=abc\r\n\r\n' +
  'id: 7\nretry: 3000\ndata: {"a":\ndata:  1}\n\n' +
  'data:x\r\rdata: last\r\n\r\n' +
  'id: 9\n\n' + // no data: not dispatched
  'data: incomplete';

describe('SseParser (WHATWG event stream)', () => {
  const expected = [
    { event: 'endpoint', data: '/messages?sessionId=abc', id: null, retry: null },
    { event: '', data: '{"a":\n 1}', id: '7', retry: 3000 },
    { event: '', data: 'x', id: '7', retry: 3000 },
    { event: '', data: 'last', id: '7', retry: 3000 },
  ];
  it('parses fields, multi-line data, comments, CR / LF / CRLF endings', () => {
    const { evs } = run([enc(STREAM)]);
    expect(evs.map(({ event, data, id, retry }) => ({ event, data, id, retry }))).toEqual(expected);
  });
  it('emits identical events when split at every byte position', () => {
    const all = enc(STREAM);
    for (let i = 0; i <= all.length; i++) {
      const { evs } = run([all.subarray(0, i), all.subarray(i)]);
      expect(evs.map(({ event, data, id, retry }) => ({ event, data, id, retry }))).toEqual(expected);
    }
  });
  it('emits each event as soon as it completes', () => {
    const evs: SseEvent[] = [];
    const p = new SseParser((e) => evs.push(e));
    p.push(enc('data: one\n'));
    expect(evs).toHaveLength(0);
    p.push(enc('\ndata: tw'));
    expect(evs).toHaveLength(1);
    p.push(enc('o\n\n'));
    expect(evs.map((e) => e.data)).toEqual(['one', 'two']);
  });
  it('caps long lines and large events', () => {
    const { evs, issues } = run([enc('data: ' + 'x'.repeat(5000) + '\n\ndata: ok\n\n')], { maxLine: 100 });
    expect(issues).toContain('sse.line_capped');
    expect(evs[0]?.capped).toBe(true);
    expect(evs[1]?.data).toBe('ok');
    const big = run([enc('data: aaaa\ndata: bbbb\ndata: cccc\n\n')], { maxData: 10 });
    expect(big.evs[0]?.capped).toBe(true);
    expect(big.issues).toContain('sse.event_capped');
  });
});
