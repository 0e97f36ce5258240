/**
 * Run the content detectors (text-detectors.ts) over strings and JSON values held in memory.
 * Output is Evidence naming detector, category, caller-supplied location and confidence —
 * never the matched value. Bounded: at most `maxChars` characters per string, `maxMatches` per
 * detector, and `maxNodes` / `maxDepth` / `totalChars` for a JSON walk.
 */
import { keyHintCategory } from './keyhints.js';
import { TEXT_DETECTORS } from './text-detectors.js';
export { TEXT_DETECTORS } from './text-detectors.js';
export const DEFAULT_SCAN_LIMITS = Object.freeze({
    maxChars: 256 * 1024,
    maxMatches: 50,
    maxDepth: 64,
    maxNodes: 20_000,
    totalChars: 4 * 1024 * 1024,
});
function limitsOf(l) {
    return { ...DEFAULT_SCAN_LIMITS, ...(l ?? {}) };
}
/** scans `text` (first maxChars characters) and appends one Evidence per detector that fired */
export function scanText(text, location, out, limits) {
    const lim = limitsOf(limits);
    const t = text.length > lim.maxChars ? text.slice(0, lim.maxChars) : text;
    let added = 0;
    if (t.length < 6)
        return 0;
    for (const d of TEXT_DETECTORS) {
        const hit = d.run(t, lim.maxMatches);
        if (hit === null)
            continue;
        out.push({ detector: d.name, category: d.category, location, confidence: hit.confidence, source: 'content', count: hit.count });
        added++;
    }
    return added;
}
/**
 * The key as shown in a location: kept when identifier-like and nothing detected in it, else
 * '[key]'. Detections inside the key itself (a map keyed by e-mail, say) go to `out`.
 */
function safeKey(key, parentLoc, st) {
    const probe = [];
    scanText(key, '', probe, st.lim);
    const shown = probe.length === 0 && /^[A-Za-z_$@][A-Za-z0-9_$@:/.-]{0,63}$/.test(key) ? key : '[key]';
    for (const e of probe)
        st.out.push({ ...e, location: `${parentLoc}.${shown}` });
    return shown;
}
function hasContent(v) {
    if (v === null || v === false || v === '')
        return false;
    if (Array.isArray(v))
        return v.length > 0;
    if (typeof v === 'object')
        return Object.keys(v).length > 0;
    return true;
}
function walk(v, loc, depth, st) {
    if (st.nodes >= st.lim.maxNodes || depth > st.lim.maxDepth)
        return;
    st.nodes++;
    if (typeof v === 'string') {
        const budget = Math.min(st.lim.maxChars, st.lim.totalChars - st.chars);
        if (budget <= 0)
            return;
        const s = v.length > budget ? v.slice(0, budget) : v;
        st.chars += s.length;
        scanText(s, loc, st.out, st.lim);
        // JSON carried inside a string (MCP tool results often wrap JSON in text content)
        const head = s.trimStart()[0];
        if ((head === '{' || head === '[') && s.length === v.length && depth < st.lim.maxDepth) {
            try {
                walk(JSON.parse(s), `${loc}<json>`, depth + 1, st);
            }
            catch {
                /* not JSON */
            }
        }
        return;
    }
    if (typeof v === 'number') {
        // long integers may be card numbers sent as JSON numbers
        if (Number.isInteger(v) && Math.abs(v) >= 1e12)
            scanText(String(Math.abs(v)), loc, st.out, st.lim);
        return;
    }
    if (v === null || typeof v === 'boolean')
        return;
    if (Array.isArray(v)) {
        for (let i = 0; i < v.length && st.nodes < st.lim.maxNodes; i++)
            walk(v[i], `${loc}[${i}]`, depth + 1, st);
        return;
    }
    for (const key of Object.keys(v)) {
        if (st.nodes >= st.lim.maxNodes)
            return;
        const child = v[key];
        const childLoc = `${loc}.${safeKey(key, loc, st)}`;
        const cat = keyHintCategory(key);
        if (cat !== null && hasContent(child)) {
            st.out.push({ detector: 'key-name', category: cat, location: childLoc, confidence: 'medium', source: 'content' });
        }
        walk(child, childLoc, depth + 1, st);
    }
}
/** walks keys and values of a JSON value; appends Evidence to `out`; key names also hint categories */
export function scanJson(value, location, out, limits) {
    walk(value, location, 0, { nodes: 0, chars: 0, lim: limitsOf(limits), out });
}
//# sourceMappingURL=detectors.js.map