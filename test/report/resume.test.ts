/**
 * TLS resumption linking (core/report/resume.ts): a resumed flow inherits the key exchange of the
 * full handshake in the same capture that issued its session id or ticket.
 */
import { describe, expect, it } from 'vitest';
import type { FlowReport } from '../../core/report/model.js';
import type { KexClass } from '../../core/tls/types.js';
import { linkResumptions } from '../../core/report/resume.js';
import { scanInputs } from '../../core/scan.js';

function flow(id: number, kex: { negotiated: KexClass; group?: string | null; reason?: string | null }, keys: { offers?: string[]; provides?: string[] } | null, selectedGroup: number | null = null): FlowReport {
  return {
    id, transport: 'tcp', client: { ip: '10.0.0.1', port: 40000 + id }, server: { ip: '10.0.0.2', port: 443 }, app: 'tls',
    firstSeen: null, lastSeen: null, packets: { clientToServer: 1, serverToClient: 1 }, bytes: { clientToServer: 1, serverToClient: 1 }, endReason: null,
    tls: {
      version: 'TLS 1.2', sni: null, offeredGroups: [], keyShareGroups: [], selectedGroup, helloRetryRequest: false, cipherSuite: null,
      ...(keys === null ? {} : { sessionKeys: keys }),
    },
    kex: { offered: 'classical', negotiated: kex.negotiated, group: kex.group ?? null, reason: kex.reason ?? null },
    mcp: null, issues: [],
  } as FlowReport;
}
const resumed = (id: number, offers: string[]): FlowReport => flow(id, { negotiated: 'unknown', reason: 'resumed' }, { offers });

describe('linkResumptions', () => {
  it('links a resumed flow to the full handshake that provided its key, before or after it', () => {
    const full = flow(1, { negotiated: 'hybrid', group: 'X25519MLKEM768' }, { provides: ['k1'] }, 0x11ec);
    const early = resumed(0, ['k1']);
    const late = resumed(2, ['kx', 'k1']);
    const changed = linkResumptions([early, full, late]);
    expect(changed).toEqual([early, late]);
    for (const f of [early, late]) {
      expect(f.kex).toMatchObject({ negotiated: 'hybrid', group: 'X25519MLKEM768', reason: 'resumed', resumedFromFlow: 1 });
      expect(f.tls?.selectedGroup).toBe(0x11ec);
    }
  });

  it('takes the first provider of a key; ignores providers without a known key exchange', () => {
    const unknown = flow(1, { negotiated: 'unknown' }, { provides: ['k'] });
    const first = flow(2, { negotiated: 'classical', group: 'x25519' }, { provides: ['k'] });
    const second = flow(3, { negotiated: 'hybrid', group: 'X25519MLKEM768' }, { provides: ['k'] });
    const r = resumed(4, ['k']);
    linkResumptions([unknown, first, second, r]);
    expect(r.kex).toMatchObject({ negotiated: 'classical', group: 'x25519', resumedFromFlow: 2 });
  });

  it('leaves flows without a provider, flows already linked and flows without keys alone', () => {
    const alone = resumed(1, ['nobody']);
    const linked = resumed(2, ['k']);
    linked.kex.resumedFromFlow = 9;
    const bare = flow(3, { negotiated: 'unknown', reason: 'resumed' }, null);
    const provider = flow(4, { negotiated: 'classical', group: 'x25519' }, { provides: ['k'] });
    expect(linkResumptions([alone, linked, bare, provider])).toEqual([]);
    expect(alone.kex.negotiated).toBe('unknown');
    expect(linked.kex.resumedFromFlow).toBe(9);
    expect(bare.kex.resumedFromFlow).toBeUndefined();
  });

  it('a flow whose stream was ambiguous neither inherits a class nor passes one on', () => {
    const full = flow(1, { negotiated: 'hybrid', group: 'X25519MLKEM768' }, { provides: ['k'] }, 0x11ec);
    const doubtful = resumed(2, ['k']);
    doubtful.issues = ['tcp.overlap_mismatch'];
    const fine = resumed(3, ['k']);
    expect(linkResumptions([full, doubtful, fine])).toEqual([fine]);
    expect(doubtful.kex).toMatchObject({ negotiated: 'unknown', reason: 'resumed' });
    expect(doubtful.kex.resumedFromFlow).toBeUndefined();
    const doubtfulOrigin = flow(4, { negotiated: 'hybrid', group: 'X25519MLKEM768' }, { provides: ['j'] });
    doubtfulOrigin.issues = ['tcp.isn_conflict'];
    const r = resumed(5, ['j']);
    expect(linkResumptions([doubtfulOrigin, r])).toEqual([]);
    expect(r.kex.negotiated).toBe('unknown');
  });

  it('never links a flow to itself', () => {
    const self = flow(1, { negotiated: 'classical', group: 'x25519', reason: 'resumed' }, { offers: ['k'], provides: ['k'] });
    expect(linkResumptions([self])).toEqual([]);
    expect(self.kex.resumedFromFlow).toBeUndefined();
  });

  it('links the TLS 1.2 abbreviated handshake of a real capture (Suricata tls.pcap) to its origin', async () => {
    const r = await scanInputs([`${__dirname}/../../../shared/captures/public/suricata__tls.pcap`], { now: new Date('2026-11-24T00:00:00Z') });
    const f = r.flows.find((x) => x.kex.reason === 'resumed');
    expect(f?.kex).toMatchObject({ negotiated: 'classical', group: 'secp256r1', resumedFromFlow: 3 });
    const origin = r.flows.find((x) => x.id === 3);
    expect(origin?.kex.reason).toBeNull();
    expect(f?.tls?.selectedGroup).toBe(origin?.tls?.selectedGroup);
    expect(f?.client.port).toBe((origin?.client.port ?? 0) + 1);
  });
});
