export const DEFAULT_DEADLINES = [
    {
        id: 'cnsa2-nss-acquisitions',
        date: '2027-01-01',
        title: 'CNSA 2.0: new national-security-system acquisitions must support CNSA 2.0 key establishment (ML-KEM-1024); X25519MLKEM768 is post-quantum but not CNSA 2.0 compliant',
        source: 'NSA, Announcing the Commercial National Security Algorithm Suite 2.0 (CSA, Sept 2022) and CNSA 2.0 FAQ',
        appliesTo: ['plaintext', 'classical', 'hybrid', 'pq'],
        // both carry ML-KEM-1024; whether NSA accepts the P-384 hybrid for a given system is for the system owner to confirm
        exemptGroups: ['MLKEM1024', 'SecP384r1MLKEM1024'],
    },
    {
        id: 'nist-ir-8547-deprecate-112',
        date: '2031-01-01',
        title: 'NIST IR 8547 (draft): 112-bit classical public-key algorithms (e.g. RSA-2048, ffdhe2048) deprecated after 2030',
        source: 'NIST IR 8547 ipd, Transition to Post-Quantum Cryptography Standards (Nov 2024), §4',
        appliesTo: ['classical'],
    },
    {
        id: 'nist-ir-8547-disallow',
        date: '2036-01-01',
        title: 'NIST IR 8547 (draft): all quantum-vulnerable public-key algorithms (RSA, ECDH, FFDH) disallowed after 2035',
        source: 'NIST IR 8547 ipd, Transition to Post-Quantum Cryptography Standards (Nov 2024), §4',
        appliesTo: ['classical'],
    },
];
//# sourceMappingURL=deadlines.js.map