import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SshAnalyzer, classifySsh, sniffSsh } from '../../core/ssh/analyzer.js';
import type { SshInfo } from '../../core/ssh/analyzer.js';
import { newSshInfo } from '../../core/ssh/types.js';
import { negotiate, sshKexClass } from '../../core/ssh/kex.js';
import { Want } from '../../core/flow/types.js';
import { Weirds } from '../../core/util/weirds.js';
import { CAPTURES, blankFlow, loadJson, tcpConversations } from '../quic/helpers.js';

const enc = new TextEncoder();

function nameList(names: string[]): Uint8Array {
  const s = enc.encode(names.join(','));
  const out = new Uint8Array(4 + s.length);
  new DataView(out.buffer).setUint32(0, s.length);
  out.set(s, 4);
  return out;
}

function kexinitPayload(kex: string[], hostKey: string[]): Uint8Array {
  const parts = [Uint8Array.of(20), new Uint8Array(16).fill(7), nameList(kex), nameList(hostKey)];
  for (let i = 0; i < 8; i++) parts.push(nameList(i < 2 ? ['aes128-ctr'] : i < 4 ? ['hmac-sha2-256'] : i < 6 ? ['none'] : []));
  parts.push(Uint8Array.of(0, 0, 0, 0, 0));
  return Buffer.concat(parts);
}

function packet(payload: Uint8Array): Uint8Array {
  let pad = 8 - ((payload.length + 5) % 8);
  if (pad < 4) pad += 8;
  const out = new Uint8Array(5 + payload.length + pad);
  new DataView(out.buffer).setUint32(0, 1 + payload.length + pad);
  out[4] = pad;
  out.set(payload, 5);
  return out;
}

const CLIENT_KEX = ['mlkem768x25519-sha256', 'curve25519-sha256', 'ext-info-c', 'kex-strict-c-v00@openssh.com'];
const SERVER_KEX = ['kex-strict-s-v00@openssh.com', 'curve25519-sha256', 'mlkem768x25519-sha256', 'ext-info-s'];

describe('sniffSsh', () => {
  it('recognises the SSH- prefix only', () => {
    expect(sniffSsh(enc.encode('SSH-2.0-OpenSSH_9.6\r\n'))).toBe(true);
    expect(sniffSsh(enc.encode('SSH'))).toBe(false);
    expect(sniffSsh(enc.encode('GET / HTTP/1.1'))).toBe(false);
  });
});

