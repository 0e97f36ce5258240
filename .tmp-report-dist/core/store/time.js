/**
 * Timestamp conversion between the report's ISO-8601 strings and DuckDB TIMESTAMP
 * microseconds since the Unix epoch (UTC). Microsecond precision is kept both ways; a value
 * with whole milliseconds formats exactly like Date.prototype.toISOString.
 */
const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;
/** microseconds since the epoch, or null when `s` is not an ISO-8601 date-time */
export function isoToMicros(s) {
    const m = ISO.exec(s);
    if (m === null)
        return null;
    const ms = Date.parse(`${m[1] ?? ''}T${m[2] ?? ''}${m[4] ?? 'Z'}`);
    if (!Number.isFinite(ms))
        return null;
    const frac = (m[3] ?? '').padEnd(6, '0').slice(0, 6);
    return BigInt(ms) * 1000n + BigInt(frac === '' ? '0' : frac);
}
/** ISO-8601 UTC string with milliseconds, or microseconds when they are not zero */
export function microsToIso(us) {
    let ms = us / 1000n;
    let rem = us % 1000n;
    if (rem < 0n) {
        ms -= 1n;
        rem += 1000n;
    }
    const base = new Date(Number(ms)).toISOString();
    if (rem === 0n)
        return base;
    return `${base.slice(0, -1)}${String(rem).padStart(3, '0')}Z`;
}
//# sourceMappingURL=time.js.map