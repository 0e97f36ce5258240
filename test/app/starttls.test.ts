/**
 * Byte fixtures for core/app/starttls.ts: the greetings and first messages that open each
 * protocol, the in-band upgrade to TLS found by content in either delivery order and at any
 * chunking, refused upgrades and plaintext sessions, and the bounds on what is held before the
 * switch (named issues, never a throw).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LINE, MAX_LINES, PREAMBLE_MAX, StartTlsAnalyzer, sniffStartTls } from '../../core/app/starttls.js';
import type { StartTlsInfo } from '../../core/app/starttls.js';
import { createAppFactory } from '../../core/app/dispatch.js';
import { MAX_FLOW_ISSUES, Want } from '../../core/flow/types.js';
import type { Dir, Flow } from '../../core/flow/types.js';
import { flowToReport } from '../../core/report/build.js';
import { feedSteps } from './feed.js';
import { fakeFlow, x25519ClientHelloRecord, x25519ServerHelloRecord as serverHello } from '../tls/helpers.js';

const text = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const cat = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

const clientHello = (host = 'mail.example'): Uint8Array => x25519ClientHelloRecord(host);

function flow(serverPort: number): Flow {
  return { ...fakeFlow(), serverPort };
}

/** feeds [dir, bytes] steps to a fresh analyzer, each split into pieces of `piece` bytes */
function run(protocol: StartTlsInfo['protocol'], port: number, steps: Array<[Dir, Uint8Array]>, piece = Infinity): { f: Flow; a: StartTlsAnalyzer; wants: Want[] } {
  const f = flow(port);
  const a = new StartTlsAnalyzer(protocol);
  const wants = feedSteps(a, f, steps, piece);
  return { f, a, wants };
}

const SMTP_UPGRADE: Array<[Dir, Uint8Array]> = [
  [1, text('220 mx.example ESMTP\r\n')],
  [0, text('EHLO client.example\r\n')],
  [1, text('250-mx.example\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n')],
  [0, text('STARTTLS\r\n')],
  // the answer and the ServerHello in one chunk: the switch is at the line end
  [1, cat(text('220 2.0.0 Ready to start TLS\r\n'), serverHello())],
  [0, clientHello()],
];

describe('sniffStartTls', () => {
  it('recognises each greeting or first message and who sent it', () => {
    expect(sniffStartTls(text('220 mx.example ESMTP Postfix\r\n'))).toEqual({ protocol: 'smtp-or-ftp', senderIsServer: true });
    expect(sniffStartTls(text('220-first line of a multi-line greeting\r\n'))).toEqual({ protocol: 'smtp-or-ftp', senderIsServer: true });
    expect(sniffStartTls(text('+OK Dovecot ready.\r\n'))).toEqual({ protocol: 'pop3', senderIsServer: true });
    expect(sniffStartTls(text('* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n'))).toEqual({ protocol: 'imap', senderIsServer: true });
    expect(sniffStartTls(text('* PREAUTH ready\n'))).toEqual({ protocol: 'imap', senderIsServer: true });
    expect(sniffStartTls(text('200 news.example ready\r\n'))).toEqual({ protocol: 'nntp', senderIsServer: true });
    expect(sniffStartTls(Uint8Array.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]))).toEqual({ protocol: 'postgresql', senderIsServer: false });
    expect(sniffStartTls(pgStartup())).toEqual({ protocol: 'postgresql', senderIsServer: false });
    expect(sniffStartTls(mysqlGreeting())).toEqual({ protocol: 'mysql', senderIsServer: true });
  });

  it('rejects what only resembles them', () => {
    expect(sniffStartTls(text('220 no line end yet'))).toBeNull(); // a greeting is a whole line
    expect(sniffStartTls(text('HTTP/1.1 200 OK\r\n'))).toBeNull();
    expect(sniffStartTls(text('220 bell\x07\r\n'))).toBeNull(); // control character
    expect(sniffStartTls(Buffer.from('220 mx.example ESMTP — grüße\r\n', 'utf8'))?.protocol).toBe('smtp-or-ftp'); // a UTF-8 banner
    expect(sniffStartTls(text('2200 ok\r\n'))).toBeNull();
    expect(sniffStartTls(Uint8Array.from([0, 0, 0, 8, 0, 0, 0, 0]))).toBeNull();
    expect(sniffStartTls(Uint8Array.from([0, 0, 0, 40, 0, 3, 0, 0, 0xff, 0]))).toBeNull(); // a startup message needs a parameter name
    expect(sniffStartTls(new Uint8Array(0))).toBeNull();
    expect(sniffStartTls(text(`220 ${'x'.repeat(MAX_LINE)}\r\n`))).toBeNull();
  });

  it('the dispatcher attaches it only after every TLS-first and plaintext sniffer, and names the greeting sender the server', () => {
    const f = flow(25);
    const at = createAppFactory().attachStream(f, 0, text('220 mx.example ESMTP\r\n'));
    expect(at?.analyzer.name).toBe('starttls');
    expect(at?.clientIsDir).toBe(1);
    expect(f.app).toBe('unknown'); // named only once the client's commands confirm it
    expect(createAppFactory({ tls: false }).attachStream(flow(25), 0, text('220 mx.example ESMTP\r\n'))).toBeNull();
    const pg = createAppFactory().attachStream(flow(5432), 0, Uint8Array.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]));
    expect(pg?.clientIsDir).toBe(0);
  });
});

