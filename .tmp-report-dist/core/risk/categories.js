/**
 * Data categories and their default secrecy lifetimes (years a recorded flow must stay
 * confidential). Each row carries its basis; a policy file may override any lifetime
 * (core/risk/policy.ts) or add categories. Sources summarised in /work/shared/DOMAIN.md §5.
 */
function row(id, label, lifetimeYears, basis, extra = {}) {
    return { id, label, lifetimeYears, basis, ...extra };
}
/** the built-in table, one row per category, each with its basis */
export const DEFAULT_CATEGORIES = Object.freeze({
    payment: row('payment', 'payment card data', 1, 'PCI DSS v4.0 Req. 10.5.1: audit log history retained at least 12 months', { note: 'a PAN stays usable until card expiry (often 3-5 years): raise via policy if full PANs travel' }),
    health: row('health', 'health records (PHI)', 6, 'HIPAA 45 CFR §164.316(b)(2)(i): documentation retained 6 years from creation or last effective date', { note: 'state medical-record laws are often longer; lifetime records use health-lifetime (50)' }),
    'health-lifetime': row('health-lifetime', 'lifetime health records', 50, 'DOMAIN.md §5: lifetime health data 50+ years (a diagnosis stays true for the patient\'s life)'),
    financial: row('financial', 'financial and audit records', 7, 'SOX §802 (18 U.S.C. §1520) and SEC 17 CFR §210.2-06: audit records retained 7 years'),
    personal: row('personal', 'personal data (PII)', 10, 'GDPR Art. 5(1)(e) sets no fixed term; identifiers (name, birth date, national ID, address) stay valid for decades, '
        + 'so the default is deliberately longer than the 6-7-year record terms above (conservative choice)'),
    credentials: row('credentials', 'session credentials (tokens, cookies, short-lived keys)', 1, 'DOMAIN.md §5: session tokens ≤ 1 year; OAuth access tokens and session cookies normally expire within hours to months', { range: [0, 1] }),
    'secret-keys': row('secret-keys', 'long-lived secrets (private keys, API keys, passwords)', 10, 'NIST SP 800-57 Pt 1 Rev 5 §5.3.6 suggests 1-3-year cryptoperiods, but NIST SP 800-63B §5.1.1.2 advises against forced '
        + 'password changes and SSH/API keys are often never rotated; 10 years assumes an unrotated key', { range: [1, 25] }),
    'source-code': row('source-code', 'source code', 20, 'DOMAIN.md §5: trade secrets / source code 10-30 years; 20 is the middle of that range', { range: [10, 30] }),
    'trade-secret': row('trade-secret', 'trade secrets and business plans', 20, 'DOMAIN.md §5 (10-30 years); trade-secret protection lasts as long as secrecy (18 U.S.C. §1839(3)), no fixed term', { range: [10, 30] }),
    'model-weights': row('model-weights', 'machine-learning model weights', 20, 'DOMAIN.md §5: model weights 10-30 years, treated as trade secrets', { range: [10, 30] }),
    classified: row('classified', 'classified government information', 25, 'Executive Order 13526 §1.5(b) (declassification up to 25 years) and §3.3 (automatic declassification at 25 years)'),
    genomic: row('genomic', 'genomic data', 50, 'DOMAIN.md §5: genomic data 50+ years; a genome does not change and also describes the subject\'s relatives'),
    'agent-context': row('agent-context', 'AI agent / MCP traffic of unknown content', 10, 'MCP tool calls and model-API requests carry whatever the agent works on (documents, code, customer records); '
        + 'unknown content of that mix gets the personal-data default (10), longer than record terms, shorter than trade secrets'),
    telemetry: row('telemetry', 'telemetry and metrics', 0, 'operational metrics with no confidentiality need after collection (no secrecy lifetime)'),
    public: row('public', 'public content', 0, 'published by design (software updates, public web, DNS answers): nothing to keep secret'),
    unknown: row('unknown', 'unknown content', 5, 'no evidence: configurable default (policy unknownLifetimeYears); 5 years sits inside the 1-7-year statutory record terms above'),
});
/** the category used when no evidence exists */
export const DEFAULT_CATEGORY = 'unknown';
/** the category used for MCP traffic with no stronger evidence */
export const MCP_DEFAULT_CATEGORY = 'agent-context';
export function isKnownCategory(id, extra) {
    return Object.prototype.hasOwnProperty.call(DEFAULT_CATEGORIES, id)
        || (extra !== undefined && Object.prototype.hasOwnProperty.call(extra, id));
}
//# sourceMappingURL=categories.js.map