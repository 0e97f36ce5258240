import { describe, expect, it } from 'vitest';
import { Ipv4Names } from '../../core/flow/addr-names.js';
import { formatAddr } from '../../core/net/packet.js';

function bytesOf(addr: number): Uint8Array {
  return Uint8Array.of((addr >>> 24) & 0xff, (addr >>> 16) & 0xff, (addr >>> 8) & 0xff, addr & 0xff);
}

describe('Ipv4Names', () => {
  it('gives the dotted quad, the same string for the same address', () => {
    const names = new Ipv4Names();
    const buf = Uint8Array.of(9, 9, 192, 0, 2, 1, 10, 0, 0, 255);
    const a = names.name(buf, 2);
    expect(a).toBe('192.0.2.1');
    expect(names.name(Uint8Array.of(192, 0, 2, 1), 0)).toBe(a);
    expect(names.name(buf, 6)).toBe('10.0.0.255');
    expect(names.name(Uint8Array.of(0, 0, 0, 0), 0)).toBe('0.0.0.0');
    expect(names.name(Uint8Array.of(255, 255, 255, 255), 0)).toBe('255.255.255.255');
    expect(names.name(Uint8Array.of(128, 0, 0, 1), 0)).toBe('128.0.0.1');
  });

  it('stays right past its capacity (it empties itself, never grows) and through collisions', () => {
    const names = new Ipv4Names();
    // 40 000 distinct addresses (over twice the table), then all of them again
    const addrs: number[] = [];
    for (let i = 0; i < 40_000; i++) addrs.push((Math.imul(i, 2654435761) ^ (i << 7)) >>> 0);
    for (let round = 0; round < 2; round++) {
      for (const a of addrs) {
        const b = bytesOf(a);
        expect(names.name(b, 0)).toBe(formatAddr(b, 0, 4));
      }
    }
  });
});
