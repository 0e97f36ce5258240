/**
 * FIPS 203 §7.2 (ML-KEM.Encaps input check, "modulus check") on encapsulation keys carried in
 * TLS key shares: the first 384·k bytes are 256·k 12-bit little-endian coefficients (ByteDecode12,
 * FIPS 203 Algorithm 6), each of which must be < q = 3329. Kyber round-3 public keys use the same
 * encoding, so the check applies to the X25519Kyber768Draft00 family too.
 */
import { groupInfo } from './groups.js';

/** FIPS 203 §2.4: q */
export const MLKEM_Q = 3329;

/** true when every 12-bit coefficient of the 384·k-byte polynomial vector is < q */
export function mlkemModulusOk(ek: Uint8Array, k: 2 | 3 | 4): boolean {
  const n = 384 * k;
  if (ek.length < n + 32) return false; // ek = ByteEncode12(t̂) ‖ ρ (FIPS 203 Algorithm 13)
  for (let i = 0; i < n; i += 3) {
    const b1 = ek[i + 1] ?? 0;
    const b2 = ek[i + 2] ?? 0;
    // q = 0xD01: c0 < 0xD00 when its high nibble (b1 & 0x0f) < 0xD, c1 < 0xD00 when b2 < 0xD0;
    // only the rare coefficients at or above 0xD00 need the whole value
    if ((b1 & 0x0f) < 0x0d && b2 < 0xd0) continue;
    const c0 = (ek[i] ?? 0) | ((b1 & 0x0f) << 8);
    const c1 = (b1 >> 4) | (b2 << 4);
    if (c0 >= MLKEM_Q || c1 >= MLKEM_Q) return false;
  }
  return true;
}

/**
 * Validate the ML-KEM part of a CLIENT key share for `group`. null when the group carries no
 * ML-KEM/Kyber key or the share length does not match the table (length is judged elsewhere).
 */
export function checkClientShare(group: number, share: Uint8Array): boolean | null {
  const g = groupInfo(group);
  if (g === undefined || g.mlkemK === undefined || g.clientShareLen === undefined) return null;
  if (share.length !== g.clientShareLen) return null;
  const ekLen = 384 * g.mlkemK + 32;
  let off: number;
  switch (g.layout) {
    case 'mlkem-only':
    case 'mlkem-first':
      off = 0; // draft-ietf-tls-ecdhe-mlkem §3: X25519MLKEM768 = ML-KEM ek ‖ X25519
      break;
    case 'ecdh-first':
      off = g.ecdhLen ?? 0; // SecP256r1MLKEM768 = P-256 point ‖ ek; Kyber drafts = X25519 ‖ Kyber
      break;
    default:
      return null;
  }
  if (off + ekLen > share.length) return null;
  return mlkemModulusOk(share.subarray(off, off + ekLen), g.mlkemK);
}
