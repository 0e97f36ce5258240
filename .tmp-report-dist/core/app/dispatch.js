import { sniffTls, TlsAnalyzer } from '../tls/analyzer.js';
import { sniffSsh, SshAnalyzer } from '../ssh/analyzer.js';
import { HttpAnalyzer, NdjsonRpcAnalyzer, sniffHttp, sniffNdjsonRpc } from '../mcp/index.js';
import { looksLikeClientInitial, sniffQuic, QuicAnalyzer } from '../quic/analyzer.js';
import { DnsAnalyzer, looksLikeDns } from './dns.js';
import { SocksAnalyzer, sniffSocks } from './socks.js';
export function createAppFactory(opts = {}) {
    const factory = {
        attachStream(flow, dir, chunk) {
            const tls = sniffTls(chunk);
            if (tls !== null) {
                flow.app = 'tls';
                // a ClientHello names its sender the client; a ServerHello names the other side
                const clientIsDir = tls === 'server-hello' ? (dir === 0 ? 1 : 0) : dir;
                return { analyzer: new TlsAnalyzer(), clientIsDir: tls === 'tls' ? 0 : clientIsDir };
            }
            if (sniffSsh(chunk)) {
                flow.app = 'ssh';
                return { analyzer: new SshAnalyzer(opts.weirds) };
            }
            if (sniffHttp(chunk)) {
                flow.app = 'http';
                const isResponse = chunk[0] === 0x48 && chunk[1] === 0x54 && chunk[2] === 0x54 && chunk[3] === 0x50 && chunk[4] === 0x2f;
                const clientIsDir = isResponse ? (dir === 0 ? 1 : 0) : dir;
                return { analyzer: new HttpAnalyzer({ onPayload: opts.onMcpPayload, maxBytesPerDir: opts.httpBytesPerDir }), clientIsDir };
            }
            if (sniffNdjsonRpc(chunk)) {
                flow.app = 'mcp';
                return { analyzer: new NdjsonRpcAnalyzer({ onPayload: opts.onMcpPayload, maxBytesPerDir: opts.httpBytesPerDir }) };
            }
            const socks = sniffSocks(chunk);
            if (socks !== null) {
                // the proxied stream is analysed by whatever follows the SOCKS handshake
                return { analyzer: new SocksAnalyzer(socks, (f, d, c) => factory.attachStream(f, d, c)?.analyzer ?? null), clientIsDir: dir };
            }
            return null;
        },
        attachDatagram(flow, dir, payload) {
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
//# sourceMappingURL=dispatch.js.map