describe('SshAnalyzer on byte fixtures', () => {
  it('reads banners and both KEXINITs delivered byte by byte', () => {
    const a = new SshAnalyzer();
    const f = blankFlow('tcp');
    const c = Buffer.concat([enc.encode('SSH-2.0-client_1.0\r\n'), packet(kexinitPayload(CLIENT_KEX, ['ssh-ed25519', 'rsa-sha2-512']))]);
    const s = Buffer.concat([enc.encode('a pre-banner line\r\nSSH-2.0-server_2.0 comment\r\n'), packet(kexinitPayload(SERVER_KEX, ['rsa-sha2-512', 'ssh-ed25519']))]);
    let w: Want = Want.More;
    for (const b of s) w = a.onData(f, 1, Uint8Array.of(b), 0);
    expect(w).toBe(Want.DoneDir);
    for (const b of c) w = a.onData(f, 0, Uint8Array.of(b), 0);
    expect(w).toBe(Want.DoneFlow);
    const info = f.ext['ssh'] as SshInfo;
    expect(f.app).toBe('ssh');
    expect(info.clientBanner).toBe('SSH-2.0-client_1.0');
    expect(info.serverBanner).toBe('SSH-2.0-server_2.0 comment');
    expect(info.clientKex).toEqual(CLIENT_KEX);
    expect(info.serverKex).toEqual(SERVER_KEX);
    expect(info.negotiatedKex).toBe('mlkem768x25519-sha256');
    expect(info.negotiatedHostKey).toBe('ssh-ed25519');
    expect(info.errors).toEqual([]);
    expect(classifySsh(info)).toEqual({ offered: 'hybrid', negotiated: 'hybrid', group: 'mlkem768x25519-sha256', reason: null });
  });

  it('a server kex list cut at 256 names negotiates nothing (found by fuzzing)', () => {
    const a = new SshAnalyzer();
    const f = blankFlow('tcp');
    const serverKex = [...Array.from({ length: 255 }, (_, k) => `junk-${k}`), 'mlkem768x25519-sha256', 'curve25519-sha256'];
    const c = Buffer.concat([enc.encode('SSH-2.0-client_1.0\r\n'), packet(kexinitPayload(['curve25519-sha256', 'mlkem768x25519-sha256'], ['ssh-ed25519']))]);
    const s = Buffer.concat([enc.encode('SSH-2.0-server_2.0\r\n'), packet(kexinitPayload(serverKex, ['ssh-ed25519']))]);
    a.onData(f, 1, s, 0);
    a.onData(f, 0, c, 0);
    const info = f.ext['ssh'] as SshInfo;
    expect(info.errors).toContain('ssh.too_many_names');
    // the lists read would pick mlkem768x25519; RFC 4253 §7.1 over the whole lists picks curve25519
    expect(info.negotiatedKex).toBeNull();
    expect(classifySsh(info)).toMatchObject({ negotiated: 'unknown', group: null });
  });

  it('handles a truncated KEXINIT', () => {
    const a = new SshAnalyzer();
    const f = blankFlow('tcp');
    const full = kexinitPayload(CLIENT_KEX, ['ssh-ed25519']);
    // a well-framed packet whose KEXINIT body stops inside the second name-list
    const w = a.onData(f, 0, Buffer.concat([enc.encode('SSH-2.0-x\r\n'), packet(full.subarray(0, 17 + 4 + 79 + 6))]), 0);
    expect(w).toBe(Want.DoneDir);
    const info = f.ext['ssh'] as SshInfo;
    expect(info.errors).toContain('ssh.truncated_kexinit');
    expect(info.clientKex).toEqual(CLIENT_KEX);
    expect(info.kexinitSeen[0]).toBe(true);
    for (let n = 0; n < full.length; n++) {
      const g = blankFlow('tcp');
      expect(() => a.onData(g, 0, Buffer.concat([enc.encode('SSH-2.0-x\r\n'), packet(full.subarray(0, n))]), 0)).not.toThrow();
    }
  });

  it('stops on an oversized packet length', () => {
    const weirds = new Weirds();
    const a = new SshAnalyzer(weirds);
    const f = blankFlow('tcp');
    const w = a.onData(f, 1, Buffer.concat([enc.encode('SSH-2.0-x\r\n'), Uint8Array.of(0x7f, 0xff, 0xff, 0xff, 4, 20)]), 0);
    expect(w).toBe(Want.DoneDir);
    expect(weirds.get('ssh.packet_too_large')).toBe(1);
    expect(f.issues).toContain('ssh.packet_too_large');
  });

  it('accepts a banner ended by LF only and reports it', () => {
    const a = new SshAnalyzer();
    const f = blankFlow('tcp');
    a.onData(f, 0, Buffer.concat([enc.encode('SSH-2.0-lfonly\n'), packet(kexinitPayload(CLIENT_KEX, []))]), 0);
    const info = f.ext['ssh'] as SshInfo;
    expect(info.clientBanner).toBe('SSH-2.0-lfonly');
    expect(info.errors).toContain('ssh.banner_no_cr');
    expect(info.clientKex.length).toBe(4);
  });

  it('gives up on a banner without any line end', () => {
    const a = new SshAnalyzer();
    const f = blankFlow('tcp');
    const w = a.onData(f, 0, Buffer.concat([enc.encode('SSH-2.0-nocrlf'), new Uint8Array(400).fill(0x41)]), 0);
    expect(w).toBe(Want.DoneDir);
    expect((f.ext['ssh'] as SshInfo).errors).toContain('ssh.banner_too_long');
    expect((f.ext['ssh'] as SshInfo).clientBanner).toBeNull();
  });

  it('rejects SSH-1 and non-banner client lines, survives gaps and random bytes', () => {
    const a = new SshAnalyzer();
    const f = blankFlow('tcp');
    a.onData(f, 0, enc.encode('SSH-1.5-old\r\n'), 0);
    expect((f.ext['ssh'] as SshInfo).errors).toContain('ssh.unsupported_version');
    const g = blankFlow('tcp');
    a.onData(g, 0, enc.encode('hello\r\n'), 0);
    expect((g.ext['ssh'] as SshInfo).errors).toContain('ssh.bad_banner');
    const h = blankFlow('tcp');
    a.onData(h, 0, enc.encode('SSH-2.0-x\r\n'), 0);
    expect(a.onGap(h, 0, 100)).toBe(Want.DoneDir);
    expect(a.onGap(h, 1, 100)).toBe(Want.DoneFlow);
    a.onEnd(h);
    let seed = 1;
    for (let i = 0; i < 200; i++) {
      const r = new Uint8Array(300).map(() => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff);
      const k = blankFlow('tcp');
      expect(() => a.onData(k, (i & 1) as 0 | 1, Buffer.concat([enc.encode('SSH-2.0-x\r\n'), r]), 0)).not.toThrow();
    }
  });
});

