/**
 * Capture-reader boundary. A reader is a push parser: feed it chunks of the file in order,
 * it calls the sink once per packet record with a zero-copy view into the chunk (or into a
 * small carry-over buffer when a record straddles two chunks). The view is valid only for the
 * duration of the call: a consumer that keeps bytes must copy them.
 */
import type { Weirds } from '../util/weirds.js';

export type CaptureFormat = 'pcap' | 'pcapng';

/** libpcap LINKTYPE_* values we decode (https://www.tcpdump.org/linktypes.html). */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
  PPP: 9,
} as const;

export interface PacketSink {
  /**
   * One captured frame: data[off, off + capLen) holds the bytes captured, origLen the length on
   * the wire. tsMicros = microseconds since the Unix epoch (integer; finer resolutions are
   * truncated, coarser ones scaled).
   */
  packet(linkType: number, tsMicros: number, data: Buffer, off: number, capLen: number, origLen: number): void;
}

export interface CaptureReaderState {
  readonly format: CaptureFormat;
  /** packet records delivered to the sink */
  packets: number;
  /** bytes consumed from the input */
  bytes: number;
  /** the input ended inside a record (everything before it was delivered) */
  truncated: boolean;
  /** a fatal structural error after which nothing more was read (e.g. pcapng SHB of an unknown major version) */
  error: string | null;
}

export interface CaptureReader extends CaptureReaderState {
  /** Parse every complete record in `chunk` (after any carried-over bytes). Never throws on bad bytes. */
  push(chunk: Buffer): void;
  /** End of input: a partial record left over marks the input truncated. */
  end(): void;
}

export interface ReaderOptions {
  sink: PacketSink;
  weirds: Weirds;
  /** largest record / block accepted, bytes (default 16 MiB); larger is an error, not an allocation */
  maxRecordBytes?: number;
}