function pgStartup(): Uint8Array {
  const params = text('user\0agent\0database\0app\0\0');
  const b = Buffer.alloc(8);
  b.writeUInt32BE(8 + params.length, 0);
  b.writeUInt32BE(0x00030000, 4);
  return cat(b, params);
}
function mysqlGreeting(caps = 0xf7ff, tail = ''): Uint8Array {
  const payload = cat(
    Uint8Array.from([0x0a]),
    text('10.11.6-MariaDB\0'),
    Uint8Array.from([1, 0, 0, 0]),
    text('abcdefgh'),
    Uint8Array.from([0, caps & 0xff, caps >> 8, 8, 2, 0, 0xff, 0xc1, 21]),
    new Uint8Array(10),
    text(`ijklmnopqrst\0mysql_native_password\0${tail}`),
  );
  return cat(Uint8Array.from([payload.length & 0xff, payload.length >> 8, 0, 0]), payload);
}
function mysqlSslRequest(): Uint8Array {
  const p = Buffer.alloc(32);
  p.writeUInt32LE(0x000aa20d | 0x0800 | 0x0200, 0); // PROTOCOL_41, SSL, SECURE_CONNECTION …
  p.writeUInt32LE(16 * 1024 * 1024, 4);
  p[8] = 45;
  return cat(Uint8Array.from([32, 0, 0, 1]), p);
}
function mysqlLogin(): Uint8Array {
  const p = cat(Buffer.from([0x0d, 0xa2, 0x0a, 0x00]), Buffer.alloc(4), Uint8Array.from([45]), Buffer.alloc(23), text('agent\0'), Uint8Array.from([0]));
  return cat(Uint8Array.from([p.length, 0, 0, 1]), p);
}

/** BER TLV with a short or long-form length */
function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return cat(Uint8Array.from([tag, ...len]), content);
}
/** an LDAPMessage (RFC 4511 §4.1.1): SEQUENCE { messageID, protocolOp } */
function ldap(id: number, op: Uint8Array): Uint8Array {
  return tlv(0x30, cat(tlv(0x02, Uint8Array.from([id])), op));
}
const LDAP_STARTTLS = ldap(1, tlv(0x77, tlv(0x80, text('1.3.6.1.4.1.1466.20037'))));
const ldapExtendedResponse = (rc: number): Uint8Array => ldap(1, tlv(0x78, cat(tlv(0x0a, Uint8Array.from([rc])), tlv(0x04, new Uint8Array(0)), tlv(0x04, new Uint8Array(0)))));
const ldapSimpleBind = (dn: string, pw: string): Uint8Array => ldap(2, tlv(0x60, cat(tlv(0x02, Uint8Array.from([3])), tlv(0x04, text(dn)), tlv(0x80, text(pw)))));
const ldapSaslBind = (): Uint8Array => ldap(2, tlv(0x60, cat(tlv(0x02, Uint8Array.from([3])), tlv(0x04, new Uint8Array(0)), tlv(0xa3, tlv(0x04, text('GSSAPI'))))));

/** a TPKT (RFC 1006) packet holding an X.224 TPDU of `code` with `tail` after its fixed header */
function x224(code: number, tail: Uint8Array): Uint8Array {
  const tpdu = cat(Uint8Array.from([6 + tail.length, code, 0, 0, 0x12, 0x34, 0]), tail);
  const len = 4 + tpdu.length;
  return cat(Uint8Array.from([3, 0, len >> 8, len & 0xff]), tpdu);
}
/** RDP_NEG_REQ / RDP_NEG_RSP / RDP_NEG_FAILURE ([MS-RDPBCGR] 2.2.1.1.1, 2.2.1.2.1, 2.2.1.2.2) */
function rdpNeg(type: number, value: number): Uint8Array {
  return Uint8Array.from([type, 0, 8, 0, value & 0xff, (value >> 8) & 0xff, 0, 0]);
}
const RDP_CR = x224(0xe0, cat(text('Cookie: mstshash=agent\r\n'), rdpNeg(1, 0x3)));

