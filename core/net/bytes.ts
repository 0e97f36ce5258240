/**
 * Big-endian ("network byte order", RFC 1700 / RFC 791 Appendix B) integer reads straight from a
 * frame buffer, for the link/network/transport decoders' hot path: no DataView, no bounds-checked
 * Buffer.readUInt*, no allocation. Callers check bounds before reading; an out-of-range index
 * reads `undefined`, which the shifts turn into 0 (never a throw).
 */

/** 16-bit unsigned big-endian at i */
export function u16(b: Uint8Array, i: number): number {
  return (b[i]! << 8) | b[i + 1]!;
}

/** 24-bit unsigned big-endian at i (VXLAN / Geneve VNI) */
export function u24(b: Uint8Array, i: number): number {
  return (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
}

/** 32-bit unsigned big-endian at i (TCP seq/ack, GRE key), as a non-negative number */
export function u32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

let viewBuf: Uint8Array | null = null;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/**
 * A DataView over all of `b`, kept for the frame buffer last asked about (the capture reader
 * hands every frame of a chunk in the same buffer, so this is one allocation per chunk, and a
 * reference to one chunk buffer at most). DataView reads of 16 and 32 bits compile to one
 * bounds check and one load each, where the byte reads above take one per byte. Callers check
 * bounds first: DataView throws on reads past the end.
 */
export function viewOf(b: Uint8Array): DataView<ArrayBufferLike> {
  if (b !== viewBuf) {
    viewBuf = b;
    view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  return view;
}
