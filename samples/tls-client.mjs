// Minimal HTTP/1.1 client over TLS (or plaintext with --plain) for making sample captures.
// Plain JS, no dependencies; runs on Node 20 (OpenSSL 3.0) and Node 22 (OpenSSL 3.5).
//
//   node tls-client.mjs --port 8443 [--host 127.0.0.1] [--sni name] [--plain]
//        [--local-address 127.0.0.2] [--local-port 40001]
//        [--min TLSv1.3] [--max TLSv1.3] [--groups X25519MLKEM768:x25519] [--ciphers ...]
//        [--method GET|POST] [--path /] [--body '{"a":1}'] [--keylog FILE]
// Environment equivalents: PORT, HOST, SNI, PLAIN=1, LOCAL_ADDRESS, LOCAL_PORT, MIN_VERSION,
// MAX_VERSION, GROUPS, CIPHERS, METHOD, REQ_PATH, BODY.
// One request per connection (Connection: close); prints a one-line summary on stderr.
// The certificate is a throwaway self-signed one, so it is not verified.
import { parseArgs } from 'node:util';
import { appendFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';

const { values: a } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8443' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
    sni: { type: 'string', default: process.env.SNI },
    plain: { type: 'boolean', default: process.env.PLAIN === '1' },
    'local-address': { type: 'string', default: process.env.LOCAL_ADDRESS },
    'local-port': { type: 'string', default: process.env.LOCAL_PORT },
    min: { type: 'string', default: process.env.MIN_VERSION },
    max: { type: 'string', default: process.env.MAX_VERSION },
    groups: { type: 'string', default: process.env.GROUPS },
    ciphers: { type: 'string', default: process.env.CIPHERS },
    method: { type: 'string', default: process.env.METHOD ?? 'GET' },
    path: { type: 'string', default: process.env.REQ_PATH ?? '/' },
    body: { type: 'string', default: process.env.BODY },
    keylog: { type: 'string', default: process.env.KEYLOG },
  },
});

const headers = { 'user-agent': 'hndl-scan-sample/1', accept: 'application/json', connection: 'close' };
if (a.sni) headers.host = a.sni;
if (a.body !== undefined) {
  headers['content-type'] = 'application/json';
  headers['content-length'] = Buffer.byteLength(a.body);
}
const opts = {
  host: a.host,
  port: Number(a.port),
  method: a.method,
  path: a.path,
  headers,
  agent: false,
};
if (a['local-address']) opts.localAddress = a['local-address'];
if (a['local-port']) opts.localPort = Number(a['local-port']);
if (!a.plain) {
  opts.rejectUnauthorized = false;
  if (a.sni) opts.servername = a.sni;
  if (a.min) opts.minVersion = a.min;
  if (a.max) opts.maxVersion = a.max;
  if (a.groups) opts.ecdhCurve = a.groups;
  if (a.ciphers) opts.ciphers = a.ciphers;
}

const req = (a.plain ? http : https).request(opts, (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    const s = res.socket;
    const eph = s.getEphemeralKeyInfo?.() ?? {};
    const tlsInfo = a.plain ? 'plaintext' : `${s.getProtocol?.()} ${s.getCipher?.()?.name} group=${eph.name ?? '-'}`;
    process.stderr.write(`client: ${res.statusCode} ${tlsInfo} ${Buffer.concat(chunks).toString().trim()}\n`);
  });
});
if (a.keylog) req.on('socket', (s) => s.on('keylog', (line) => appendFileSync(a.keylog, line)));
req.on('error', (e) => {
  process.stderr.write(`client error: ${e.message}\n`);
  process.exitCode = 1;
});
req.end(a.body);
