export const NAME_RULES = [
    {
        category: 'health', stems: ['patient', 'fhir', 'hl7', 'diagnos', 'prescri', 'clinic', 'medic', 'pharma', 'dicom', 'radiolog', 'immuniz'],
        words: ['ehr', 'emr', 'phi', 'encounter', 'encounters'], phrases: ['medicalrecord', 'healthrecord'], confidence: 'medium',
        basis: 'EHR / HL7 FHIR vocabulary (FHIR R4 resources Patient, Encounter, MedicationRequest, DiagnosticReport)',
    },
    {
        category: 'genomic', stems: ['genom', 'genotyp', 'dna'], words: ['vcf', 'snp', 'snps'], phrases: [], confidence: 'medium',
        basis: 'genetic data vocabulary (GDPR Art. 4(13)); VCF = Variant Call Format',
    },
    {
        category: 'payment', stems: ['payment', 'checkout', 'billing', 'invoice', 'refund', 'payout', 'stripe', 'paypal', 'adyen'],
        words: ['charge', 'charges', 'card', 'cards', 'pay', 'pos'], phrases: ['paymentintent'], confidence: 'medium',
        basis: 'payment API vocabulary (e.g. Stripe API objects Charge, PaymentIntent, Refund, Invoice)',
    },
    {
        category: 'financial', stems: ['bank', 'ledger', 'transaction', 'portfolio', 'trading', 'accounting', 'payroll'],
        words: ['iban', 'trade', 'trades', 'finance', 'financial', 'tax', 'taxes'], phrases: [], confidence: 'medium',
        basis: 'banking / accounting vocabulary (records covered by SOX §802 retention)',
    },
    {
        category: 'secret-keys', stems: ['secret', 'vault', 'password', 'credential', 'keychain', 'kms'], words: [], phrases: ['privatekey', 'apikey'],
        confidence: 'medium', basis: 'secret-store vocabulary (HashiCorp Vault, cloud KMS, password managers)',
    },
    {
        category: 'credentials', stems: ['oauth', 'login', 'signin'], words: ['auth', 'sso', 'saml', 'session', 'sessions', 'token'], phrases: [],
        confidence: 'low', basis: 'authentication endpoints (RFC 6749 OAuth 2.0, SAML 2.0) exchange session credentials',
    },
    {
        category: 'source-code', stems: ['git', 'repo', 'commit', 'codebase', 'sourcecode'], words: ['pr', 'pulls', 'diff', 'code', 'branch', 'branches'],
        phrases: ['pullrequest', 'mergerequest'], confidence: 'medium',
        basis: 'source-control vocabulary (git, GitHub/GitLab REST resources repos, commits, pulls)',
    },
    {
        category: 'source-code', stems: [], words: [], phrases: ['readfile', 'writefile', 'editfile', 'listdirectory', 'searchfiles', 'readtextfile', 'directorytree'],
        confidence: 'low', basis: 'MCP reference filesystem server tools (read_file, write_file, edit_file, ...): coding agents read project files',
    },
    {
        category: 'model-weights', stems: ['safetensor', 'gguf', 'checkpoint'], words: ['weights', 'lora'], phrases: [], confidence: 'low',
        basis: 'model artefact formats (safetensors, GGUF) and checkpoints',
    },
    {
        category: 'personal', stems: ['customer', 'contact', 'employee', 'calendar', 'profile', 'crm', 'email'], words: ['hr', 'people', 'person', 'persons', 'inbox', 'mail'],
        phrases: [], confidence: 'low', basis: 'CRM / HR / mail vocabulary: records about people (GDPR Art. 4(1))',
    },
    {
        category: 'personal', stems: ['sql', 'postgres', 'mysql', 'mongo', 'database', 'bigquery', 'snowflake'], words: ['query', 'db', 'select'], phrases: [],
        confidence: 'low', basis: 'database access of unknown content: business databases most often hold customer records (assumption, low confidence)',
    },
];
/** lower-case words of a name: camelCase, snake_case, kebab-case, paths, dots */
export function nameWords(name) {
    return name
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w.length > 0);
}
/** every rule that fires on `name` (at most one hit per rule) */
export function matchName(name) {
    const words = nameWords(name.slice(0, 512));
    const joined = words.join('');
    return NAME_RULES.filter((r) => words.some((w) => r.words.includes(w) || r.stems.some((s) => w.startsWith(s)))
        || r.phrases.some((p) => joined.includes(p)));
}
//# sourceMappingURL=name-rules.js.map