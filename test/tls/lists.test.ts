/** Interned hello lists (core/tls/lists.ts): shared between hellos, never mutated, capped. */
import { describe, expect, it } from 'vitest';
import { decodeClientHello } from '../../core/tls/hello.js';
import { MAX_INTERNED, concatList, internedLists, scratchList, wireList } from '../../core/tls/lists.js';
import { clientHelloBody, ext, groups, sigalgs, u16, vec8, versions } from './helpers.js';

const bytes = (a: number[]): Uint8Array => Uint8Array.from(a);

describe('interned hello lists', () => {
  it('reads u8 and big-endian u16 items, and the same values give the same shared list', () => {
    const b = bytes([0xff, 0x13, 0x01, 0x13, 0x02, 0xc0, 0x2f]);
    const a = wireList(b, 1, 3, 2);
    expect(a).toEqual([0x1301, 0x1302, 0xc02f]);
    expect(wireList(bytes([0x13, 0x01, 0x13, 0x02, 0xc0, 0x2f]), 0, 3, 2)).toBe(a);
    expect(scratchList(Uint16Array.from([0x1301, 0x1302, 0xc02f, 9]), 3)).toBe(a);
    expect(wireList(b, 0, 3, 1)).toEqual([0xff, 0x13, 0x01]);
    expect(wireList(b, 0, 0, 2)).toEqual([]);
  });

  it('hellos with the same lists share them; different lists stay apart', () => {
    const one = decodeClientHello(bytes(clientHelloBody({ exts: [groups([0x001d, 0x0017]), sigalgs([0x0403, 0x0804]), versions([0x0304])] })), 0x0301);
    const two = decodeClientHello(bytes(clientHelloBody({ exts: [groups([0x001d, 0x0017]), sigalgs([0x0403, 0x0804]), versions([0x0304])] })), 0x0301);
    const other = decodeClientHello(bytes(clientHelloBody({ suites: [0x1301], exts: [groups([0x001d]), versions([0x0304])] })), 0x0301);
    if (!one.ok || !two.ok || !other.ok) throw new Error('decode failed');
    expect(two.value.cipherSuites).toBe(one.value.cipherSuites);
    expect(two.value.supportedGroups).toBe(one.value.supportedGroups);
    expect(two.value.extensionTypes).toBe(one.value.extensionTypes);
    expect(other.value.cipherSuites).toEqual([0x1301]);
    expect(other.value.supportedGroups).toEqual([0x001d]);
    expect(one.value.supportedGroups).toEqual([0x001d, 0x0017]);
  });

  it('a repeated extension appends to a new list and leaves the shared one as it was', () => {
    const first = decodeClientHello(bytes(clientHelloBody({ exts: [groups([0x001d, 0x0017])] })), 0x0301);
    const dup = decodeClientHello(bytes(clientHelloBody({ exts: [groups([0x001d, 0x0017]), groups([0x0018]), ext(45, vec8([1])), ext(45, vec8([0]))] })), 0x0301);
    if (!first.ok || !dup.ok) throw new Error('decode failed');
    expect(dup.value.supportedGroups).toEqual([0x001d, 0x0017, 0x0018]);
    expect(dup.value.pskKeyExchangeModes).toEqual([1, 0]);
    expect(dup.value.warnings).toContain('tls.duplicate_extension');
    expect(first.value.supportedGroups).toEqual([0x001d, 0x0017]);
    expect(concatList([], first.value.supportedGroups)).toBe(first.value.supportedGroups);
  });

  it('an odd-length list keeps its whole items and is flagged', () => {
    const r = decodeClientHello(bytes(clientHelloBody({ exts: [ext(10, [0, 3, ...u16(0x001d), 0x00])] })), 0x0301);
    expect(r.ok && r.value.supportedGroups).toEqual([0x001d]);
    expect(r.ok && r.value.warnings).toContain('tls.ext_supported_groups_malformed');
  });

  it('the table stops at MAX_INTERNED lists; later lists are still right, just not shared', () => {
    const b = new Uint8Array(4);
    for (let i = 0; internedLists() < MAX_INTERNED && i < 2 * MAX_INTERNED; i++) {
      b[0] = i >> 8;
      b[1] = i & 0xff;
      b[2] = 0xee;
      wireList(b, 0, 2, 2);
    }
    expect(internedLists()).toBe(MAX_INTERNED);
    b.set([0xfe, 0xdc, 0xba, 0x98]);
    const a = wireList(b, 0, 2, 2);
    const again = wireList(b, 0, 2, 2);
    expect(a).toEqual([0xfedc, 0xba98]);
    expect(again).toEqual(a);
    expect(again).not.toBe(a);
    expect(internedLists()).toBe(MAX_INTERNED);
  });
});
