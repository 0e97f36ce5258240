import { crqcCurve } from './crqc.js';
import { defaultEvidence, mcpTrafficEvidence, portHints, sniHints } from './hints.js';
import { declaredEvidence, selectSensitivity } from './select.js';
const YEAR_MS = 365.25 * 86_400_000;
export function levelFor(score, t) {
    if (score >= t.critical)
        return 'critical';
    if (score >= t.high)
        return 'high';
    if (score >= t.medium)
        return 'medium';
    if (score >= t.low)
        return 'low';
    return 'none';
}
/** the score given to a level set by rule (its threshold; 0 for none) */
export function scoreForLevel(level, t) {
    return level === 'none' ? 0 : t[level];
}
const pct = (p) => `${Math.round(p * 1000) / 10} %`;
const yrs = (y) => `${Math.round(y * 10) / 10} year${Math.abs(y - 1) < 0.05 ? '' : 's'}`;
/** gathers all evidence for the flow: the caller's plus declarations, SNI, port, MCP, default */
export function collectEvidence(input, policy) {
    const all = [...declaredEvidence(input.serverKey, policy), ...input.evidence];
    sniHints(input.serverKey.sni, 'tls.sni', all);
    portHints(input.serverKey.port, input.transport ?? (input.app === 'quic' ? 'udp' : 'tcp'), 'server.port', all);
    if (input.isMcp)
        all.push(mcpTrafficEvidence('mcp'));
    if (all.length === 0)
        all.push(defaultEvidence('flow'));
    return all;
}
function classical(input, s, policy, now, reasons) {
    const capturedMs = input.captureTimeMicros / 1000;
    const elapsed = Number.isFinite(capturedMs) ? Math.max(0, (now.getTime() - capturedMs) / YEAR_MS) : 0;
    const remaining = s.lifetimeYears - elapsed;
    if (remaining <= 0) {
        reasons.push(s.lifetimeYears === 0
            ? `${s.category} data has no secrecy lifetime`
            : `the ${s.category} secrecy lifetime (${yrs(s.lifetimeYears)}) has already passed since capture`);
        return { score: 0, level: 'none', exposure: 0, reasons };
    }
    const curve = crqcCurve(policy.crqc, now);
    const exposure = curve.pWithin(remaining);
    const score = Math.round(exposure * 1000) / 10;
    reasons.push(`${s.category} data must stay secret ${yrs(remaining)} more (lifetime ${yrs(s.lifetimeYears)})`);
    reasons.push(`chance of a quantum computer within ${yrs(remaining)}: ${pct(exposure)} (${curve.describe})`);
    return { score, level: levelFor(score, policy.thresholds), exposure, reasons };
}
export function assessFlow(input, policy) {
    const now = input.now ?? new Date();
    const sensitivity = selectSensitivity(collectEvidence(input, policy), policy);
    const group = input.kexGroup === null ? '' : ` (${input.kexGroup})`;
    const reasons = [];
    const t = policy.thresholds;
    let risk;
    switch (input.kexNegotiated) {
        case 'plaintext':
            if (sensitivity.lifetimeYears === 0) {
                reasons.push(`readable now, but ${sensitivity.category} content has no secrecy lifetime`);
                risk = { score: scoreForLevel('low', t), level: 'low', exposure: 1, reasons };
            }
            else {
                reasons.push(input.isMcp ? 'readable now: MCP tool calls and results travel unencrypted' : 'readable now: no encryption');
                risk = { score: 100, level: 'critical', exposure: 1, reasons };
            }
            break;
        case 'classical':
            reasons.push(`classical key exchange${group}: a recording can be decrypted once a quantum computer exists`);
            if (input.kexOffered === 'hybrid' || input.kexOffered === 'pq') {
                reasons.push(`the client offered a ${input.kexOffered} key exchange but the server chose a classical one`);
            }
            risk = classical(input, sensitivity, policy, now, reasons);
            break;
        case 'hybrid':
        case 'pq':
            if (input.legacyDraft === true || input.malformedShare === true) {
                if (input.legacyDraft === true) {
                    reasons.push(`legacy pre-standard Kyber draft group${group}: not ML-KEM as standardised in FIPS 203; move to X25519MLKEM768`);
                }
                if (input.malformedShare === true) {
                    reasons.push('the ML-KEM key share failed validation (FIPS 203 §7.2 modulus check): post-quantum protection not confirmed');
                }
                const level = policy.legacyHybrid;
                risk = { score: scoreForLevel(level, t), level, exposure: null, reasons };
            }
            else {
                reasons.push(`${input.kexNegotiated === 'pq' ? 'post-quantum' : 'hybrid post-quantum'} key exchange${group}: a recording stays confidential against a quantum computer`);
                risk = { score: 0, level: 'none', exposure: 0, reasons };
            }
            break;
        case 'unknown':
        default:
            reasons.push('unknown exposure: the key exchange was not seen or could not be decoded');
            if (policy.unknownKex === 'assume-classical') {
                reasons.push('rated as classical (policy unknownKex: assume-classical)');
                risk = classical(input, sensitivity, policy, now, reasons);
            }
            else {
                const level = policy.unknownKex;
                reasons.push(`level ${level} set by policy (unknownKex)`);
                risk = { score: scoreForLevel(level, t), level, exposure: null, reasons };
            }
            break;
    }
    return { sensitivity, risk };
}
//# sourceMappingURL=score.js.map