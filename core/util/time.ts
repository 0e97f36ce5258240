/** Timestamps: the engine keeps integer microseconds since the Unix epoch. */

/** the ISO text of the last whole second formatted (flows of a capture share seconds) */
let lastSecond = Number.NaN;
let lastPrefix = '';

/** what a time outside the range of a Date is shown as: the Unix epoch, in the same form */
const EPOCH_ISO = '1970-01-01T00:00:00.000000Z';

/**
 * The seconds RFC 3339 §5.6 can write: years 0000 to 9999 (four-digit date-fullyear), i.e.
 * 0000-01-01T00:00:00Z = -62 167 219 200 s and 9999-12-31T23:59:59Z = 253 402 300 799 s from
 * the Unix epoch (proleptic Gregorian, as Date counts). A pcapng timestamp or interface offset
 * can be anything up to ±2^64 units; past these years toISOString writes "+010000-…".
 */
const ISO_MIN_SECONDS = -62_167_219_200;
const ISO_MAX_SECONDS = 253_402_300_799;

/** whether a capture time (µs since the epoch) has an RFC 3339 form (years 0000–9999) */
export function isoRepresentable(us: number): boolean {
  const sec = Math.floor(us / 1_000_000);
  return sec >= ISO_MIN_SECONDS && sec <= ISO_MAX_SECONDS;
}

/** "YYYY-MM-DDTHH:MM:SS.ffffffZ" (microseconds); EPOCH_ISO when `us` has no such form (isoRepresentable) */
export function microsToIso(us: number): string {
  if (!isoRepresentable(us)) return EPOCH_ISO; // false for NaN too
  const sec = Math.floor(us / 1_000_000);
  if (sec !== lastSecond) {
    const d = new Date(sec * 1000);
    lastPrefix = d.toISOString().slice(0, 19); // YYYY-MM-DDTHH:MM:SS
    lastSecond = sec;
  }
  const frac = us - sec * 1_000_000;
  return `${lastPrefix}.${String(Math.floor(frac)).padStart(6, '0')}Z`;
}
