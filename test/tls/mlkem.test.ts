/** FIPS 203 §7.2 modulus check with a real @noble/post-quantum key. */
import { describe, expect, it } from 'vitest';
import { ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { randomBytes } from 'node:crypto';
import { checkClientShare, mlkemModulusOk } from '../../core/tls/mlkem.js';
import { decodeClientHello } from '../../core/tls/hello.js';
import { classifyTls } from '../../core/tls/classify.js';
import { newTlsInfo } from '../../core/tls/types.js';
import { clientHelloBody, groups, keyShares } from './helpers.js';

const seed = new Uint8Array(64).fill(3);
const ek768 = ml_kem768.keygen(seed).publicKey;
const ek1024 = ml_kem1024.keygen(seed).publicKey;

describe('ML-KEM modulus check', () => {
  it('real keys pass, random bytes fail', () => {
    expect(ek768.length).toBe(1184);
    expect(mlkemModulusOk(ek768, 3)).toBe(true);
    expect(mlkemModulusOk(ek1024, 4)).toBe(true);
    expect(mlkemModulusOk(Uint8Array.from(randomBytes(1184)), 3)).toBe(false);
    const ff = new Uint8Array(1184).fill(0xff);
    expect(mlkemModulusOk(ff, 3)).toBe(false);
  });
  it('every 12-bit value in either coefficient slot: accepted exactly when < q = 3329', () => {
    // ByteEncode12 (FIPS 203 Algorithm 5): c0 = b0 | (b1 & 0x0f) << 8, c1 = b1 >> 4 | b2 << 4
    const ek = new Uint8Array(384 * 2 + 32);
    for (let v = 0; v < 4096; v++) {
      for (const slot of [0, 1]) {
        for (const at of [0, 381, 765]) {
          ek.fill(0);
          if (slot === 0) {
            ek[at] = v & 0xff;
            ek[at + 1] = v >> 8;
          } else {
            ek[at + 1] = (v & 0x0f) << 4;
            ek[at + 2] = v >> 4;
          }
          if (mlkemModulusOk(ek, 2) !== v < 3329) throw new Error(`coefficient ${v} in slot ${slot} at byte ${at}`);
        }
      }
    }
  });
  it('layouts: X25519MLKEM768 key first, SecP256r1MLKEM768 after 65 bytes, Kyber draft after 32', () => {
    const x = new Uint8Array(32).fill(0xff);
    const p = new Uint8Array(65).fill(0xff);
    expect(checkClientShare(0x11ec, Uint8Array.from([...ek768, ...x]))).toBe(true);
    expect(checkClientShare(0x11ec, Uint8Array.from([...x, ...ek768]))).toBe(false);
    expect(checkClientShare(0x11eb, Uint8Array.from([...p, ...ek768]))).toBe(true);
    expect(checkClientShare(0x6399, Uint8Array.from([...x, ...ek768]))).toBe(true);
    expect(checkClientShare(0x0201, ek768)).toBe(true);
    expect(checkClientShare(0x0202, ek1024)).toBe(true);
    expect(checkClientShare(0x001d, x)).toBeNull();
    expect(checkClientShare(0x11ec, ek768)).toBeNull(); // wrong length: judged by classify
  });
  it('invalid key in a ClientHello → mlkem-key-invalid and no hybrid credit', () => {
    const bad = [...new Uint8Array(1184).fill(0xff), ...new Uint8Array(32)];
    const r = decodeClientHello(Uint8Array.from(clientHelloBody({ exts: [groups([0x11ec, 0x001d]), keyShares([[0x11ec, bad], [0x001d, new Array<number>(32).fill(1)]])] })), 0x0303);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.keyShares[0]?.mlkemKeyValid).toBe(false);
    const tls = newTlsInfo();
    tls.clientHello = r.value;
    const k = classifyTls(tls);
    expect(k.shareValidation).toBe('mlkem-key-invalid');
    expect(k.offered).toBe('classical');
    const good = decodeClientHello(Uint8Array.from(clientHelloBody({ exts: [groups([0x11ec]), keyShares([[0x11ec, [...ek768, ...new Array<number>(32).fill(9)]]])] })), 0x0303);
    tls.clientHello = good.ok ? good.value : null;
    const k2 = classifyTls(tls);
    expect(k2.shareValidation).toBe('ok');
    expect(k2.offered).toBe('hybrid');
  });
});
