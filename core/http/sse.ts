/**
 * Incremental Server-Sent Events parser (WHATWG HTML Living Standard §9.2.6 "Interpreting an
 * event stream"): lines end in CRLF, LF or CR (a CR may be split from its LF across pushes);
 * fields event / data (multi-line, joined with LF) / id / retry; `:` comments; an event is
 * dispatched at the blank line that ends it, so events are emitted as soon as they complete.
 * Bounded: lines and per-event data are capped; never throws.
 */
import { GrowBuffer } from '../util/growbuf.js';
export interface SseEvent {
  /** event type ('' → "message") */
  event: string;
  data: string;
  /** last event ID buffer at dispatch */
  id: string | null;
  retry: number | null;
  /** some data was dropped (line or event cap) */
  capped: boolean;
}

export interface SseOptions {
  /** longest line kept (default 1 MiB) */
  maxLine?: number;
  /** most data characters per event (default 1 MiB) */
  maxData?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

export class SseParser {
  events = 0;
  comments = 0;
  private readonly maxLine: number;
  private readonly maxData: number;
  /** the partial line (one growing copy, however many segments it arrives in) */
  private readonly pending = new GrowBuffer();
  private lineOverflow = false;
  private skipLf = false;
  private first = true;
  // event being built
  private eventType = '';
  private data: string[] = [];
  private dataLen = 0;
  private capped = false;
  private lastId: string | null = null;
  private retry: number | null = null;

  constructor(
    private readonly onEvent: (ev: SseEvent) => void,
    private readonly onIssue: (code: string) => void = () => {},
    opts: SseOptions = {},
  ) {
    this.maxLine = opts.maxLine ?? 1024 * 1024;
    this.maxData = opts.maxData ?? 1024 * 1024;
  }

  push(chunk: Uint8Array): void {
    let off = 0;
    const n = chunk.length;
    if (this.skipLf && n > 0) {
      this.skipLf = false;
      if (chunk[0] === 0x0a) off = 1;
    }
    while (off < n) {
      let i = off;
      while (i < n && chunk[i] !== 0x0a && chunk[i] !== 0x0d) i++;
      this.appendLine(chunk.subarray(off, i));
      if (i >= n) return;
      // end of line
      if (chunk[i] === 0x0d) {
        if (i + 1 < n) {
          if (chunk[i + 1] === 0x0a) i++;
        } else this.skipLf = true;
      }
      off = i + 1;
      this.endLine();
    }
  }

  /** end of stream: an unfinished event is discarded (per the standard) */
  end(): void {
    this.pending.clear();
    this.data = [];
    this.dataLen = 0;
    this.eventType = '';
  }

  private appendLine(b: Uint8Array): void {
    if (b.length === 0) return;
    if (this.pending.length + b.length > this.maxLine) {
      if (!this.lineOverflow) this.onIssue('sse.line_capped');
      this.lineOverflow = true;
      return;
    }
    this.pending.push(b);
  }

  private endLine(): void {
    let line = this.pending.length === 0 ? '' : utf8.decode(this.pending.view());
    const overflow = this.lineOverflow;
    this.pending.clear();
    this.lineOverflow = false;
    if (this.first) {
      this.first = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    if (overflow) {
      this.capped = true;
      return;
    }
    if (line === '') return this.dispatch();
    if (line[0] === ':') {
      this.comments++;
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value.slice(0, 256);
        break;
      case 'data':
        if (this.dataLen + value.length + 1 > this.maxData) {
          if (!this.capped) this.onIssue('sse.event_capped');
          this.capped = true;
        } else {
          this.data.push(value);
          this.dataLen += value.length + 1;
        }
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value.slice(0, 256);
        break;
      case 'retry':
        if (/^[0-9]{1,15}$/.test(value)) this.retry = Number(value);
        break;
      default:
        break;
    }
  }

  private dispatch(): void {
    const hadData = this.data.length > 0 || this.capped;
    const ev: SseEvent = {
      event: this.eventType,
      data: this.data.join('\n'),
      id: this.lastId,
      retry: this.retry,
      capped: this.capped,
    };
    this.data = [];
    this.dataLen = 0;
    this.eventType = '';
    this.capped = false;
    if (!hadData) return;
    this.events++;
    this.onEvent(ev);
  }
}
