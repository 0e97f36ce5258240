// An SMTP client that upgrades with STARTTLS (RFC 3207) and sends one message, for the hybrid
// STARTTLS sample (samples/make-starttls-samples.sh): run with Node 22, whose OpenSSL 3.5 offers
// X25519MLKEM768. (The other STARTTLS samples use Python's smtplib, imaplib, poplib and ftplib.)
//   node starttls-client.mjs --port P [--host H] [--local-address A] [--sni NAME]
import net from 'node:net';
import tls from 'node:tls';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const host = opt('host', '127.0.0.1');
const port = Number(opt('port', '25'));
const localAddress = opt('local-address', undefined);
const servername = opt('sni', 'mail.hndl.test');

/** reads whole SMTP replies (last line "ddd SP …") from a socket */
function replies(sock) {
  let buf = '';
  const waiting = [];
  const ready = [];
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
        const w = waiting.shift();
        if (w) w(line);
        else ready.push(line);
      }
    }
  });
  return () => new Promise((res) => (ready.length ? res(ready.shift()) : waiting.push(res)));
}

const raw = net.connect({ host, port, ...(localAddress ? { localAddress } : {}) });
await new Promise((res, rej) => raw.once('connect', res).once('error', rej));
let next = replies(raw);
const expectCode = async (code) => {
  const line = await next();
  if (!line.startsWith(String(code))) throw new Error(`expected ${code}, got ${line}`);
};
await expectCode(220);
raw.write('EHLO client.hndl.test\r\n');
await expectCode(250);
raw.write('STARTTLS\r\n');
await expectCode(220);
raw.removeAllListeners('data');
const s = tls.connect({ socket: raw, servername, rejectUnauthorized: false });
await new Promise((res, rej) => s.once('secureConnect', res).once('error', rej));
next = replies(s);
s.write('EHLO client.hndl.test\r\n');
await expectCode(250);
s.write('MAIL FROM:<agent@hndl.test>\r\n');
await expectCode(250);
s.write('RCPT TO:<team@hndl.test>\r\n');
await expectCode(250);
s.write('DATA\r\n');
await expectCode(354);
s.write('Subject: plans\r\n\r\nagent context that must stay secret\r\n.\r\n');
await expectCode(250);
s.write('QUIT\r\n');
await expectCode(221);
s.end();
console.log(`done ${s.getProtocol()} ${s.getCipher().name}`);
