// Minimal HTTP/1.1 server over TLS (or plaintext with --plain) for making sample captures.
// Plain JS, no dependencies; runs on Node 20 (OpenSSL 3.0) and Node 22 (OpenSSL 3.5).
//
//   node tls-server.mjs --port 8443 [--host 127.0.0.1] [--cert C --key K] [--plain]
//        [--min TLSv1.3] [--max TLSv1.3] [--groups x25519:P-256] [--ciphers ...]
//        [--count 1] [--keylog FILE]
// Every option may also come from the environment: PORT, HOST, CERT, KEY, PLAIN=1, MIN_VERSION,
// MAX_VERSION, GROUPS, CIPHERS, COUNT. The server exits after COUNT connections have closed.
// It prints "listening <port>" on stdout once it accepts connections.
import { parseArgs } from 'node:util';
import { readFileSync, appendFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';

const { values: a } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8443' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
    cert: { type: 'string', default: process.env.CERT },
    key: { type: 'string', default: process.env.KEY },
    plain: { type: 'boolean', default: process.env.PLAIN === '1' },
    min: { type: 'string', default: process.env.MIN_VERSION },
    max: { type: 'string', default: process.env.MAX_VERSION },
    groups: { type: 'string', default: process.env.GROUPS },
    ciphers: { type: 'string', default: process.env.CIPHERS },
    count: { type: 'string', default: process.env.COUNT ?? '1' },
    keylog: { type: 'string', default: process.env.KEYLOG },
  },
});

let remaining = Number(a.count);

function handler(req, res) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.stringify({
      ok: true,
      method: req.method,
      path: req.url,
      received: Buffer.concat(chunks).length,
      proto: req.socket.getProtocol?.() ?? 'plaintext',
    }) + '\n';
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    res.end(body);
  });
}

let server;
if (a.plain) {
  server = http.createServer(handler);
} else {
  const opts = { cert: readFileSync(a.cert), key: readFileSync(a.key) };
  if (a.min) opts.minVersion = a.min;
  if (a.max) opts.maxVersion = a.max;
  if (a.groups) opts.ecdhCurve = a.groups;
  if (a.ciphers) opts.ciphers = a.ciphers;
  server = https.createServer(opts, handler);
  if (a.keylog) server.on('keylog', (line) => appendFileSync(a.keylog, line));
  server.on('secureConnection', (s) => {
    const eph = s.getEphemeralKeyInfo?.() ?? {};
    process.stderr.write(
      `server: ${s.getProtocol()} ${s.getCipher()?.name} group=${eph.name ?? '-'}\n`,
    );
  });
  server.on('tlsClientError', (e) => process.stderr.write(`server tls error: ${e.message}\n`));
}
server.keepAliveTimeout = 1;
server.on('connection', (sock) => {
  sock.on('close', () => {
    if (--remaining <= 0) server.close(() => process.exit(0));
  });
});
server.listen(Number(a.port), a.host, () => process.stdout.write(`listening ${a.port}\n`));
