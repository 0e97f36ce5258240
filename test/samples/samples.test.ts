// Sanity checks for the project's own sample captures (samples/, made by samples/make-samples.sh):
// every capture has a truth file whose sha256 matches, the set stays small, and the truth says
// what the README claims each capture holds.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../samples/', import.meta.url));
const captures = readdirSync(DIR).filter((n) => /\.(pcap|pcapng|pcap\.gz)$/.test(n));
interface TlsFlow {
  server: string; sni: string | null; version: string | null; offered_groups: number[];
  key_share_groups: number[]; selected_group: number | null; hrr: boolean; cipher_suite: number | null;
}
interface Truth { capture: string; sha256: string; packets: number; conversations: unknown[]; tls_flows: TlsFlow[] }
const truth = (name: string): Truth => JSON.parse(readFileSync(join(DIR, 'truth', `${name}.truth.json`), 'utf8'));
const only = (name: string): TlsFlow => {
  const t = truth(name);
  expect(t.tls_flows).toHaveLength(1);
  return t.tls_flows[0]!;
};

describe('samples/', () => {
  it('has the expected captures, under 2 MB in total', () => {
    const ours = [
      'hybrid-offered-classical.pcap', 'mixed.pcap.gz', 'mixed.pcapng', 'plain-http.pcap',
      'tls12-ecdhe.pcap', 'tls12-rsa.pcap', 'tls13-classical.pcap', 'tls13-hrr.pcap', 'tls13-hybrid.pcap',
    ];
    expect(captures).toEqual(expect.arrayContaining(ours));
    const total = ours.reduce((s, n) => s + statSync(join(DIR, n)).size, 0);
    expect(total).toBeLessThan(2 * 1024 * 1024);
  });

  it.each(captures)('%s matches its truth file', (name) => {
    const t = truth(name);
    expect(t.capture).toBe(name);
    expect(createHash('sha256').update(readFileSync(join(DIR, name))).digest('hex')).toBe(t.sha256);
    expect(t.packets).toBeGreaterThan(0);
  });

  it('truth says what each capture claims', () => {
    const hybrid = only('tls13-hybrid.pcap');
    expect([hybrid.version, hybrid.selected_group, hybrid.sni]).toEqual(['TLS 1.3', 0x11ec, 'api.hybrid.test']);
    const classical = only('tls13-classical.pcap');
    expect([classical.version, classical.selected_group]).toEqual(['TLS 1.3', 0x001d]);
    expect(classical.offered_groups).not.toContain(0x11ec);
    const gap = only('hybrid-offered-classical.pcap');
    expect(gap.offered_groups).toContain(0x11ec);
    expect(gap.key_share_groups).toContain(0x11ec);
    expect(gap.selected_group).toBe(0x001d);
    const hrr = only('tls13-hrr.pcap');
    expect([hrr.hrr, hrr.key_share_groups, hrr.selected_group]).toEqual([true, [0x11ec], 0x0017]);
    const ecdhe = only('tls12-ecdhe.pcap');
    expect([ecdhe.version, ecdhe.cipher_suite, ecdhe.selected_group]).toEqual(['TLS 1.2', 0xc02f, 0x001d]);
    const rsa = only('tls12-rsa.pcap');
    expect([rsa.version, rsa.cipher_suite, rsa.selected_group]).toEqual(['TLS 1.2', 0x009c, null]);
    const plain = truth('plain-http.pcap');
    expect([plain.conversations.length, plain.tls_flows.length]).toEqual([2, 0]);
    const mixed = truth('mixed.pcapng');
    expect([mixed.conversations.length, mixed.tls_flows.length]).toEqual([10, 7]);
    expect(mixed.tls_flows.find((f) => f.server.endsWith(':8443'))?.selected_group).toBe(0x11ec);
    expect(mixed.tls_flows.find((f) => f.server.endsWith(':443'))).toBeUndefined();
    const gz = truth('mixed.pcap.gz');
    expect([gz.conversations.length, gz.tls_flows.length]).toEqual([5, 4]);
  });
});
