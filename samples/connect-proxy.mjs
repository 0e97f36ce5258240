// A forward proxy that tunnels HTTP CONNECT (RFC 9110 §9.3.6) and asks for Basic credentials
// first (407 with a small body, connection kept open for the retry), for the HTTP CONNECT sample
// (samples/make-starttls-samples.sh).
//   node connect-proxy.mjs --port P [--user U --pass W]
// Prints "listening" once bound; tunnels to whatever host:port the client asks for.
import net from 'node:net';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const port = Number(opt('port', '3128'));
const user = opt('user', undefined);
const want = user === undefined ? null : `Basic ${Buffer.from(`${user}:${opt('pass', '')}`).toString('base64')}`;

const server = net.createServer((client) => {
  let buf = Buffer.alloc(0);
  const onData = (d) => {
    buf = Buffer.concat([buf, d]);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buf.subarray(0, end).toString('latin1').split('\r\n');
    const rest = buf.subarray(end + 4);
    buf = Buffer.alloc(0);
    const [method, target] = (head[0] ?? '').split(' ');
    const auth = head.find((l) => l.toLowerCase().startsWith('proxy-authorization:'))?.slice(20).trim() ?? null;
    if (method !== 'CONNECT') {
      client.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (want !== null && auth !== want) {
      const body = 'proxy authentication required\n';
      client.write(`HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="hndl"\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      return; // the client asks again on this connection
    }
    client.removeListener('data', onData);
    const [host, p] = (target ?? '').split(':');
    const upstream = net.connect(Number(p), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (rest.length > 0) upstream.write(rest);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
  };
  client.on('data', onData);
  client.on('error', () => {});
});
server.listen(port, '127.0.0.1', () => console.log('listening'));
