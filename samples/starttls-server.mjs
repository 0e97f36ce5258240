// A small SMTP or FTP control-channel server that upgrades to TLS in-band, for the STARTTLS
// samples (samples/make-starttls-samples.sh). The plaintext dialogue is minimal; the TLS stack
// is Node's own OpenSSL (3.0 in Node 20: classical groups; 3.5 in Node 22: X25519MLKEM768).
//   node starttls-server.mjs --proto smtp|ftp --port P --cert CERT --key KEY [--count N]
// SMTP (RFC 5321, STARTTLS RFC 3207): 220 greeting, EHLO → 250 list with STARTTLS, STARTTLS →
// 220 then TLS, MAIL / RCPT → 250, DATA → 354 … 250, QUIT → 221.
// FTP (RFC 959, AUTH TLS RFC 4217): 220 greeting, AUTH TLS → 234 then TLS, USER → 331,
// PASS → 230, PBSZ / PROT → 200, QUIT → 221.
// Prints "listening" once bound; serves --count connections (default 1), then exits.
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const proto = opt('proto', 'smtp');
const port = Number(opt('port', proto === 'smtp' ? '25' : '21'));
const cert = readFileSync(opt('cert'));
const key = readFileSync(opt('key'));
let left = Number(opt('count', '1'));

function lines(sock, onLine) {
  let buf = '';
  const onData = (d) => {
    buf += d.toString('latin1');
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      if (onLine(line) === 'stop') {
        sock.removeListener('data', onData);
        return;
      }
    }
  };
  sock.on('data', onData);
}

function session(raw) {
  let s = raw;
  let secure = false;
  let inData = false;
  const say = (t) => s.write(`${t}\r\n`);
  const upgrade = () => {
    const t = new tls.TLSSocket(raw, { isServer: true, cert, key });
    s = t;
    secure = true;
    lines(t, handle);
    t.on('error', () => {});
  };
  function handle(line) {
    if (inData) {
      if (line === '.') {
        inData = false;
        say('250 2.0.0 queued');
      }
      return undefined;
    }
    const verb = line.split(' ')[0].toUpperCase();
    if (proto === 'smtp') {
      if (verb === 'EHLO' || verb === 'HELO') {
        say('250-mail.hndl.test');
        say('250-PIPELINING');
        if (!secure) say('250-STARTTLS');
        say('250 8BITMIME');
      } else if (verb === 'STARTTLS' && !secure) {
        say('220 2.0.0 Ready to start TLS');
        upgrade();
        return 'stop';
      } else if (verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP') say('250 2.1.0 ok');
      else if (verb === 'DATA') {
        inData = true;
        say('354 end data with <CR><LF>.<CR><LF>');
      } else if (verb === 'QUIT') {
        say('221 2.0.0 bye');
        s.end();
      } else say('502 5.5.2 not implemented');
    } else {
      if (verb === 'AUTH' && !secure) {
        say('234 AUTH TLS ok');
        upgrade();
        return 'stop';
      } else if (verb === 'USER') say('331 password please');
      else if (verb === 'PASS') say('230 logged in');
      else if (verb === 'PBSZ' || verb === 'PROT' || verb === 'TYPE') say('200 ok');
      else if (verb === 'FEAT') say('211 no features');
      else if (verb === 'QUIT') {
        say('221 bye');
        s.end();
      } else say('502 not implemented');
    }
    return undefined;
  }
  raw.on('error', () => {});
  lines(raw, handle);
  say(proto === 'smtp' ? '220 mail.hndl.test ESMTP hndl-sample' : '220 hndl-sample FTP ready');
}

const server = net.createServer((sock) => {
  session(sock);
  sock.on('close', () => {
    if (--left <= 0) server.close();
  });
});
server.listen(port, '127.0.0.1', () => console.log('listening'));