describe('classification (core/ssh/kex.ts)', () => {
  it('classes the table rows', () => {
    for (const n of ['mlkem768x25519-sha256', 'sntrup761x25519-sha512', 'sntrup761x25519-sha512@openssh.com', 'mlkem768nistp256-sha256', 'mlkem1024nistp384-sha384']) expect(sshKexClass(n)).toBe('hybrid');
    for (const n of ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp521', 'diffie-hellman-group14-sha256', 'diffie-hellman-group-exchange-sha256', 'diffie-hellman-group1-sha1']) expect(sshKexClass(n)).toBe('classical');
    expect(sshKexClass('frodokem-1344-shake@x')).toBe('unknown');
  });
  it('negotiates skipping pseudo-algorithms', () => {
    expect(negotiate(['ext-info-c', 'a', 'b'], ['b', 'ext-info-c'], true)).toBe('b');
    expect(negotiate(['a'], ['b'], true)).toBeNull();
  });
  it('explains downgrades and missing data', () => {
    const i = newSshInfo();
    expect(classifySsh(i).reason).toBe('no KEXINIT seen');
    i.clientKex = ['sntrup761x25519-sha512@openssh.com', 'curve25519-sha256'];
    i.serverKex = ['curve25519-sha256'];
    i.kexinitSeen = [true, true];
    expect(classifySsh(i)).toEqual({ offered: 'hybrid', negotiated: 'classical', group: 'curve25519-sha256', reason: 'client offered post-quantum kex, server chose classical' });
    i.serverKex = ['x'];
    expect(classifySsh(i).reason).toBe('no kex algorithm in common');
  });
  it('tells no negotiated kex from name-lists not read whole (found by fuzzing)', () => {
    // the server lists 255 names, then mlkem, then curve25519: cut at 256 names, the lists read
    // would pick mlkem where RFC 4253 §7.1 over the whole lists picks curve25519-sha256
    const i = newSshInfo();
    i.clientKex = ['curve25519-sha256', 'mlkem768x25519-sha256'];
    i.serverKex = [...Array.from({ length: 255 }, (_, k) => `junk-${k}`), 'mlkem768x25519-sha256'];
    i.kexinitSeen = [true, true];
    expect(classifySsh(i).negotiated).toBe('hybrid');
    for (const code of ['ssh.too_many_names', 'ssh.truncated_kexinit', 'ssh.namelist_too_long']) {
      i.errors = [code];
      const c = classifySsh(i);
      expect(c).toMatchObject({ offered: 'hybrid', negotiated: 'unknown', group: null });
      expect(c.reason).toContain(code);
    }
    // a problem outside the name-lists leaves the verdict alone
    i.errors = ['ssh.banner_too_long'];
    expect(classifySsh(i).negotiated).toBe('hybrid');
  });
});

interface SshExpected {
  ssh_flows: Array<{ client: string; server: string; client_banner: string; server_banner: string; client_kex: string[]; server_kex: string[]; negotiated: string; negotiated_class: string; offered_class: string }>;
}

describe('zeek__ssh_kex_mlkem.pcap', () => {
  it('matches the expected SSH flow', () => {
    const exp = loadJson(join(CAPTURES, 'expected/zeek__ssh_kex_mlkem.json')) as SshExpected;
    const convs = tcpConversations(join(CAPTURES, 'zeek__ssh_kex_mlkem.pcap'));
    expect(convs.length).toBe(1);
    const conv = convs[0];
    const e = exp.ssh_flows[0];
    if (conv === undefined || e === undefined) throw new Error('missing');
    expect(`${conv.flow.clientIp}:${conv.flow.clientPort}`).toBe(e.client);
    const a = new SshAnalyzer();
    let w: Want = Want.More;
    let delivered = 0;
    const done: [boolean, boolean] = [false, false];
    for (const ch of conv.chunks) {
      if (done[ch.dir]) continue;
      delivered++;
      w = a.onData(conv.flow, ch.dir, ch.data, ch.ts);
      if (w === Want.DoneDir) done[ch.dir] = true;
      if (w === Want.DoneFlow) break;
    }
    expect(w).toBe(Want.DoneFlow);
    expect(delivered).toBeLessThan(10);
    const info = conv.flow.ext['ssh'] as SshInfo;
    expect(info.clientBanner).toBe(e.client_banner);
    expect(info.serverBanner).toBe(e.server_banner);
    expect(info.clientKex).toEqual(e.client_kex);
    expect(info.serverKex).toEqual(e.server_kex);
    expect(info.negotiatedKex).toBe(e.negotiated);
    expect(info.negotiatedHostKey).not.toBeNull();
    const c = classifySsh(info);
    expect(c.negotiated).toBe(e.negotiated_class);
    expect(c.offered).toBe(e.offered_class);
    expect(info.errors).toEqual([]);
  });
});
