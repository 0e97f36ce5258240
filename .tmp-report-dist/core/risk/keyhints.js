/**
 * JSON key names that hint at a data category (e.g. "card_number", "diagnosis", "api_key").
 * Keys are normalised (lower case, non-alphanumerics removed) and matched exactly or by suffix;
 * LLM fields such as "max_tokens" deliberately do not match the credentials row.
 */
/** first matching row wins: specific rows come before generic ones */
export const KEY_HINT_RULES = [
    {
        category: 'payment',
        exact: ['pan', 'cvv', 'cvc', 'cvv2', 'cvc2', 'ccnumber', 'ccnum', 'cardnumber', 'cardno', 'creditcard', 'creditcardnumber', 'cardexpiry'],
        suffix: ['cardnumber', 'creditcard'],
        basis: 'PCI DSS v4.0 glossary: cardholder data (PAN) and sensitive authentication data (card verification code)',
    },
    {
        category: 'genomic',
        exact: ['genome', 'genotype', 'genotypes', 'dna', 'dnasequence', 'snps', 'vcf'],
        suffix: ['genotype', 'genome'],
        basis: 'genetic data, GDPR Art. 4(13) / Art. 9(1) special category',
    },
    {
        category: 'health',
        exact: ['diagnosis', 'diagnoses', 'patient', 'patientid', 'patientname', 'mrn', 'medicalrecordnumber', 'icd10', 'icdcode',
            'medication', 'medications', 'prescription', 'prescriptions', 'allergies', 'labresults', 'symptoms', 'healthplanid'],
        suffix: ['diagnosis', 'patientid', 'medicalrecordnumber'],
        basis: 'HIPAA 45 CFR §160.103 (protected health information) and §164.514(b)(2)(i) (medical record numbers)',
    },
    {
        category: 'secret-keys',
        exact: ['password', 'passwd', 'pwd', 'passphrase', 'secret', 'apikey', 'apisecret', 'clientsecret', 'privatekey', 'secretkey',
            'secretaccesskey', 'awssecretaccesskey', 'sshkey', 'signingkey', 'encryptionkey'],
        suffix: ['password', 'apikey', 'secret', 'privatekey', 'secretkey', 'secretaccesskey'],
        basis: 'long-lived authenticators: NIST SP 800-63B §5.1.1 (memorized secrets), NIST SP 800-57 Pt 1 §5.3 (private/secret keys)',
    },
    {
        category: 'credentials',
        exact: ['token', 'accesstoken', 'refreshtoken', 'idtoken', 'authtoken', 'sessiontoken', 'bearertoken', 'sessionid', 'sessid',
            'cookie', 'authorization', 'jwt', 'otp', 'mfacode'],
        suffix: ['accesstoken', 'refreshtoken', 'sessiontoken', 'authtoken', 'sessionid', 'bearertoken'],
        basis: 'session authenticators (RFC 6749 §1.4-1.5 access/refresh tokens, RFC 6265 cookies)',
    },
    {
        category: 'financial',
        exact: ['iban', 'bic', 'swiftcode', 'accountnumber', 'bankaccount', 'bankaccountnumber', 'routingnumber', 'sortcode', 'taxid', 'ein', 'salary'],
        suffix: ['iban', 'accountnumber', 'routingnumber'],
        basis: 'bank account identifiers (ISO 13616 IBAN, ISO 9362 BIC) and financial records',
    },
    {
        category: 'personal',
        exact: ['ssn', 'socialsecuritynumber', 'dob', 'dateofbirth', 'birthdate', 'birthday', 'email', 'emailaddress', 'phone', 'phonenumber',
            'mobile', 'address', 'streetaddress', 'postcode', 'zipcode', 'passportnumber', 'driverslicense', 'nationalid', 'firstname',
            'lastname', 'fullname'],
        suffix: ['ssn', 'email', 'phonenumber', 'dateofbirth', 'passportnumber'],
        basis: 'GDPR Art. 4(1) personal data; identifiers listed in HIPAA 45 CFR §164.514(b)(2)(i)',
    },
];
export function normaliseKey(key) {
    return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}
/** the category a key name hints at, or null */
export function keyHintCategory(key) {
    const k = normaliseKey(key);
    if (k.length === 0 || k.length > 64)
        return null;
    for (const r of KEY_HINT_RULES) {
        if (r.exact.includes(k))
            return r.category;
    }
    for (const r of KEY_HINT_RULES) {
        if (r.suffix.some((s) => k.endsWith(s)))
            return r.category;
    }
    return null;
}
//# sourceMappingURL=keyhints.js.map