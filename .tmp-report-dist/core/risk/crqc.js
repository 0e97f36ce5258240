/**
 * CRQC (cryptographically relevant quantum computer) arrival as a cumulative probability curve
 * P(CRQC within t years), not a date (DOMAIN.md §5). Piecewise-linear between points, clamped
 * to [0,1], monotone; after the last point the curve holds its last value. Fixed-year mode is
 * Mosca's inequality as is: P = 0 before year Y, 1 from Y on.
 *
 * Presets (every point documented):
 *  'gri-2023' (default) — Global Risk Institute, Quantum Threat Timeline Report 2023
 *     (Mosca & Piani, published Jan 2024, 37 experts), executive summary:
 *       (0, 0)      no CRQC exists at t = 0 (assumption)
 *       (5, 0.11)   "~11% chance of a CRQC within 5 years" (average estimate)
 *       (10, 0.31)  "~31% chance within a decade" (average estimate)
 *       (15, 0.33)  "even a 'pessimistic' interpretation gives ~33% ... in the next 15 years": a
 *                   LOWER BOUND for the average at 15 years, used as the tail so the curve stays
 *                   monotone without inventing a number. Beyond 15 years the curve holds 0.33,
 *                   which understates 20-50-year secrets: give custom points to do better.
 *  'pessimistic' — the same report's "pessimistic" interpretation. NOTE the GRI meaning:
 *     pessimistic about quantum progress, i.e. LOWER probabilities (fewer flows exposed):
 *       (0, 0), (15, 0.33)  only the 15-year figure is published in the summary; linear from 0
 *                   (which happens to give 0.11 at 5 years, matching the average there).
 *  For a worse case than 'gri-2023', give custom points (the 2024 edition gives 19-34% within
 *  10 years, e.g. [[5, 0.11], [10, 0.34]]) or a fixed year.
 */
export const CRQC_PRESETS = Object.freeze({
    'gri-2023': [[0, 0], [5, 0.11], [10, 0.31], [15, 0.33]],
    pessimistic: [[0, 0], [15, 0.33]],
});
export const DEFAULT_CRQC = { kind: 'preset', preset: 'gri-2023' };
const clamp01 = (x) => (x < 0 ? 0 : x > 1 ? 1 : x);
/** a problem with curve points, or null; points must have years >= 0 strictly increasing, p in [0,1] non-decreasing */
export function checkPoints(points) {
    if (points.length === 0)
        return 'needs at least one point';
    let prevY = -Infinity;
    let prevP = -Infinity;
    for (const [i, [y, p]] of points.entries()) {
        if (!Number.isFinite(y) || y < 0)
            return `point ${i}: years must be a number >= 0`;
        if (!Number.isFinite(p) || p < 0 || p > 1)
            return `point ${i}: probability must be a number in [0, 1]`;
        if (y <= prevY)
            return `point ${i}: years must increase strictly`;
        if (p < prevP)
            return `point ${i}: probability must not decrease (the curve is cumulative)`;
        prevY = y;
        prevP = p;
    }
    return null;
}
/** piecewise-linear interpolation; (0,0) is implied before the first point; holds the last value */
export function interpolate(points, t) {
    if (Number.isNaN(t))
        return 0;
    const first = points[0];
    const pts = first !== undefined && first[0] > 0 ? [[0, 0], ...points] : points;
    const head = pts[0];
    if (head === undefined)
        return 0;
    if (t <= head[0])
        return clamp01(head[1]);
    for (let i = 1; i < pts.length; i++) {
        const a = pts[i - 1];
        const b = pts[i];
        if (a === undefined || b === undefined)
            break;
        if (t <= b[0])
            return clamp01(a[1] + ((b[1] - a[1]) * (t - a[0])) / (b[0] - a[0]));
    }
    return clamp01(pts[pts.length - 1]?.[1] ?? 0);
}
/** fractional calendar year of a date (2026-07-02 ≈ 2026.5) */
export function fractionalYear(d) {
    const y = d.getUTCFullYear();
    const start = Date.UTC(y, 0, 1);
    const end = Date.UTC(y + 1, 0, 1);
    return y + (d.getTime() - start) / (end - start);
}
export function crqcCurve(settings = DEFAULT_CRQC, now = new Date()) {
    if (settings.kind === 'fixed-year') {
        const nowYear = fractionalYear(now);
        return {
            pWithin: (years) => (Number.isNaN(years) ? 0 : nowYear + Math.max(0, years) >= settings.year ? 1 : 0),
            describe: `CRQC assumed to arrive at the start of ${settings.year} (Mosca fixed year)`,
        };
    }
    const points = settings.kind === 'preset' ? CRQC_PRESETS[settings.preset] : settings.points;
    const problem = checkPoints(points);
    if (problem !== null)
        throw new RangeError(`CRQC curve: ${problem}`);
    const name = settings.kind === 'preset' ? `preset ${settings.preset}` : 'custom points';
    return {
        pWithin: (years) => interpolate(points, Math.max(0, years)),
        describe: `CRQC probability curve (${name}): ${points.map(([y, p]) => `${Math.round(p * 100)}% by ${y}y`).join(', ')}`,
    };
}
/** P(CRQC within `years` years of `now`) under `settings` (default: GRI 2023 preset) */
export function pCrqcWithin(years, settings = DEFAULT_CRQC, now = new Date()) {
    return crqcCurve(settings, now).pWithin(years);
}
//# sourceMappingURL=crqc.js.map