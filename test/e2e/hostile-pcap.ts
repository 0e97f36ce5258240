/**
 * Builds, byte by byte, a classic pcap (libpcap format, linktype 1) holding one TCP connection
 * from 10.9.8.7 to 192.0.2.44:443: the handshake (SYN, SYN-ACK, ACK) and a TLS 1.3 ClientHello
 * (RFC 8446 §4.1.2) whose server_name (RFC 6066 §3) is the caller's string — e.g. markup that
 * must render as text. Ethernet II, IPv4 (RFC 791, header checksum computed), TCP (RFC 9293).
 */
function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u24(n: number): Buffer {
  return Buffer.from([(n >> 16) & 255, (n >> 8) & 255, n & 255]);
}

function vec16(body: Buffer): Buffer {
  return Buffer.concat([u16(body.length), body]);
}

function ext(type: number, body: Buffer): Buffer {
  return Buffer.concat([u16(type), vec16(body)]);
}

export function clientHello(sni: string): Buffer {
  const name = Buffer.from(sni, 'latin1');
  const extensions = Buffer.concat([
    ext(0x0000, vec16(Buffer.concat([Buffer.from([0]), vec16(name)]))),
    ext(0x000a, vec16(u16(0x001d))),
    ext(0x000d, vec16(Buffer.concat([u16(0x0403), u16(0x0804)]))),
    ext(0x002b, Buffer.from([2, 0x03, 0x04])),
    ext(0x0033, vec16(Buffer.concat([u16(0x001d), vec16(Buffer.alloc(32, 0x42))]))),
  ]);
  const body = Buffer.concat([
    u16(0x0303),
    Buffer.alloc(32, 0x11),
    Buffer.from([32]),
    Buffer.alloc(32, 0x22),
    vec16(Buffer.concat([u16(0x1301), u16(0x1302)])),
    Buffer.from([1, 0]),
    vec16(extensions),
  ]);
  const hs = Buffer.concat([Buffer.from([0x01]), u24(body.length), body]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), vec16(hs)]);
}

function ipChecksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < h.length; i += 2) sum += h.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const CLIENT = [10, 9, 8, 7];
const SERVER = [192, 0, 2, 44];

/** the endpoints of a built TCP connection */
export interface TcpEnds {
  client: number[];
  server: number[];
  clientPort: number;
  serverPort: number;
}

const ENDS: TcpEnds = { client: CLIENT, server: SERVER, clientPort: 51000, serverPort: 443 };

/** Ethernet II + IPv4 (header checksum computed) + TCP (no options) carrying `payload` */
export function frame(fromClient: boolean, flags: number, seq: number, ack: number, payload: Uint8Array, ends: TcpEnds = ENDS): Buffer {
  const macA = Buffer.from([2, 0, 0, 0, 0, 1]);
  const macB = Buffer.from([2, 0, 0, 0, 0, 2]);
  const eth = Buffer.concat(fromClient ? [macB, macA] : [macA, macB]);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(fromClient ? ends.clientPort : ends.serverPort, 0);
  tcp.writeUInt16BE(fromClient ? ends.serverPort : ends.clientPort, 2);
  tcp.writeUInt32BE(seq >>> 0, 4);
  tcp.writeUInt32BE(ack >>> 0, 8);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  tcp.writeUInt16BE(65535, 14);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 20 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 6;
  Buffer.from(fromClient ? ends.client : ends.server).copy(ip, 12);
  Buffer.from(fromClient ? ends.server : ends.client).copy(ip, 16);
  ip.writeUInt16BE(ipChecksum(ip), 10);
  return Buffer.concat([eth, u16(0x0800), ip, tcp, Buffer.from(payload)]);
}

/** a pcap whose one flow carries a ClientHello with `sni` */
export function hostilePcap(sni: string): Buffer {
  const SYN = 0x02, ACK = 0x10, PSH = 0x08;
  const ch = clientHello(sni);
  const frames = [
    frame(true, SYN, 1000, 0, Buffer.alloc(0)),
    frame(false, SYN | ACK, 5000, 1001, Buffer.alloc(0)),
    frame(true, ACK, 1001, 5001, Buffer.alloc(0)),
    frame(true, PSH | ACK, 1001, 5001, ch),
  ];
  return pcapOf(frames.map((f, i): [number, Buffer] => [i * 1_001_000, f]));
}

/** a classic pcap (little-endian, microseconds, linktype 1) of `records`: [µs after 2026-01-01, frame] */
export function pcapOf(records: [number, Buffer][]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  return Buffer.concat([header, ...records.map(([us, f]) => {
    const rh = Buffer.alloc(16);
    rh.writeUInt32LE(1_767_225_600 + Math.floor(us / 1e6), 0);
    rh.writeUInt32LE(us % 1e6, 4);
    rh.writeUInt32LE(f.length, 8);
    rh.writeUInt32LE(f.length, 12);
    return Buffer.concat([rh, f]);
  })]);
}
