/** Timestamps: the engine keeps integer microseconds since the Unix epoch. */

/** the ISO text of the last whole second formatted (flows of a capture share seconds) */
let lastSecond = Number.NaN;
let lastPrefix = '';

/** what a time outside the range of a Date is shown as: the Unix epoch, in the same form */
const EPOCH_ISO = '1970-01-01T00:00:00.000000Z';

/** "YYYY-MM-DDTHH:MM:SS.ffffffZ" (microseconds); EPOCH_ISO when `us` is no time a Date can hold */
export function microsToIso(us: number): string {
  if (!Number.isFinite(us)) return EPOCH_ISO;
  const sec = Math.floor(us / 1_000_000);
  if (sec !== lastSecond) {
    const d = new Date(sec * 1000);
    if (Number.isNaN(d.getTime())) return EPOCH_ISO;
    lastPrefix = d.toISOString().slice(0, 19); // YYYY-MM-DDTHH:MM:SS
    lastSecond = sec;
  }
  const frac = us - sec * 1_000_000;
  return `${lastPrefix}.${String(Math.floor(frac)).padStart(6, '0')}Z`;
}
