/**
 * Timestamp conversion between the report's ISO-8601 strings and DuckDB TIMESTAMP
 * microseconds since the Unix epoch (UTC). Microsecond precision is kept both ways; a value
 * with whole milliseconds formats exactly like Date.prototype.toISOString.
 */
const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** the last whole second parsed by the fast path ("YYYY-MM-DDTHH:MM:SS") and its epoch ms */
let lastSecondText = '';
let lastSecondMs = 0;

/** digits of s[from, to) as a number, or -1 when one of them is not a digit */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** set by isoParts: epoch milliseconds and the microseconds to add to them */
let partMs = 0;
let partUs = 0;

/**
 * Parses an ISO-8601 date-time into partMs (epoch ms of its whole second, or of the value for
 * the general form) and partUs (microseconds to add); false when `s` is not one.
 */
function isoParts(s: string): boolean {
  // fast path: the engine's own "YYYY-MM-DDTHH:MM:SS.ffffffZ" (flows of a capture share seconds)
  if (s.length === 27 && s.charCodeAt(10) === 84 && s.charCodeAt(19) === 46 && s.charCodeAt(26) === 90) {
    const frac = digits(s, 20, 26);
    const second = s.slice(0, 19);
    if (frac >= 0 && second === lastSecondText) {
      partMs = lastSecondMs;
      partUs = frac;
      return true;
    }
    if (frac >= 0 && ISO.test(s)) {
      const ms = Date.parse(`${second}Z`);
      if (Number.isFinite(ms)) {
        lastSecondText = second;
        lastSecondMs = ms;
        partMs = ms;
        partUs = frac;
        return true;
      }
    }
  }
  const m = ISO.exec(s);
  if (m === null) return false;
  const ms = Date.parse(`${m[1] ?? ''}T${m[2] ?? ''}${m[4] ?? 'Z'}`);
  if (!Number.isFinite(ms)) return false;
  const frac = (m[3] ?? '').padEnd(6, '0').slice(0, 6);
  partMs = ms;
  partUs = frac === '' ? 0 : Number(frac);
  return true;
}

/** microseconds since the epoch, or null when `s` is not an ISO-8601 date-time */
export function isoToMicros(s: string): bigint | null {
  if (!isoParts(s)) return null;
  return BigInt(partMs) * 1000n + BigInt(partUs);
}

/**
 * isoToMicros as a number, for writers that avoid a BigInt per value; null when `s` is not an
 * ISO-8601 date-time or its microseconds are not a safe integer (outside about 1685–2255).
 */
export function isoToMicrosNumber(s: string): number | null {
  if (!isoParts(s)) return null;
  const us = partMs * 1000 + partUs;
  return Number.isSafeInteger(us) ? us : null;
}

/** ISO-8601 UTC string with milliseconds, or microseconds when they are not zero */
export function microsToIso(us: bigint): string {
  let ms = us / 1000n;
  let rem = us % 1000n;
  if (rem < 0n) {
    ms -= 1n;
    rem += 1000n;
  }
  const base = new Date(Number(ms)).toISOString();
  if (rem === 0n) return base;
  return `${base.slice(0, -1)}${String(rem).padStart(3, '0')}Z`;
}
