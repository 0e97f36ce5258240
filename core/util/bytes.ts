/**
 * Copying bytes out of a zero-copy view. The capture reader reuses its chunk buffer, so an
 * analyzer that keeps bytes beyond the call must copy them. `buf.slice()` is NOT a copy when the
 * view is a Node Buffer (Buffer#slice is subarray), so the engine copies with this instead.
 */
export function copyBytes(view: Uint8Array): Uint8Array {
  return new Uint8Array(view);
}
