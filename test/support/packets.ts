/**
 * Test support: the packets of a capture file, read by the real engine — core/capture/source.ts
 * (readCaptureFile: pcap / pcapng) for the frames, core/net/decode.ts (decodeFrame) for the
 * TCP/UDP fields. The one shared walker for tests that only need to iterate a capture's packets;
 * the capture reader's own tests (test/capture) build their expectations without it.
 */
import { readCaptureFile } from '../../core/capture/source.js';
import type { PacketSink } from '../../core/capture/types.js';
import { decodeFrame } from '../../core/net/decode.js';
import { newDecodedPacket } from '../../core/net/packet.js';
import type { DecodedPacket } from '../../core/net/packet.js';
import { Weirds } from '../../core/util/weirds.js';

export interface CaptureFrame {
  linkType: number;
  /** microseconds since the Unix epoch */
  tsMicros: number;
  /** a copy of the captured bytes (capLen long) */
  data: Buffer;
  origLen: number;
}

/** Every frame of a plain (not gzip-compressed) pcap / pcapng file, in capture order. */
export function readFrames(path: string): CaptureFrame[] {
  const frames: CaptureFrame[] = [];
  const sink: PacketSink = {
    packet(linkType, tsMicros, data, off, capLen, origLen) {
      // the reader's view is only valid during the call
      frames.push({ linkType, tsMicros, data: Buffer.from(data.subarray(off, off + capLen)), origLen });
    },
  };
  if (readCaptureFile(path, { sink, weirds: new Weirds() }) === null) throw new Error(`${path}: gzip-compressed, not supported by readFrames`);
  return frames;
}

export interface CapturePacket {
  /** reused for every packet: valid until the generator resumes */
  p: DecodedPacket;
  tsMicros: number;
}

/**
 * The frames of a capture that decode to a TCP or UDP packet (decodeFrame returns true), in
 * capture order. Decoder weirds go to `weirds`.
 */
export function* decodedPackets(path: string, weirds: Weirds = new Weirds()): Generator<CapturePacket> {
  const p = newDecodedPacket();
  for (const f of readFrames(path)) {
    if (decodeFrame(f.linkType, f.data, 0, f.data.length, p, weirds)) yield { p, tsMicros: f.tsMicros };
  }
}

/** The transport payload bytes of a decoded packet (a view into p.buf). */
export function payloadOf(p: DecodedPacket): Buffer {
  return p.buf.subarray(p.payloadOff, p.payloadOff + p.payloadLen);
}
