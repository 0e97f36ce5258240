export const SERVICE_HOSTS = [
    // model APIs: prompts, tool results and agent context
    { pattern: 'api.openai.com', category: 'agent-context', confidence: 'high', service: 'OpenAI API', basis: 'platform.openai.com/docs/api-reference (base URL https://api.openai.com/v1)' },
    { pattern: 'api.anthropic.com', category: 'agent-context', confidence: 'high', service: 'Anthropic API', basis: 'docs.anthropic.com/en/api (base URL https://api.anthropic.com)' },
    { pattern: 'generativelanguage.googleapis.com', category: 'agent-context', confidence: 'high', service: 'Google Gemini API', basis: 'ai.google.dev/api (endpoint generativelanguage.googleapis.com)' },
    { pattern: '*.openai.azure.com', category: 'agent-context', confidence: 'high', service: 'Azure OpenAI', basis: 'learn.microsoft.com Azure OpenAI REST reference ({resource}.openai.azure.com)' },
    { pattern: 'api.mistral.ai', category: 'agent-context', confidence: 'high', service: 'Mistral AI API', basis: 'docs.mistral.ai/api (base URL https://api.mistral.ai/v1)' },
    { pattern: 'bedrock-runtime.*.amazonaws.com', category: 'agent-context', confidence: 'high', service: 'Amazon Bedrock runtime', basis: 'AWS General Reference, Amazon Bedrock endpoints (bedrock-runtime.{region}.amazonaws.com)' },
    // EHR / FHIR
    { pattern: '*.epic.com', category: 'health', confidence: 'medium', service: 'Epic Systems', basis: 'Epic is an EHR vendor (epic.com; FHIR developer site fhir.epic.com)' },
    { pattern: '*.cerner.com', category: 'health', confidence: 'medium', service: 'Oracle Health (Cerner)', basis: 'Cerner/Oracle Health EHR (FHIR APIs at fhir.cerner.com)' },
    { pattern: '*.athenahealth.com', category: 'health', confidence: 'medium', service: 'athenahealth', basis: 'athenahealth EHR / practice management (docs.athenahealth.com)' },
    { pattern: 'fhir.*', category: 'health', confidence: 'medium', service: 'FHIR server', basis: 'host named for an HL7 FHIR endpoint (HL7 FHIR R4 RESTful API)' },
    // payments
    { pattern: 'api.stripe.com', category: 'payment', confidence: 'high', service: 'Stripe API', basis: 'docs.stripe.com/api (base URL https://api.stripe.com)' },
    { pattern: 'paypal.com', category: 'payment', confidence: 'medium', service: 'PayPal', basis: 'PayPal payments (developer.paypal.com)' },
    { pattern: '*.paypal.com', category: 'payment', confidence: 'medium', service: 'PayPal', basis: 'PayPal payments, REST API api-m.paypal.com (developer.paypal.com)' },
    { pattern: '*.adyen.com', category: 'payment', confidence: 'high', service: 'Adyen', basis: 'Adyen payment platform APIs (docs.adyen.com)' },
    { pattern: '*.braintreegateway.com', category: 'payment', confidence: 'high', service: 'Braintree', basis: 'Braintree (PayPal) payment gateway API hosts' },
    // source hosting
    { pattern: 'github.com', category: 'source-code', confidence: 'medium', service: 'GitHub', basis: 'GitHub source hosting (docs.github.com)' },
    { pattern: 'api.github.com', category: 'source-code', confidence: 'medium', service: 'GitHub REST API', basis: 'docs.github.com/rest (base URL https://api.github.com)' },
    { pattern: '*.githubusercontent.com', category: 'source-code', confidence: 'medium', service: 'GitHub raw content', basis: 'raw.githubusercontent.com serves repository files' },
    { pattern: 'gitlab.com', category: 'source-code', confidence: 'medium', service: 'GitLab', basis: 'GitLab source hosting (docs.gitlab.com)' },
    { pattern: 'bitbucket.org', category: 'source-code', confidence: 'medium', service: 'Bitbucket', basis: 'Atlassian Bitbucket Cloud source hosting' },
    { pattern: 'api.bitbucket.org', category: 'source-code', confidence: 'medium', service: 'Bitbucket API', basis: 'developer.atlassian.com/cloud/bitbucket (base URL https://api.bitbucket.org/2.0)' },
    // identity providers
    { pattern: 'login.microsoftonline.com', category: 'credentials', confidence: 'high', service: 'Microsoft Entra ID', basis: 'Microsoft identity platform OAuth 2.0 / OpenID endpoints (learn.microsoft.com/entra/identity-platform)' },
    { pattern: 'accounts.google.com', category: 'credentials', confidence: 'high', service: 'Google sign-in', basis: 'Google OAuth 2.0 authorization endpoint (developers.google.com/identity/protocols/oauth2)' },
    { pattern: 'oauth2.googleapis.com', category: 'credentials', confidence: 'high', service: 'Google OAuth token endpoint', basis: 'developers.google.com/identity/protocols/oauth2 (token endpoint)' },
    { pattern: '*.okta.com', category: 'credentials', confidence: 'high', service: 'Okta', basis: 'Okta identity platform org URLs {org}.okta.com (developer.okta.com)' },
    { pattern: '*.auth0.com', category: 'credentials', confidence: 'high', service: 'Auth0', basis: 'Auth0 tenant domains {tenant}.auth0.com (auth0.com/docs)' },
    // telemetry
    { pattern: '*.google-analytics.com', category: 'telemetry', confidence: 'medium', service: 'Google Analytics', basis: 'analytics collection endpoint (developers.google.com/analytics)' },
];
const IANA = 'IANA Service Name and Transport Protocol Port Number Registry';
/** well-known ports (IANA registry); category = what such a service usually carries */
export const SERVICE_PORTS = [
    { port: 5432, transport: 'tcp', service: 'postgresql', category: 'personal', basis: `${IANA}: postgresql; business databases most often hold customer records` },
    { port: 3306, transport: 'tcp', service: 'mysql', category: 'personal', basis: `${IANA}: mysql; business databases most often hold customer records` },
    { port: 1433, transport: 'tcp', service: 'ms-sql-s', category: 'personal', basis: `${IANA}: ms-sql-s; business databases most often hold customer records` },
    { port: 1521, transport: 'tcp', service: 'oracle', category: 'personal', basis: `${IANA}: ncube-lm, de-facto Oracle TNS listener; business database` },
    { port: 27017, transport: 'tcp', service: 'mongodb', category: 'personal', basis: `${IANA}: mongodb; document database` },
    { port: 9200, transport: 'tcp', service: 'elasticsearch', category: 'personal', basis: 'Elasticsearch HTTP default port (elastic.co docs); search indexes of business records' },
    { port: 6379, transport: 'tcp', service: 'redis', category: 'credentials', basis: `${IANA}: redis; commonly a session / cache store` },
    { port: 389, transport: 'any', service: 'ldap', category: 'secret-keys', basis: `${IANA}: ldap; simple binds carry passwords (RFC 4513 §5.1.3)` },
    { port: 636, transport: 'tcp', service: 'ldaps', category: 'secret-keys', basis: `${IANA}: ldaps; simple binds carry passwords (RFC 4513 §5.1.3)` },
    { port: 88, transport: 'any', service: 'kerberos', category: 'credentials', basis: `${IANA}: kerberos; tickets and session keys (RFC 4120)` },
    { port: 25, transport: 'tcp', service: 'smtp', category: 'personal', basis: `${IANA}: smtp; e-mail content (RFC 5321)` },
    { port: 587, transport: 'tcp', service: 'submission', category: 'personal', basis: `${IANA}: submission; e-mail content (RFC 6409)` },
    { port: 465, transport: 'tcp', service: 'submissions', category: 'personal', basis: `${IANA}: submissions; e-mail content (RFC 8314)` },
    { port: 143, transport: 'tcp', service: 'imap', category: 'personal', basis: `${IANA}: imap; mailbox content (RFC 9051)` },
    { port: 993, transport: 'tcp', service: 'imaps', category: 'personal', basis: `${IANA}: imaps; mailbox content (RFC 8314)` },
    { port: 9418, transport: 'tcp', service: 'git', category: 'source-code', basis: `${IANA}: git; git protocol carries repository content` },
    { port: 53, transport: 'any', service: 'domain', category: 'public', basis: `${IANA}: domain; DNS answers are public data (RFC 1035)` },
    { port: 5353, transport: 'udp', service: 'mdns', category: 'public', basis: `${IANA}: mdns; local service announcements (RFC 6762)` },
    { port: 123, transport: 'udp', service: 'ntp', category: 'public', basis: `${IANA}: ntp; time synchronisation (RFC 5905)` },
];
//# sourceMappingURL=service-tables.js.map