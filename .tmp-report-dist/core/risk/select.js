/**
 * Choosing the sensitivity of a flow from its evidence: policy declarations first, then the
 * strongest evidence by source (declared > content > MCP > HTTP > SNI > port > default), then
 * confidence, then the longest lifetime (the conservative pick among equals).
 */
import { DEFAULT_CATEGORY } from './categories.js';
import { hostMatches, inCidr, parseIp, sameIp } from './match.js';
import { CONFIDENCE_RANK, SOURCE_RANK } from './types.js';
export function declarationMatches(d, s) {
    if (d.port !== null && d.port !== s.port)
        return false;
    if (d.kind === 'subnet')
        return d.cidr !== null && inCidr(s.ip, d.cidr);
    if (d.host === null)
        return false;
    if (d.kind === 'server' && parseIp(d.host) !== null)
        return sameIp(d.host, s.ip);
    return s.sni !== null && hostMatches(d.host, s.sni);
}
/** evidence from the policy's declarations for this server (first declaration listed wins) */
export function declaredEvidence(s, policy) {
    const out = [];
    policy.declarations.forEach((d, i) => {
        if (declarationMatches(d, s)) {
            out.push({ detector: `policy.declarations[${i}]`, category: d.category, location: `${d.kind}=${d.pattern}`, confidence: 'high', source: 'declared' });
        }
    });
    return out;
}
export function lifetimeOf(category, policy) {
    return policy.categories[category]?.lifetimeYears ?? policy.categories[DEFAULT_CATEGORY]?.lifetimeYears ?? 5;
}
/** evidence strongest first */
export function rankEvidence(evidence, policy) {
    return [...evidence].sort((a, b) => SOURCE_RANK[b.source] - SOURCE_RANK[a.source]
        || CONFIDENCE_RANK[b.confidence] - CONFIDENCE_RANK[a.confidence]
        || lifetimeOf(b.category, policy) - lifetimeOf(a.category, policy));
}
const MAX_EVIDENCE = 32;
/** the flow's sensitivity; `evidence` must not be empty (add defaultEvidence) */
export function selectSensitivity(evidence, policy) {
    const ranked = rankEvidence(evidence, policy);
    const best = ranked[0];
    if (best === undefined) {
        return { category: DEFAULT_CATEGORY, lifetimeYears: lifetimeOf(DEFAULT_CATEGORY, policy), confidence: 'low', evidence: [] };
    }
    let lifetimeYears = lifetimeOf(best.category, policy);
    if (best.source === 'declared') {
        const i = /^policy\.declarations\[(\d+)\]$/.exec(best.detector)?.[1];
        const own = i === undefined ? null : policy.declarations[Number(i)]?.lifetimeYears ?? null;
        if (own !== null)
            lifetimeYears = own;
    }
    const category = Object.prototype.hasOwnProperty.call(policy.categories, best.category) ? best.category : DEFAULT_CATEGORY;
    return {
        category,
        lifetimeYears,
        confidence: best.source === 'declared' ? 'declared' : best.source === 'default' ? 'low' : best.confidence,
        evidence: ranked.slice(0, MAX_EVIDENCE),
    };
}
//# sourceMappingURL=select.js.map