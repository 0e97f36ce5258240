/**
 * Chooses the application-layer analyzer of a flow by content, never by port (a TLS server on
 * 8443 and plaintext HTTP on 443 are both recognised for what they are). Order matters only
 * where signatures could overlap; each sniffer checks a protocol's own first bytes:
 * TLS record or SSLv2 hello (RFC 8446 §5.1, RFC 5246 App. E.2), SSH banner (RFC 4253 §4.2),
 * HTTP/1.1 request or status line (RFC 9112 §3, §4), newline-delimited JSON-RPC 2.0,
 * an HTTP CONNECT tunnel (RFC 9110 §9.3.6: the tunnelled stream is analysed, core/app/http-connect.ts),
 * QUIC long header (RFC 9000 §17.2), DNS header (RFC 1035 §4.1.1), and the greetings and first
 * messages of protocols that upgrade to TLS in-band (STARTTLS and kin: core/app/starttls.ts).
 */
import type { AppFactory, AttachDatagram, AttachStream, Dir, Flow } from '../flow/types.js';
import { sniffTls, TlsAnalyzer } from '../tls/analyzer.js';
import { sniffSsh, SshAnalyzer } from '../ssh/analyzer.js';

import { HttpAnalyzer, NdjsonRpcAnalyzer, sniffHttp, sniffNdjsonRpc } from '../mcp/index.js';
import type { OnPayload } from '../mcp/index.js';
import { looksLikeClientInitial, sniffQuic, QuicAnalyzer } from '../quic/analyzer.js';
import type { Weirds } from '../util/weirds.js';
import { DnsAnalyzer, DnsStreamAnalyzer, looksLikeDns, looksLikeDnsOverTcp } from './dns.js';
import { SocksAnalyzer, sniffSocks } from './socks.js';
import { StartTlsAnalyzer, sniffStartTls } from './starttls.js';
import { HttpConnectAnalyzer, sniffConnect } from './http-connect.js';

export interface DispatchOptions {
  /** in-memory view of MCP argument/result values for sensitivity detectors (never stored) */
  onMcpPayload?: OnPayload;
  /** per-direction byte budget for HTTP/MCP flows (followed past the handshake budget) */
  httpBytesPerDir?: number;
  weirds?: Weirds;
  /**
   * false: TLS over TCP is not recognised (its flows stay 'unknown'). Only for measuring what
   * the TLS analysis costs (`npm run bench -- FILE --compare-tls`); default true.
   */
  tls?: boolean;
}

export function createAppFactory(opts: DispatchOptions = {}): AppFactory {
  const tlsOn = opts.tls !== false;
  const factory: AppFactory = {
    attachStream(flow: Flow, dir: Dir, chunk: Uint8Array): AttachStream | null {
      const tls = tlsOn ? sniffTls(chunk) : null;
      if (tls !== null) {
        flow.app = 'tls';
        // a ClientHello names its sender the client; a ServerHello names the other side
        const clientIsDir: Dir = tls === 'server-hello' ? (dir === 0 ? 1 : 0) : dir;
        return { analyzer: new TlsAnalyzer(), clientIsDir: tls === 'tls' ? 0 : clientIsDir };
      }
      if (sniffSsh(chunk)) {
        flow.app = 'ssh';
        return { analyzer: new SshAnalyzer(opts.weirds) };
      }
      if (sniffConnect(chunk)) {
        // a forward proxy's tunnel: the heads are read here, the tunnelled stream by whatever it is
        return { analyzer: new HttpConnectAnalyzer((f, d, c) => factory.attachStream(f, d, c)?.analyzer ?? null), clientIsDir: dir };
      }
      if (sniffHttp(chunk)) {
        flow.app = 'http';
        const isResponse = chunk[0] === 0x48 && chunk[1] === 0x54 && chunk[2] === 0x54 && chunk[3] === 0x50 && chunk[4] === 0x2f;
        const clientIsDir: Dir = isResponse ? (dir === 0 ? 1 : 0) : dir;
        return { analyzer: new HttpAnalyzer({ onPayload: opts.onMcpPayload, maxBytesPerDir: opts.httpBytesPerDir }), clientIsDir };
      }
      if (sniffNdjsonRpc(chunk)) {
        flow.app = 'mcp';
        return { analyzer: new NdjsonRpcAnalyzer({ onPayload: opts.onMcpPayload, maxBytesPerDir: opts.httpBytesPerDir }) };
      }
      if ((flow.serverPort === 53 || flow.clientPort === 53) && looksLikeDnsOverTcp(chunk)) {
        flow.app = 'dns';
        return { analyzer: new DnsStreamAnalyzer() };
      }
      const socks = sniffSocks(chunk);
      if (socks !== null) {
        // the proxied stream is analysed by whatever follows the SOCKS handshake
        return { analyzer: new SocksAnalyzer(socks, (f, d, c) => factory.attachStream(f, d, c)?.analyzer ?? null), clientIsDir: dir };
      }
      if (tlsOn) {
        const st = sniffStartTls(chunk);
        if (st !== null) {
          // a greeting names the other side the client; a client-first protocol's opener its sender
          const clientIsDir: Dir = st.senderIsServer ? (dir === 0 ? 1 : 0) : dir;
          return { analyzer: new StartTlsAnalyzer(st.protocol), clientIsDir };
        }
      }
      return null;
    },
    attachDatagram(flow: Flow, dir: Dir, payload: Uint8Array): AttachDatagram | null {
      if (sniffQuic(payload)) {
        flow.app = 'quic';
        // one analyzer per flow keeps state simple; the client is the sender of a full-size client Initial
        const a = new QuicAnalyzer(opts.weirds);
        return looksLikeClientInitial(payload) ? { analyzer: a, clientIsDir: dir } : { analyzer: a };
      }
      if ((flow.serverPort === 53 || flow.clientPort === 53 || flow.serverPort === 5353) && looksLikeDns(payload)) {
        flow.app = 'dns';
        return { analyzer: new DnsAnalyzer() };
      }
      return null;
    },
  };
  return factory;
}
