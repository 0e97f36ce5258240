import { describe, it, expect } from 'vitest';
import { detectFormat, createReader } from '../../core/capture/detect.js';
import { PcapReader } from '../../core/capture/pcap.js';
import { PcapngReader } from '../../core/capture/pcapng.js';
import { Weirds } from '../../core/util/weirds.js';
import { CollectSink, pcapHeader, shb } from './helpers.js';

const desc = (b: Uint8Array | string): string => {
  const d = detectFormat(typeof b === 'string' ? Buffer.from(b) : b);
  return d.kind === 'other' ? d.description : d.kind;
};

describe('detectFormat', () => {
  it('recognises pcap magics in both byte orders and resolutions', () => {
    for (const le of [true, false]) {
      for (const magic of [0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34]) {
        expect(detectFormat(pcapHeader({ le, magic }))).toEqual({ kind: 'pcap' });
      }
    }
  });

  it('recognises pcapng in both byte orders and gzip', () => {
    expect(detectFormat(shb(true))).toEqual({ kind: 'pcapng' });
    expect(detectFormat(shb(false))).toEqual({ kind: 'pcapng' });
    expect(detectFormat(Buffer.from([0x1f, 0x8b, 0x08, 0x00]))).toEqual({ kind: 'gzip' });
  });

  it('describes other things', () => {
    expect(desc(Buffer.alloc(0))).toBe('empty file');
    expect(desc(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]))).toBe('a ZIP archive');
    expect(desc('{"flows": []}\n')).toBe('text (looks like JSON)');
    expect(desc('  [1, 2]')).toBe('text (looks like JSON)');
    expect(desc('hello world\nthis is a note\n')).toBe('text');
    expect(desc('CLIENT_RANDOM 0011 2233\n')).toBe('text (looks like a TLS key log file)');
    expect(desc('<!DOCTYPE html><html>')).toBe('text (looks like HTML)');
    expect(desc(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]))).toBe('binary data (first bytes 7f 45 4c 46: an ELF executable)');
    expect(desc(Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04]))).toBe('binary data (first bytes 00 01 02 03)');
    expect(desc(Buffer.from([0x00, 0x01]))).toBe('too short to be a capture (2 bytes)');
    expect(desc(Buffer.from('snoop\0\0\0\0\0\0\x02'))).toMatch(/snoop capture/);
    expect(desc(Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d]))).toBe('a PDF document');
  });

  it('spots an ERF-like record header', () => {
    const erf = Buffer.alloc(32);
    erf.writeUInt32LE(1700000000, 4); // seconds (upper half of the LE 64-bit timestamp)
    erf[8] = 2; // TYPE_ETH
    erf.writeUInt16BE(32, 10); // rlen
    erf.writeUInt16BE(14, 14); // wlen
    expect(desc(erf)).toMatch(/^an ERF\/other capture format/);
  });

  it('createReader returns the matching reader', () => {
    const opts = { sink: new CollectSink(), weirds: new Weirds() };
    expect(createReader('pcap', opts)).toBeInstanceOf(PcapReader);
    expect(createReader('pcapng', opts)).toBeInstanceOf(PcapngReader);
  });
});