describe('StartTlsAnalyzer', () => {
  it('SMTP: follows EHLO and STARTTLS to the handshake, which is decoded as TLS', () => {
    const { f, a } = run('smtp-or-ftp', 25, SMTP_UPGRADE);
    expect(a.info).toEqual({ protocol: 'smtp', request: 'STARTTLS', answer: 'accepted', upgraded: true, plaintext: false, plaintextCommand: null });
    expect(f.app).toBe('tls');
    expect(f.tls?.clientHello?.sni).toBe('mail.example');
    expect(f.tls?.serverHello?.keyShareGroup).toBe(0x001d);
    // what was read before the switch counts toward the bytes whose retransmissions are checked
    const preClient = 'EHLO client.example\r\nSTARTTLS\r\n'.length;
    expect(a.usedBytes(0)).toBeGreaterThanOrEqual(preClient + clientHello().length);
  });

  it('the same at every chunking, down to one byte at a time', () => {
    const whole = run('smtp-or-ftp', 25, SMTP_UPGRADE);
    for (const piece of [1, 2, 3, 7, 64]) {
      const r = run('smtp-or-ftp', 25, SMTP_UPGRADE, piece);
      expect(r.a.info, `pieces of ${piece}`).toEqual(whole.a.info);
      expect(r.f.tls?.clientHello?.sni).toBe('mail.example');
      expect(r.f.tls?.serverHello?.cipherSuite).toBe(0x1302);
      expect(r.f.issues).toEqual([]);
    }
  });

  it('the server direction delivered first (capture order across directions) still switches by content', () => {
    const steps: Array<[Dir, Uint8Array]> = [
      [1, text('220 mx.example ESMTP\r\n250 ok\r\n220 go ahead\r\n')],
      [1, serverHello()],
      [0, text('EHLO c\r\nSTARTTLS\r\n')],
      [0, clientHello('late.example')],
    ];
    const { f, a } = run('smtp-or-ftp', 25, steps);
    expect(a.info.upgraded).toBe(true);
    // replies are matched to commands by position (greeting, EHLO's, STARTTLS's), not by arrival
    expect(a.info.answer).toBe('accepted');
    expect(f.tls?.clientHello?.sni).toBe('late.example');
    expect(f.tls?.serverHello).toBeTruthy();
  });

  it('a refused STARTTLS followed by MAIL is a plaintext session', () => {
    const { f, a, wants } = run('smtp-or-ftp', 25, [
      [1, text('220 mx ESMTP\r\n')],
      [0, text('EHLO c\r\nSTARTTLS\r\n')],
      [1, text('250 mx\r\n454 4.7.0 TLS not available\r\n')],
      [0, text('MAIL FROM:<a@example>\r\nRCPT TO:<b@example>\r\n')],
    ]);
    expect(a.info).toMatchObject({ protocol: 'smtp', request: 'STARTTLS', answer: 'refused', upgraded: false, plaintext: true, plaintextCommand: 'MAIL' });
    expect(f.app).toBe('smtp');
    expect(wants.at(-1)).toBe(Want.DoneFlow);
    const r = flowToReport(f);
    expect([r?.kex.offered, r?.kex.negotiated]).toEqual(['plaintext', 'plaintext']);
    expect(r?.['starttls']).toMatchObject({ plaintext: true });
  });

  it('a session that ends before an upgrade or any content is unknown, not plaintext', () => {
    const { f, a } = run('smtp-or-ftp', 25, [
      [1, text('220 mx ESMTP\r\n')],
      [0, text('EHLO c\r\n')],
      [1, text('250 mx\r\n')],
    ]);
    f.bytes = [10, 20];
    expect(a.info.plaintext).toBe(false);
    const r = flowToReport(f);
    expect([r?.kex.negotiated, r?.kex.reason]).toEqual(['unknown', 'no-handshake-in-capture']);
  });

  it('a server that only greets like one names nothing: no starttls record without the client\'s confirmation', () => {
    const { f, a } = run('smtp-or-ftp', 7000, [
      [1, text('220 some other service\r\n')],
      [0, text('HELLO THERE\r\n')],
      [1, text('220 again\r\n')],
    ]);
    f.bytes = [13, 24];
    expect(a.info.protocol).toBe('smtp-or-ftp');
    expect(f.ext['starttls']).toBeUndefined();
    expect(f.app).toBe('unknown');
    expect(flowToReport(f).kex.reason).toBe('unrecognised-protocol');
    const pop = run('pop3', 7001, [[1, text('+OK hi\r\n')], [0, text('WHATEVER\r\n')]]);
    expect(pop.f.ext['starttls']).toBeUndefined();
  });

  it('FTP: AUTH TLS (and AUTH SSL) upgrade; the client\'s first command tells FTP from SMTP', () => {
    for (const arg of ['TLS', 'SSL', 'tls']) {
      const { f, a } = run('smtp-or-ftp', 21, [
        [1, text('220 ftp ready\r\n')],
        [0, text(`AUTH ${arg}\r\n`)],
        [1, cat(text('234 AUTH ok\r\n'), serverHello())],
        [0, clientHello('ftp.example')],
      ]);
      expect(a.info).toMatchObject({ protocol: 'ftp', request: `AUTH ${arg.toUpperCase()}`, answer: 'accepted', upgraded: true });
      expect(f.tls?.clientHello?.sni).toBe('ftp.example');
    }
    const plain = run('smtp-or-ftp', 21, [[1, text('220 ftp ready\r\n')], [0, text('USER agent\r\n')]]);
    expect(plain.a.info).toMatchObject({ protocol: 'ftp', plaintext: true, plaintextCommand: 'USER' });
    expect(plain.f.app).toBe('ftp');
  });

  it('IMAP: the answer is the tagged status of the STARTTLS command, untagged lines are not', () => {
    const steps = (status: string): Array<[Dir, Uint8Array]> => [
      [1, text('* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n')],
      [0, text('a1 CAPABILITY\r\n')],
      [1, text('* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK done\r\n')],
      [0, text('a2 STARTTLS\r\n')],
      [1, text(`* OK noise\r\na2 ${status}\r\n`)],
    ];
    expect(run('imap', 143, [...steps('OK Begin TLS'), [1, serverHello()], [0, clientHello()]]).a.info).toMatchObject({ request: 'STARTTLS', answer: 'accepted', upgraded: true });
    const no = run('imap', 143, [...steps('NO not now'), [0, text('a3 LOGIN agent secret\r\n')]]);
    expect(no.a.info).toMatchObject({ answer: 'refused', upgraded: false, plaintext: true, plaintextCommand: 'LOGIN' });
    expect(no.f.app).toBe('imap');
  });

  it('POP3 STLS and NNTP STARTTLS', () => {
    const pop = run('pop3', 110, [[1, text('+OK ready\r\n')], [0, text('STLS\r\n')], [1, cat(text('+OK Begin TLS\r\n'), serverHello())], [0, clientHello()]]);
    expect(pop.a.info).toMatchObject({ protocol: 'pop3', request: 'STLS', answer: 'accepted', upgraded: true });
    const nntp = run('nntp', 119, [[1, text('200 news ready\r\n')], [0, text('STARTTLS\r\n')], [1, cat(text('382 continue\r\n'), serverHello())], [0, clientHello()]]);
    expect(nntp.a.info).toMatchObject({ protocol: 'nntp', answer: 'accepted', upgraded: true });
    const popPlain = run('pop3', 110, [[1, text('+OK ready\r\n')], [0, text('USER agent\r\n')]]);
    expect(popPlain.a.info).toMatchObject({ plaintext: true, plaintextCommand: 'USER' });
  });

  it('PostgreSQL: SSLRequest, S, then TLS; the answer read in either delivery order', () => {
    const ssl = Uint8Array.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
    const inOrder = run('postgresql', 5432, [[0, ssl], [1, text('S')], [0, clientHello('db.example')], [1, serverHello()]]);
    expect(inOrder.a.info).toMatchObject({ protocol: 'postgresql', request: 'SSLRequest', answer: 'accepted', upgraded: true });
    expect(inOrder.f.tls?.clientHello?.sni).toBe('db.example');
    const serverFirst = run('postgresql', 5432, [[1, cat(text('S'), serverHello())], [0, cat(ssl, clientHello())]]);
    expect(serverFirst.a.info).toMatchObject({ answer: 'accepted', upgraded: true });
    expect(serverFirst.f.tls?.serverHello).toBeTruthy();
  });

  it('PostgreSQL: N then a StartupMessage is plaintext; a StartupMessage alone too; GSSAPI encryption is named', () => {
    const ssl = Uint8Array.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
    const refused = run('postgresql', 5432, [[0, ssl], [1, text('N')], [0, pgStartup()]]);
    expect(refused.a.info).toMatchObject({ request: 'SSLRequest', answer: 'refused', plaintext: true, plaintextCommand: 'StartupMessage' });
    expect(refused.f.app).toBe('postgresql');
    expect(run('postgresql', 5432, [[0, pgStartup()]]).a.info.plaintext).toBe(true);
    const gssenc = Uint8Array.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30]);
    const gss = run('postgresql', 5432, [[0, gssenc], [1, text('G')], [0, Uint8Array.from([0, 0, 0, 40, 1, 2, 3, 4])]]);
    expect(gss.f.issues).toContain('starttls.postgresql_gssenc');
    expect(gss.a.info.plaintext).toBe(false);
    // libpq's default order when it has Kerberos credentials: GSSENCRequest, 'N', SSLRequest, 'S', TLS
    const fallback = run('postgresql', 5432, [[0, gssenc], [1, text('N')], [0, ssl], [1, text('S')], [0, clientHello('db.example')], [1, serverHello()]]);
    expect(fallback.a.info).toMatchObject({ request: 'SSLRequest', answer: 'accepted', upgraded: true });
    expect(fallback.f.tls?.clientHello?.sni).toBe('db.example');
    expect(fallback.f.issues).toEqual([]);
    const gssThenPlain = run('postgresql', 5432, [[0, gssenc], [1, text('N')], [0, pgStartup()]]);
    expect(gssThenPlain.a.info).toMatchObject({ request: null, answer: null, plaintext: true });
  });

  it('MySQL: greeting, SSLRequest, then TLS; a HandshakeResponse instead is plaintext', () => {
    const tls = run('mysql', 3306, [[1, mysqlGreeting()], [0, mysqlSslRequest()], [0, clientHello('sql.example')], [1, serverHello()]]);
    expect(tls.a.info).toMatchObject({ protocol: 'mysql', request: 'SSLRequest', answer: 'accepted', upgraded: true });
    expect(tls.f.tls?.clientHello?.sni).toBe('sql.example');
    expect(tls.f.tls?.serverHello).toBeTruthy();
    const oneByte = run('mysql', 3306, [[1, mysqlGreeting()], [0, cat(mysqlSslRequest(), clientHello('sql.example'))], [1, serverHello()]], 1);
    expect(oneByte.a.info).toEqual(tls.a.info);
    // a greeting whose length's low byte is 0x16 (0x116 bytes) is not a TLS record
    const long = mysqlGreeting(0xf7ff, 'v'.repeat(0x116 - mysqlGreeting().length + 4));
    expect(long[0]).toBe(0x16);
    expect(sniffStartTls(long)?.protocol).toBe('mysql');
    const longRun = run('mysql', 3306, [[1, long], [0, mysqlSslRequest()], [0, clientHello('sql.example')], [1, serverHello()]]);
    expect(longRun.a.info).toEqual(tls.a.info);
    expect(longRun.f.issues).toEqual([]);
    const plain = run('mysql', 3306, [[1, mysqlGreeting()], [0, mysqlLogin()]]);
    expect(plain.a.info).toMatchObject({ request: null, plaintext: true, plaintextCommand: 'HandshakeResponse' });
    expect(plain.f.app).toBe('mysql');
  });

  it('LDAP: StartTLS extended operation, success, then TLS; at any chunking', () => {
    expect(sniffStartTls(LDAP_STARTTLS)).toEqual({ protocol: 'ldap', senderIsServer: false });
    expect(sniffStartTls(ldapSimpleBind('cn=a', 'pw'))).toEqual({ protocol: 'ldap', senderIsServer: false });
    expect(sniffStartTls(Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]))).toBeNull(); // no operation yet
    expect(sniffStartTls(Uint8Array.from([0x30, 0x05, 0x04, 0x01, 0x01, 0x60, 0x00]))).toBeNull(); // messageID not an INTEGER
    const steps: Array<[Dir, Uint8Array]> = [[0, LDAP_STARTTLS], [1, cat(ldapExtendedResponse(0), serverHello())], [0, clientHello('dir.example')]];
    for (const piece of [Infinity, 1, 5]) {
      const { f, a } = run('ldap', 389, steps, piece);
      expect(a.info, `pieces of ${piece}`).toEqual({ protocol: 'ldap', request: 'StartTLS', answer: 'accepted', upgraded: true, plaintext: false, plaintextCommand: null });
      expect(f.tls?.clientHello?.sni).toBe('dir.example');
      expect(f.tls?.serverHello).toBeTruthy();
    }
    const refused = run('ldap', 389, [[0, LDAP_STARTTLS], [1, ldapExtendedResponse(2)], [0, ldapSimpleBind('cn=admin,dc=example', 'secret')]]);
    expect(refused.a.info).toMatchObject({ request: 'StartTLS', answer: 'refused', plaintext: true, plaintextCommand: 'BindRequest' });
    expect(refused.f.app).toBe('ldap');
  });

  it('LDAP: a simple bind or a search before any bind is plaintext; a SASL bind is named, never plaintext', () => {
    expect(run('ldap', 389, [[0, ldapSimpleBind('cn=admin,dc=example', 'secret')]]).a.info).toMatchObject({ plaintext: true, plaintextCommand: 'BindRequest' });
    const search = ldap(1, tlv(0x63, cat(tlv(0x04, text('dc=example')), tlv(0x0a, Uint8Array.from([0])))));
    expect(run('ldap', 389, [[0, search]]).a.info).toMatchObject({ plaintext: true, plaintextCommand: 'SearchRequest' });
    const sasl = run('ldap', 389, [[0, ldapSaslBind()]]);
    expect(sasl.a.info.plaintext).toBe(false);
    expect(sasl.f.issues).toContain('starttls.sasl_auth');
    expect(sasl.f.ext['starttls']).toMatchObject({ protocol: 'ldap' });
    // a long-form length, a bind with a 300-byte DN
    const long = run('ldap', 389, [[0, ldapSimpleBind(`cn=${'x'.repeat(300)}`, 'pw')]], 7);
    expect(long.a.info.plaintext).toBe(true);
    // a message announcing more than the preamble may hold ends the direction
    const huge = run('ldap', 389, [[0, Uint8Array.from([0x30, 0x83, 0x10, 0x00, 0x00, 0x02, 0x01, 0x01, 0x63])]]);
    expect(huge.wants.at(-1)).toBe(Want.DoneDir);
  });

  it('RDP: X.224 negotiation selecting TLS or CredSSP, then the TLS handshake; at any chunking', () => {
    expect(sniffStartTls(RDP_CR)).toEqual({ protocol: 'rdp', senderIsServer: false });
    expect(sniffStartTls(x224(0xf0, text('data')))).toBeNull(); // a data TPDU is not a connection request
    expect(sniffStartTls(Uint8Array.from([3, 0, 0, 5, 0]))).toBeNull();
    for (const selected of [0x1, 0x2, 0x8]) {
      for (const piece of [Infinity, 1]) {
        const { f, a } = run('rdp', 3389, [[0, RDP_CR], [1, x224(0xd0, rdpNeg(2, selected))], [0, clientHello('rdp.example')], [1, serverHello()]], piece);
        expect(a.info, `selected ${selected}, pieces of ${piece}`).toEqual({ protocol: 'rdp', request: 'RDP_NEG_REQ SSL|HYBRID', answer: 'accepted', upgraded: true, plaintext: false, plaintextCommand: null });
        expect(f.tls?.clientHello?.sni).toBe('rdp.example');
        expect(f.tls?.serverHello).toBeTruthy();
      }
    }
  });

  it('RDP: Standard RDP Security (selected, or no negotiation) is named and stays unknown', () => {
    const mcs = x224(0xf0, new Uint8Array(40)); // what follows the confirm: MCS Connect Initial, not TLS
    for (const confirm of [x224(0xd0, rdpNeg(2, 0)), x224(0xd0, new Uint8Array(0))]) {
      const { f, a, wants } = run('rdp', 3389, [[0, RDP_CR], [1, confirm], [0, mcs]]);
      expect(f.issues).toContain('starttls.rdp_standard_security');
      expect(a.info.upgraded).toBe(false);
      expect(a.info.plaintext).toBe(false);
      expect(wants.at(-1)).toBe(Want.DoneFlow);
      f.bytes = [100, 100];
      expect([flowToReport(f).kex.negotiated, flowToReport(f).kex.reason]).toEqual(['unknown', 'rdp-standard-security']);
    }
  });

  it('review: Active Directory\'s 4-byte BER lengths (0x84) on both sides', () => {
    const adStartTls = Buffer.from('3084000000230201017784000000' + '1a' + '8016312e332e362e312e342e312e313436362e3230303337', 'hex');
    // the request's length bytes count from after them: 0x23 is the rest of the message
    adStartTls[5] = adStartTls.length - 6;
    expect(sniffStartTls(adStartTls)?.protocol).toBe('ldap');
    const adResponse = Buffer.from('3084000000100201017884000000070a010004000400', 'hex');
    const { f, a } = run('ldap', 389, [[0, adStartTls], [1, cat(adResponse, serverHello())], [0, clientHello('ad.example')]]);
    expect(a.info).toMatchObject({ request: 'StartTLS', answer: 'accepted', upgraded: true });
    expect(f.tls?.serverHello).toBeTruthy();
    expect(f.tls?.clientHello?.sni).toBe('ad.example');
  });

  it('review: an anonymous bind or a root DSE read before StartTLS is discovery, not plaintext', () => {
    const anonymous = ldap(1, tlv(0x60, cat(tlv(0x02, Uint8Array.from([3])), tlv(0x04, new Uint8Array(0)), tlv(0x80, new Uint8Array(0)))));
    const rootDse = ldap(1, tlv(0x63, cat(tlv(0x04, new Uint8Array(0)), tlv(0x0a, Uint8Array.from([0])), tlv(0x0a, Uint8Array.from([0])), tlv(0x87, text('objectClass')), tlv(0x30, tlv(0x04, text('supportedExtension'))))));
    for (const first of [anonymous, rootDse]) {
      const { f, a } = run('ldap', 389, [[0, first], [1, ldap(1, tlv(0x61, Uint8Array.from([0x0a, 1, 0, 4, 0, 4, 0])))], [0, LDAP_STARTTLS], [1, cat(ldapExtendedResponse(0), serverHello())], [0, clientHello('dir.example')]]);
      expect(a.info).toMatchObject({ request: 'StartTLS', answer: 'accepted', upgraded: true, plaintext: false });
      expect(f.tls?.clientHello?.sni).toBe('dir.example');
    }
    // a search of a real base is content
    const search = ldap(1, tlv(0x63, cat(tlv(0x04, text('dc=example')), tlv(0x0a, Uint8Array.from([0])))));
    expect(run('ldap', 389, [[0, search]]).a.info.plaintext).toBe(true);
  });

  it('review: SASL mechanisms with a security layer of their own are undecided, the others plaintext', () => {
    for (const [proto, greet, line] of [
      ['smtp-or-ftp', '220 mx ESMTP\r\n', 'AUTH GSSAPI'],
      ['pop3', '+OK hi\r\n', 'AUTH GSSAPI'],
      ['imap', '* OK hi\r\n', 'a1 AUTHENTICATE GSS-SPNEGO'],
      ['nntp', '200 hi\r\n', 'AUTHINFO SASL DIGEST-MD5'],
    ] as const) {
      const steps: Array<[Dir, Uint8Array]> = [[1, text(greet)], [0, text(proto === 'smtp-or-ftp' ? `EHLO c\r\n${line}\r\n` : `${line}\r\n`)]];
      const { f, a, wants } = run(proto, 25, steps);
      expect(a.info.plaintext, line).toBe(false);
      expect(f.issues).toContain('starttls.sasl_auth');
      expect(wants.at(-1)).toBe(Want.DoneFlow);
      f.bytes = [10, 10];
      expect(flowToReport(f).kex.reason).toBe('sasl-auth');
    }
    expect(run('smtp-or-ftp', 25, [[1, text('220 mx\r\n')], [0, text('EHLO c\r\nAUTH PLAIN AGFnZW50AHNlY3JldA==\r\n')]]).a.info).toMatchObject({ plaintext: true, plaintextCommand: 'AUTH' });
    // POP3's bare AUTH lists the mechanisms (RFC 5034 §4): then STLS
    const pop = run('pop3', 110, [[1, text('+OK hi\r\n')], [0, text('AUTH\r\n')], [1, text('+OK\r\nPLAIN\r\n.\r\n')], [0, text('STLS\r\n')], [1, cat(text('+OK go\r\n'), serverHello())], [0, clientHello()]]);
    expect(pop.a.info).toMatchObject({ request: 'STLS', answer: 'accepted', upgraded: true });
    const ldapSaslPlain = ldap(2, tlv(0x60, cat(tlv(0x02, Uint8Array.from([3])), tlv(0x04, new Uint8Array(0)), tlv(0xa3, tlv(0x04, text('PLAIN'))))));
    expect(run('ldap', 389, [[0, ldapSaslPlain]]).a.info.plaintext).toBe(true);
  });

  it('review: pipelined commands get their own replies (POP3 CAPA + STLS, STLS refused)', () => {
    const { a } = run('pop3', 110, [
      [1, text('+OK ready\r\n')],
      [0, text('CAPA\r\nSTLS\r\n')],
      [1, text('+OK\r\nPIPELINING\r\nUSER\r\n.\r\n-ERR TLS not available\r\n')],
      [0, text('USER bob\r\n')],
    ]);
    expect(a.info).toMatchObject({ request: 'STLS', answer: 'refused', plaintext: true, plaintextCommand: 'USER' });
  });

  it('review: TLS records from the server do not hide a client that sends mail in the clear', () => {
    const steps: Array<[Dir, Uint8Array]> = [[1, text('220 mx ESMTP\r\n')], [0, text('EHLO c\r\n')], [1, cat(text('250 ok\r\n'), clientHello('forged.example'), serverHello())], [0, text('MAIL FROM:<a@b>\r\n')]];
    const { f, a } = run('smtp-or-ftp', 25, steps);
    expect(a.info.plaintext).toBe(true);
    const r = flowToReport(f);
    expect([r.kex.offered, r.kex.negotiated]).toEqual(['plaintext', 'plaintext']);
    // and a client's TLS record before any upgrade request is not read as its handshake
    const early = run('smtp-or-ftp', 25, [[1, text('220 mx ESMTP\r\n')], [0, cat(text('EHLO c\r\n'), clientHello('early.example'))]]);
    expect(early.f.issues).toContain('starttls.tls_without_request');
    expect(early.f.tls?.clientHello).toBeUndefined();
  });

  it('review: PostgreSQL protocol 3.2 (PostgreSQL 18) StartupMessage', () => {
    const params = text('user\0postgres\0database\0postgres\0\0');
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + params.length, 0);
    head.writeUInt32BE(0x00030002, 4);
    const v32 = cat(head, params);
    expect(sniffStartTls(v32)?.protocol).toBe('postgresql');
    const ssl = Uint8Array.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
    expect(run('postgresql', 5432, [[0, ssl], [1, text('N')], [0, v32]]).a.info).toMatchObject({ answer: 'refused', plaintext: true });
  });

  it('XMPP: stream headers, <starttls/>, <proceed/>, then TLS; a stanza or PLAIN auth before it is plaintext', () => {
    const header = text("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.org' version='1.0'>");
    expect(sniffStartTls(header)).toEqual({ protocol: 'xmpp', senderIsServer: false });
    expect(sniffStartTls(text('<?xml version="1.0"?><soap:Envelope>'))).toBeNull(); // XML, not an XMPP stream
    const features = text("<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' id='1' from='example.org' version='1.0'><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>");
    const steps: Array<[Dir, Uint8Array]> = [
      [0, header], [1, features],
      [0, text("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")],
      [1, cat(text("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"), serverHello())],
      [0, clientHello('chat.example')],
    ];
    for (const piece of [Infinity, 1, 9]) {
      const { f, a } = run('xmpp', 5222, steps, piece);
      expect(a.info, `pieces of ${piece}`).toEqual({ protocol: 'xmpp', request: 'starttls', answer: 'accepted', upgraded: true, plaintext: false, plaintextCommand: null });
      expect(f.tls?.clientHello?.sni).toBe('chat.example');
    }
    const plainAuth = run('xmpp', 5222, [[0, header], [1, features], [0, text("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFnZW50AHNlY3JldA==</auth>")]]);
    expect(plainAuth.a.info).toMatchObject({ plaintext: true, plaintextCommand: 'auth' });
    expect(plainAuth.f.app).toBe('xmpp');
    const gssapi = run('xmpp', 5222, [[0, header], [0, text("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='GSSAPI'/>")]]);
    expect(gssapi.f.issues).toContain('starttls.sasl_auth');
    expect(gssapi.a.info.plaintext).toBe(false);
    const message = run('xmpp', 5222, [[0, header], [0, text("<message to='a@example.org'><body>hi</body></message>")]]);
    expect(message.a.info).toMatchObject({ plaintext: true, plaintextCommand: 'message' });
    const refused = run('xmpp', 5222, [[0, header], [0, text("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")], [1, text("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")]]);
    expect(refused.a.info.answer).toBe('refused');
  });

  it('review 2: an XML declaration in a segment of its own (libpurple), and a server\'s stream header named as such', () => {
    const decl = text("<?xml version='1.0' ?>");
    expect(sniffStartTls(decl)).toEqual({ protocol: 'xmpp', senderIsServer: false });
    expect(sniffStartTls(text("<?xml version='1.0' ?><note>not a stream</note>"))).toBeNull();
    const serverHeader = text("<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' id='c2s-1' from='example.org' version='1.0'>");
    expect(sniffStartTls(serverHeader)).toEqual({ protocol: 'xmpp', senderIsServer: true });
    const rest = text("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.org' version='1.0'>");
    const { f, a } = run('xmpp', 5222, [
      [0, decl], [0, rest], [1, serverHeader],
      [0, text("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\n")],
      // whitespace after the last tag before TLS (RFC 6120 §11.7)
      [1, cat(text("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\r\n"), serverHello())],
      [0, clientHello('chat.example')],
    ]);
    expect(a.info).toMatchObject({ request: 'starttls', answer: 'accepted', upgraded: true });
    expect(f.tls?.clientHello?.sni).toBe('chat.example');
    expect(f.tls?.serverHello).toBeTruthy();
    // a declaration alone names nothing until the stream header confirms XMPP
    const lone = run('xmpp', 5222, [[0, decl]]);
    expect(lone.f.ext['starttls']).toBeUndefined();
  });

  it('review 2: RDP correlation info after the negotiation request; ISO-on-TCP that is not RDP; a negotiation failure', () => {
    const correlation = Uint8Array.from([0x06, 0, 36, 0, ...new Array<number>(32).fill(0x11)]);
    const neg = Uint8Array.from([1, 0x08, 8, 0, 0x03, 0, 0, 0]); // flags: CORRELATION_INFO_PRESENT
    const cr = x224(0xe0, cat(text('Cookie: mstshash=agent\r\n'), neg, correlation));
    const { f, a } = run('rdp', 3389, [[0, cr], [1, x224(0xd0, rdpNeg(2, 2))], [0, clientHello('rdp.example')], [1, serverHello()]]);
    expect(a.info).toMatchObject({ request: 'RDP_NEG_REQ SSL|HYBRID', answer: 'accepted', upgraded: true });
    expect(f.tls?.clientHello?.sni).toBe('rdp.example');
    // an S7comm connection request (TSAP parameters, no cookie, no negotiation) is not RDP
    expect(sniffStartTls(x224(0xe0, Uint8Array.from([0xc1, 2, 1, 0, 0xc2, 2, 1, 2, 0xc0, 1, 0x0a])))).toBeNull();
    // a negotiation request without a cookie still is
    expect(sniffStartTls(x224(0xe0, rdpNeg(1, 3)))?.protocol).toBe('rdp');
    const failure = run('rdp', 3389, [[0, RDP_CR], [1, x224(0xd0, rdpNeg(3, 5))]]);
    expect(failure.a.info.answer).toBe('refused');
    expect(failure.f.issues).toEqual(['starttls.rdp_negotiation_failure']);
  });

  it('bounds: a long line, too many lines, a gap and a non-TLS 0x16 are named issues that end the direction', () => {
    const long = run('pop3', 110, [[1, text('+OK ready\r\n')], [0, text('X'.repeat(MAX_LINE + 10))]]);
    expect(long.f.issues).toContain('starttls.line_too_long');
    expect(long.wants.at(-1)).toBe(Want.DoneDir);
    const many = run('pop3', 110, [[1, text('+OK ready\r\n')], [0, text('NOOP\r\n'.repeat(MAX_LINES + 5))]]);
    expect(many.f.issues).toContain('starttls.too_many_lines');
    const junk = run('pop3', 110, [[1, text('+OK ready\r\n')], [0, cat(text('STLS\r\n'), Uint8Array.from([0x16, 0x99, 0x99, 0, 1, 1]))]]);
    expect(junk.f.issues).toContain('starttls.not_tls');
    const f = flow(110);
    const a = new StartTlsAnalyzer('pop3');
    a.onData(f, 1, text('+OK ready\r\n'), 0);
    expect(a.onGap(f, 0, 100)).toBe(Want.DoneDir);
    expect(f.issues).toContain('starttls.gap');
    expect(a.onData(f, 0, text('STLS\r\n'), 0)).toBe(Want.DoneDir);
  });

  it('holds at most PREAMBLE_MAX bytes before the switch', () => {
    // lines just under the line limit, never completing the preamble
    const line = text(`NOOP ${'y'.repeat(MAX_LINE - 10)}\r\n`);
    const f = flow(110);
    const a = new StartTlsAnalyzer('pop3');
    let w: Want = Want.More;
    let fed = 0;
    while (w === Want.More && fed < 4 * PREAMBLE_MAX) {
      w = a.onData(f, 0, line, 0);
      fed += line.length;
    }
    expect(w).toBe(Want.DoneDir);
    expect(fed).toBeLessThanOrEqual(PREAMBLE_MAX + line.length);
    expect(f.issues.some((i) => i === 'starttls.preamble_too_long' || i === 'starttls.too_many_lines')).toBe(true);
  });

  it('random and mutated bytes in random directions never throw, and issues stay capped', () => {
    const base = [...SMTP_UPGRADE.map(([, b]) => b), LDAP_STARTTLS, ldapExtendedResponse(0), ldapSimpleBind('cn=a', 'b'), RDP_CR, x224(0xd0, rdpNeg(2, 1))];
    fc.assert(
      fc.property(
        fc.constantFrom<StartTlsInfo['protocol']>('smtp-or-ftp', 'imap', 'pop3', 'nntp', 'postgresql', 'mysql', 'ldap', 'rdp', 'xmpp'),
        fc.array(fc.tuple(fc.constantFrom<Dir>(0, 1), fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...base))), { maxLength: 40 }),
        (proto, steps) => {
          const f = flow(25);
          const a = new StartTlsAnalyzer(proto);
          for (const [dir, bytes] of steps) {
            const w = a.onData(f, dir, bytes, 0);
            expect([Want.More, Want.DoneDir, Want.DoneFlow]).toContain(w);
            if (bytes.length === 3) a.onGap(f, dir, 5);
          }
          a.onEnd(f);
          expect(f.issues.length).toBeLessThanOrEqual(MAX_FLOW_ISSUES);
          expect(a.usedBytes(0)).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 400 },
    );
  });
});
