/** Timestamps: the engine keeps integer microseconds since the Unix epoch. */
export function microsToIso(us) {
    if (!Number.isFinite(us))
        return new Date(0).toISOString();
    const ms = Math.floor(us / 1000);
    const d = new Date(ms);
    if (Number.isNaN(d.getTime()))
        return new Date(0).toISOString();
    const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
    const micro = String(Math.floor(us % 1000)).padStart(3, '0');
    return `${iso.slice(0, 23)}${micro}Z`;
}
//# sourceMappingURL=time.js.map