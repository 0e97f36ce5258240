/** Timestamps: the engine keeps integer microseconds since the Unix epoch. */

/** the ISO text of the last whole second formatted (flows of a capture share seconds) */
let lastSecond = Number.NaN;
let lastPrefix = '';

/** "YYYY-MM-DDTHH:MM:SS.ffffffZ" (microseconds) */
export function microsToIso(us: number): string {
  if (!Number.isFinite(us)) return new Date(0).toISOString();
  const sec = Math.floor(us / 1_000_000);
  if (sec !== lastSecond) {
    const d = new Date(sec * 1000);
    if (Number.isNaN(d.getTime())) return new Date(0).toISOString();
    lastPrefix = d.toISOString().slice(0, 19); // YYYY-MM-DDTHH:MM:SS
    lastSecond = sec;
  }
  const frac = us - sec * 1_000_000;
  return `${lastPrefix}.${String(Math.floor(frac)).padStart(6, '0')}Z`;
}
